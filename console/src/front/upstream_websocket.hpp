// The front's WebSocket to a VM's console: connected and handshaken before the
// browser's upgrade is accepted, so a VM that cannot be reached is an HTTP
// error the browser sees, not an accepted session that closes at once.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <functional>
#include <memory>
#include <string>

namespace console {

using vm_websocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

struct upstream_upgrade {
    boost::asio::ip::tcp::endpoint address;  // the VM's console
    std::string target;                      // its /ws, below its base path
    std::string authorization;               // the front's, or empty
    bool wants_tty = false;                  // the browser offered ttyd's subprotocol
};

// Connects and completes the handshake within 5 s, then calls `done(ec,
// socket)` on `executor`; the socket's timeouts are then the WebSocket's own
// (pings after `ping_interval` seconds of silence, closed after twice that).
void open_upstream_websocket(
    const boost::asio::any_io_executor& executor, upstream_upgrade upgrade, unsigned ping_interval,
    std::function<void(boost::beast::error_code, std::unique_ptr<vm_websocket>)> done);

}  // namespace console
