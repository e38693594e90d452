// Opening the WebSocket to a VM's console.
#include "front/upstream_websocket.hpp"

#include "front/upstream_request.hpp"
#include "namespaces.hpp"
#include "protocol.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>

namespace console {

namespace {

constexpr auto open_timeout = std::chrono::seconds(5);
// A console's output frames coalesce up to its 256 KiB queue and one read.
constexpr std::size_t max_vm_message = 1024 * 1024;

// Owns the socket until the handshake is done.
struct upstream_open : std::enable_shared_from_this<upstream_open> {
    upstream_open(const net::any_io_executor& executor, upstream_upgrade what, unsigned ping,
                  std::function<void(beast::error_code, std::unique_ptr<vm_websocket>)> callback)
        : socket(std::make_unique<vm_websocket>(executor)),
          upgrade(std::move(what)),
          ping_interval(ping),
          done(std::move(callback)) {}

    void start() {
        beast::get_lowest_layer(*socket).expires_after(open_timeout);
        beast::get_lowest_layer(*socket).async_connect(
            upgrade.address,
            beast::bind_front_handler(&upstream_open::on_connect, shared_from_this()));
    }

    void on_connect(beast::error_code ec) {
        if (ec) return done(ec, nullptr);
        beast::get_lowest_layer(*socket).socket().set_option(net::ip::tcp::no_delay(true), ec);
        // From here the WebSocket keeps its own time: the handshake's, then pings.
        beast::get_lowest_layer(*socket).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = open_timeout;
        timeouts.idle_timeout = std::chrono::seconds(2 * ping_interval);
        timeouts.keep_alive_pings = true;
        socket->set_option(timeouts);
        socket->set_option(websocket::stream_base::decorator(
            [authorization = upgrade.authorization,
             tty = upgrade.wants_tty](websocket::request_type& req) {
                req.set(http::field::user_agent, "qemu-riscv64-front");
                if (!authorization.empty()) req.set(http::field::authorization, authorization);
                if (tty) req.set(http::field::sec_websocket_protocol, "tty");
            }));
        socket->read_message_max(max_vm_message);
        socket->auto_fragment(false);
        socket->binary(true);
        socket->async_handshake(
            host_header(upgrade.address), upgrade.target,
            beast::bind_front_handler(&upstream_open::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec) {
        if (ec) return done(ec, nullptr);
        done({}, std::move(socket));
    }

    std::unique_ptr<vm_websocket> socket;
    upstream_upgrade upgrade;
    unsigned ping_interval;
    std::function<void(beast::error_code, std::unique_ptr<vm_websocket>)> done;
};

}  // namespace

void open_upstream_websocket(
    const net::any_io_executor& executor, upstream_upgrade upgrade, unsigned ping_interval,
    std::function<void(beast::error_code, std::unique_ptr<vm_websocket>)> done) {
    std::make_shared<upstream_open>(executor, std::move(upgrade), ping_interval, std::move(done))
        ->start();
}

}  // namespace console
