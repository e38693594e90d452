// The download's two sides: the VM's console read with a body parser into one
// piece at a time, each piece written to the browser as an HTTP chunk.
#include "front/download_relay.hpp"

#include "namespaces.hpp"
#include "net_parts/errors.hpp"

#include <chrono>
#include <string>

namespace console {
namespace {

using namespace std::chrono_literals;

constexpr auto connect_timeout = 10s;
constexpr auto io_timeout = 30s;  // either side silent this long cuts the download off

}  // namespace

download_relay::download_relay(beast::tcp_stream& browser, std::shared_ptr<void> owner,
                               const net::ip::tcp::endpoint& address, request to_vm,
                               const request& req, refusal refuse)
    : browser_(browser),
      owner_(std::move(owner)),
      vm_(browser.get_executor()),
      address_(address),
      to_vm_(std::move(to_vm)),
      request_(req),
      refuse_(std::move(refuse)) {
    // The piece bounds the memory, not the size (Boost 1.74 refuses every body under boost::none).
    parser_.body_limit(std::uint64_t{1} << 40);
}

void download_relay::start() {
    vm_.expires_after(connect_timeout);
    vm_.async_connect(address_,
                      beast::bind_front_handler(&download_relay::on_connect, shared_from_this()));
}

void download_relay::unreachable(beast::error_code ec) {
    net_parts::fail(ec, "console: front: VM download");
    refuse_(text_response(request_, http::status::bad_gateway, "VM console not reachable"));
}

void download_relay::on_connect(beast::error_code ec) {
    if (ec) return unreachable(ec);
    http::async_write(
        vm_, to_vm_,
        beast::bind_front_handler(&download_relay::on_request_sent, shared_from_this()));
}

void download_relay::on_request_sent(beast::error_code ec, std::size_t) {
    if (ec) return unreachable(ec);
    vm_.expires_after(io_timeout);
    http::async_read_header(
        vm_, buffer_, parser_,
        beast::bind_front_handler(&download_relay::on_vm_header, shared_from_this()));
}

// Only a 200 is relayed; anything else says what the VM's console answered.
void download_relay::on_vm_header(beast::error_code ec, std::size_t) {
    if (ec) return unreachable(ec);
    const auto& from_vm = parser_.get();
    if (from_vm.result() != http::status::ok)
        return refuse_(text_response(request_, http::status::bad_gateway,
                                     "the VM's console answered " +
                                         std::to_string(from_vm.result_int()) +
                                         " (open the VM's own console for its reason)"));
    header_ = chunked_download_head(request_.version(), from_vm[http::field::content_type],
                                    from_vm[http::field::content_disposition]);
    serializer_.emplace(header_);
    browser_.expires_after(io_timeout);
    http::async_write_header(
        browser_, *serializer_,
        beast::bind_front_handler(&download_relay::on_header_sent, shared_from_this()));
}

void download_relay::on_header_sent(beast::error_code ec, std::size_t) {
    if (ec || request_.method() == http::verb::head) return close();
    read_piece();
}

void download_relay::read_piece() {
    parser_.get().body().data = piece_.data();
    parser_.get().body().size = piece_.size();
    vm_.expires_after(io_timeout);
    http::async_read(vm_, buffer_, parser_,
                     beast::bind_front_handler(&download_relay::on_piece, shared_from_this()));
}

// A full piece ends the read with need_buffer; the body's end with none.
void download_relay::on_piece(beast::error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    // Cut short on the VM's side: no last chunk, so the browser sees the download failed.
    if (ec) return close();
    const std::size_t got = piece_.size() - parser_.get().body().size;
    // An empty piece (the body's end right after a full one) has nothing to send.
    if (got == 0) return on_chunk_sent({}, 0);
    browser_.expires_after(io_timeout);
    net::async_write(browser_, http::make_chunk(net::buffer(piece_.data(), got)),
                     beast::bind_front_handler(&download_relay::on_chunk_sent, shared_from_this()));
}

// The next piece, or the last chunk once the VM's body has ended.
void download_relay::on_chunk_sent(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!parser_.is_done()) return read_piece();
    browser_.expires_after(io_timeout);
    net::async_write(
        browser_, http::make_chunk_last(),
        [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
}

void download_relay::close() {
    beast::error_code ignored;
    vm_.close();
    browser_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    browser_.close();
}

}  // namespace console
