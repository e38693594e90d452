// A browser's WebSocket as both roles accept it: the console's bridge and the
// front's relay set the same limits, timeouts and answer headers.
#pragma once

#include "http_responses.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace console {

// On the bare socket: the WebSocket's own timeouts cover it (a timed stream
// below would add a timer and a wrapper to every pending read of every session).
using browser_websocket = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

// Drops the connection without a close handshake (a browser that reads nothing).
void drop_connection(browser_websocket& socket);

// True when the upgrade offers ttyd's `tty` subprotocol.
bool offers_tty(const request& upgrade);

// Server timeouts with a ping after `ping_interval` seconds of silence (a peer
// silent for twice that is dropped), messages of at most
// protocol::max_client_message, binary frames, and an answer naming the
// server and `tty` when the upgrade offered it.
void prepare_browser_websocket(browser_websocket& socket, const request& upgrade,
                               unsigned ping_interval);

}  // namespace console
