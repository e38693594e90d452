// One browser tab relayed to one VM's console, both WebSockets on the
// session's strand. Messages pass unchanged (output and keystrokes may join
// into fewer, larger messages, as the console's own queues join them); each
// direction has a bounded queue that pauses reading its source when full.
#pragma once

#include "browser_websocket.hpp"
#include "front/front_state.hpp"
#include "front/upstream_websocket.hpp"
#include "http_responses.hpp"
#include "net_parts/outbox.hpp"
#include "server_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace console {

class ws_relay : public std::enable_shared_from_this<ws_relay> {
public:
    // Takes the session slot server_state::try_open_session() gave out.
    ws_relay(boost::asio::ip::tcp::socket&& browser, std::unique_ptr<vm_websocket> vm,
             std::shared_ptr<const server_state> state, std::shared_ptr<const front_state> front);
    ~ws_relay();
    ws_relay(const ws_relay&) = delete;
    ws_relay& operator=(const ws_relay&) = delete;

    // Completes the browser's handshake of `upgrade`, then relays both ways.
    void run(const request& upgrade);

private:
    void on_accept(boost::beast::error_code ec);
    // Browser to VM.
    void do_browser_read();
    void on_browser_read(boost::beast::error_code ec, std::size_t bytes);
    void do_vm_write();
    void on_vm_write(boost::beast::error_code ec, std::size_t bytes);
    // VM to browser.
    void do_vm_read();
    void on_vm_read(boost::beast::error_code ec, std::size_t bytes);
    void do_browser_write();
    void on_browser_write(boost::beast::error_code ec, std::size_t bytes);
    void on_stall(boost::beast::error_code ec);
    // Ends.
    void close_browser(const boost::beast::websocket::close_reason& reason);
    void close_vm(const boost::beast::websocket::close_reason& reason);
    void on_close(boost::beast::error_code ec);
    void stop();

    std::shared_ptr<const server_state> state_;
    std::shared_ptr<const front_state> front_;
    browser_websocket browser_;
    std::unique_ptr<vm_websocket> vm_;
    boost::beast::flat_buffer browser_buffer_;
    boost::beast::flat_buffer vm_buffer_;
    net_parts::outbox to_vm_;
    net_parts::outbox to_browser_;
    boost::asio::steady_timer stall_timer_;
    std::optional<boost::beast::websocket::close_reason> vm_closed_;  // pass on once flushed
    bool browser_read_blocked_ = false;  // keystrokes wait for the VM to take the last ones
    bool vm_read_blocked_ = false;       // output waits for the browser to read
    bool stall_timer_armed_ = false;
    bool stopped_ = false;
};

}  // namespace console
