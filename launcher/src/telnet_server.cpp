#include "telnet_server.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <string_view>

#include "telnet_session.hpp"

namespace launcher {
namespace {

using tcp = net::ip::tcp;

void fail(boost::system::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted) return;
    std::cerr << "launcher: telnet " << what << ": " << ec.message() << "\n";
}

}  // namespace

telnet_server::telnet_server(net::io_context& io, unsigned short port, console_hub& hub,
                             std::size_t max_clients)
    : acceptor_(io), backoff_timer_(io), hub_(hub), max_clients_(max_clients) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void telnet_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    backoff_timer_.cancel();
}

void telnet_server::do_accept() {
    acceptor_.async_accept(std::bind_front(&telnet_server::on_accept, shared_from_this()));
}

void telnet_server::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    // Out of descriptors (EMFILE): the connection stays queued and the next
    // accept would fail at once, so wait before trying again.
    if (ec) return back_off(ec);
    backoff_ = {};
    boost::system::error_code ignored;
    if (hub_.client_count() >= max_clients_) {
        // Told why without waiting for it to read, then closed.
        static constexpr std::string_view full = "launcher: too many console clients\r\n";
        socket.non_blocking(true, ignored);
        socket.write_some(net::buffer(full), ignored);
        socket.close(ignored);
    } else {
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<telnet_session>(std::move(socket), hub_)->start();
    }
    do_accept();
}

// 10 ms, doubling up to 1 s, while accept keeps failing; said once per streak.
void telnet_server::back_off(boost::system::error_code ec) {
    if (backoff_.count() == 0) fail(ec, "accept (backing off)");
    backoff_ =
        std::clamp(backoff_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    backoff_timer_.expires_after(backoff_);
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
        if (!timer_ec) self->do_accept();
    });
}

}  // namespace launcher
