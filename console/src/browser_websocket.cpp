// The browser side's WebSocket settings.
#include "browser_websocket.hpp"

#include "namespaces.hpp"
#include "protocol.hpp"

#include <boost/beast/websocket.hpp>

#include <chrono>

namespace console {

bool offers_tty(const request& upgrade) {
    return upgrade[http::field::sec_websocket_protocol].find("tty") != std::string_view::npos;
}

void prepare_browser_websocket(browser_websocket& socket, const request& upgrade,
                               unsigned ping_interval) {
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    // Silence for half the idle timeout sends a ping; a peer silent for all of it is dropped.
    timeouts.idle_timeout = std::chrono::seconds(2 * ping_interval);
    timeouts.keep_alive_pings = true;
    socket.set_option(timeouts);
    // A client that asks for ttyd's subprotocol gets it back; others get none.
    socket.set_option(websocket::stream_base::decorator(
        [tty = offers_tty(upgrade)](websocket::response_type& res) {
            res.set(http::field::server, "qemu-riscv64-console");
            if (tty) res.set(http::field::sec_websocket_protocol, "tty");
        }));
    socket.read_message_max(protocol::max_client_message);
    socket.auto_fragment(false);
    socket.binary(true);
}

void drop_connection(browser_websocket& socket) {
    beast::error_code ignored;
    socket.next_layer().close(ignored);
}

}  // namespace console
