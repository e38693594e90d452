// VM_STATUS_SOCKET: one reply per connection, the guest's readiness first.
#include "health/status_server.hpp"

namespace launcher {

using stream = net::local::stream_protocol;

status_server::status_server(net::io_context& io, const std::string& path,
                             std::function<std::string()> status)
    : status_(std::move(status)),
      listener_(std::make_shared<net_parts::local_listener>(
          io.get_executor(), path, "VM_STATUS_SOCKET", std::nullopt,
          [this](stream::socket peer) { reply(std::move(peer)); })) {}

void status_server::reply(stream::socket peer) {
    // Socket and message live as long as the write.
    auto client = std::make_shared<stream::socket>(std::move(peer));
    auto line = std::make_shared<const std::string>(status_());
    net::async_write(*client, net::buffer(*line), [client, line](error_code, std::size_t) {
        error_code ignored;
        client->shutdown(stream::socket::shutdown_both, ignored);
        client->close(ignored);
    });
}

}  // namespace launcher
