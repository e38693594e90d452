// VM_STATUS_SOCKET: one reply per connection, the guest's readiness first.
#include "health/status_server.hpp"

#include <unistd.h>

#include <functional>

namespace launcher {
namespace {

using stream = net::local::stream_protocol;

stream::acceptor bind_status(net::io_context& io, const std::string& path) {
    ::unlink(path.c_str());  // left by an earlier run of this container
    try {
        return stream::acceptor(io, stream::endpoint(path));
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("VM_STATUS_SOCKET='" + path +
                                 "': cannot listen: " + e.code().message());
    }
}

}  // namespace

status_server::status_server(net::io_context& io, const std::string& path,
                             std::function<std::string()> status)
    : acceptor_(bind_status(io, path)),
      backoff_(io.get_executor()),
      path_(path),
      status_(std::move(status)) {}

status_server::~status_server() {
    ::unlink(path_.c_str());
}

void status_server::stop() {
    error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
}

void status_server::do_accept() {
    acceptor_.async_accept(std::bind_front(&status_server::on_accept, shared_from_this()));
}

void status_server::on_accept(error_code ec, stream::socket peer) {
    if (ec == net::error::operation_aborted) return;
    // Out of descriptors (EMFILE): wait before trying again, never spin.
    if (ec)
        return backoff_.retry(ec, "launcher: status socket accept (backing off)",
                              std::bind_front(&status_server::on_backoff, shared_from_this()));
    backoff_.succeeded();
    // One reply, then close: socket and message live as long as the write.
    auto client = std::make_shared<stream::socket>(std::move(peer));
    auto line = std::make_shared<const std::string>(status_());
    net::async_write(
        *client, net::buffer(*line),
        std::bind_front(&status_server::on_reply_sent, shared_from_this(), client, line));
    do_accept();
}

void status_server::on_reply_sent(const std::shared_ptr<stream::socket>& client,
                                  const std::shared_ptr<const std::string>&, error_code,
                                  std::size_t) {
    error_code ignored;
    client->shutdown(stream::socket::shutdown_both, ignored);
    client->close(ignored);
}

void status_server::on_backoff(error_code ec) {
    if (!ec) do_accept();
}

}  // namespace launcher
