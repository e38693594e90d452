// One browser tab bridged to one telnet connection to the VM's console.
// Both sockets share the session's strand.
#pragma once

#include "browser_websocket.hpp"
#include "http_responses.hpp"
#include "net_parts/outbox.hpp"
#include "server_state.hpp"
#include "telnet_codec.hpp"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <string_view>

namespace console {

class bridge_session : public std::enable_shared_from_this<bridge_session> {
public:
    // Takes the session slot server_state::try_open_session() gave out.
    bridge_session(boost::asio::ip::tcp::socket&& socket,
                   std::shared_ptr<const server_state> state);
    ~bridge_session();

    // Completes the WebSocket handshake of `upgrade`, then starts the bridge.
    void run(const request& upgrade);

private:
    // Browser side.
    void on_accept(boost::beast::error_code ec);
    void do_browser_read();
    void on_browser_read(boost::beast::error_code ec, std::size_t bytes);
    bool handle_message(std::string_view frame);
    void send_output(std::string_view bytes);
    void do_browser_write();
    void on_browser_write(boost::beast::error_code ec, std::size_t bytes);
    void close_browser(const boost::beast::websocket::close_reason& reason);
    void on_close(boost::beast::error_code ec);
    void on_stall(boost::beast::error_code ec);

    // Telnet side.
    void connect_telnet();
    void on_resolve(boost::beast::error_code ec,
                    const boost::asio::ip::tcp::resolver::results_type& results);
    void on_connect(boost::beast::error_code ec,
                    const boost::asio::generic::stream_protocol::endpoint& peer);
    void do_telnet_wait();
    void on_telnet_readable(boost::beast::error_code ec);
    void resume_telnet();
    void send_telnet(std::string_view bytes);
    void do_telnet_write();
    void on_telnet_write(boost::beast::error_code ec, std::size_t bytes);
    void on_telnet_end(boost::beast::error_code ec);
    void on_telnet_error(std::string_view message);

    // Both.
    void stop();

    std::shared_ptr<const server_state> state_;
    browser_websocket browser_;
    boost::beast::flat_buffer browser_buffer_;
    net_parts::outbox to_browser_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::generic::stream_protocol::socket telnet_;  // TCP or unix socket
    net_parts::outbox to_telnet_;
    telnet_codec codec_;
    boost::asio::steady_timer stall_timer_;
    bool telnet_connected_ = false;
    bool stall_timer_armed_ = false;
    bool telnet_waiting_ = false;        // a wait for readable telnet data is pending
    bool telnet_ended_ = false;          // the VM side closed: close the browser once flushed
    bool paused_by_browser_ = false;     // the page asked for a pause (its terminal is busy)
    bool browser_read_blocked_ = false;  // keystrokes wait for the telnet side to drain
    bool stopped_ = false;
};

}  // namespace console
