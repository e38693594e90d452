// One browser tab bridged to one telnet connection to the VM's console.
//
// The browser side: the WebSocket handshake, the protocol's messages, output
// frames, back-pressure and the stall timeout. The telnet side: connect,
// libtelnet and one write at a time.
#include "bridge_session.hpp"

#include "browser_websocket.hpp"
#include "namespaces.hpp"
#include "net_parts/errors.hpp"
#include "protocol.hpp"

#include <array>
#include <chrono>
#include <iostream>
#include <vector>

namespace console {

using tcp = net::ip::tcp;
using generic_endpoint = net::generic::stream_protocol::endpoint;

namespace {

// Output waiting for one browser beyond this pauses the telnet side.
constexpr std::size_t browser_high_water = 256 * 1024;
// Keystrokes waiting for the VM beyond this pause reading the browser.
constexpr std::size_t telnet_high_water = 64 * 1024;

// Reads land in one buffer per thread, so an idle session holds no read buffer.
constexpr std::size_t read_size = 64 * 1024;
thread_local std::array<char, read_size> read_buffer;

// A browser's next message is read a few bytes first (a keystroke's or a
// resize's fits): Beast sets aside what a read asks for before any byte
// arrives, so a session waiting for keys holds only this much. The rest of a
// longer message (a paste) comes in larger pieces.
constexpr std::size_t first_piece = 64;
constexpr std::size_t next_piece = 64 * 1024;

}  // namespace

bridge_session::bridge_session(net::ip::tcp::socket&& socket,
                               std::shared_ptr<const server_state> state)
    : state_(std::move(state)),
      browser_(std::move(socket)),
      to_browser_(browser_high_water),
      resolver_(browser_.get_executor()),
      telnet_(browser_.get_executor()),
      to_telnet_(telnet_high_water),
      codec_({beast::bind_front_handler(&bridge_session::send_output, this),
              beast::bind_front_handler(&bridge_session::send_telnet, this),
              beast::bind_front_handler(&bridge_session::on_telnet_error, this)}),
      stall_timer_(browser_.get_executor()) {}

bridge_session::~bridge_session() {
    state_->close_session();
}

void bridge_session::run(const request& upgrade) {
    prepare_browser_websocket(browser_, upgrade, state_->config.ping_interval_seconds);
    browser_.async_accept(
        upgrade, beast::bind_front_handler(&bridge_session::on_accept, shared_from_this()));
}

void bridge_session::on_accept(beast::error_code ec) {
    if (ec) return net_parts::fail(ec, "console: session handshake");
    ++state_->counters.sessions_opened;
    to_browser_.push(protocol::encode(protocol::server_title, state_->config.title));
    if (state_->config.read_only) to_browser_.push(protocol::encode(protocol::server_read_only));
    do_browser_write();
    connect_telnet();
    do_browser_read();
}

void bridge_session::do_browser_read() {
    browser_.async_read_some(
        browser_buffer_, browser_.is_message_done() ? first_piece : next_piece,
        beast::bind_front_handler(&bridge_session::on_browser_read, shared_from_this()));
}

void bridge_session::on_browser_read(beast::error_code ec, std::size_t) {
    if (ec == websocket::error::closed) return stop();
    if (ec) {
        // Oversized frames end here too; Beast has already sent the close frame.
        // A browser going away (tab closed, network gone) is routine: no log line.
        if (!stopped_) net_parts::fail(ec, "console: session read");
        return stop();
    }
    if (!browser_.is_message_done()) return do_browser_read();
    const auto data = browser_buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    state_->counters.bytes_from_browsers += frame.size();
    // Text frames are taken too (Beast has checked their UTF-8): simple clients send them.
    const bool valid = handle_message(frame);
    browser_buffer_.consume(browser_buffer_.size());
    if (browser_buffer_.capacity() > first_piece) browser_buffer_.shrink_to_fit();
    if (!valid) return close_browser({websocket::close_code::policy_error, "malformed message"});
    // Back-pressure: the next keystrokes wait until the VM has taken these.
    if (to_telnet_.full())
        browser_read_blocked_ = true;
    else
        do_browser_read();
}

bool bridge_session::handle_message(std::string_view frame) {
    const auto message = protocol::decode_client(frame);
    if (!message) return false;
    switch (message->opcode) {
        case protocol::client_input:
            if (!state_->config.read_only) codec_.send_input(message->payload);
            return true;
        case protocol::client_resize: {
            const auto size = protocol::decode_resize(message->payload);
            if (size && !state_->config.read_only) codec_.resize(size->columns, size->rows);
            return size.has_value();
        }
        case protocol::client_pause:
            paused_by_browser_ = true;
            return true;
        case protocol::client_resume:
            paused_by_browser_ = false;
            resume_telnet();
            return true;
        default:
            return true;  // keep-alive
    }
}

void bridge_session::send_output(std::string_view bytes) {
    to_browser_.append(std::string_view(&protocol::server_output, 1), bytes);
    do_browser_write();
}

void bridge_session::do_browser_write() {
    if (stopped_) return;
    if (const std::string* message = to_browser_.start_write())
        browser_.async_write(
            net::buffer(*message),
            beast::bind_front_handler(&bridge_session::on_browser_write, shared_from_this()));
}

void bridge_session::on_browser_write(beast::error_code ec, std::size_t bytes) {
    if (ec) return stop();
    state_->counters.bytes_to_browsers += bytes;
    to_browser_.finish_write();
    if (telnet_ended_ && to_browser_.empty())
        return close_browser({websocket::close_code::going_away, "VM console closed"});
    resume_telnet();
    do_browser_write();
}

void bridge_session::close_browser(const websocket::close_reason& reason) {
    if (stopped_) return;
    stop();
    browser_.async_close(reason,
                         beast::bind_front_handler(&bridge_session::on_close, shared_from_this()));
}

// Nothing left to do: the handler holds the session until the close handshake ends.
void bridge_session::on_close(beast::error_code) {}

void bridge_session::on_stall(beast::error_code ec) {
    // A cancel racing the expiry: the browser caught up just in time.
    if (ec == net::error::operation_aborted || stopped_ || !to_browser_.full()) return;
    std::cerr << "console: session closed: browser stopped reading for "
              << state_->config.stall_timeout_seconds << " s\n";
    ++state_->counters.sessions_stalled;
    stop();
    // The browser reads nothing, so no close handshake: drop the connection.
    drop_connection(browser_);
}

void bridge_session::stop() {
    stopped_ = true;
    beast::error_code ignored;
    stall_timer_.cancel();
    resolver_.cancel();
    telnet_.close(ignored);
}

// Telnet side.
void bridge_session::connect_telnet() {
    const auto& target = state_->config.telnet;
    if (!target.unix_path.empty()) {
        const std::vector<generic_endpoint> where{
            net::local::stream_protocol::endpoint(target.unix_path)};
        return net::async_connect(
            telnet_, where,
            beast::bind_front_handler(&bridge_session::on_connect, shared_from_this()));
    }
    resolver_.async_resolve(
        target.host, std::to_string(target.port),
        beast::bind_front_handler(&bridge_session::on_resolve, shared_from_this()));
}

void bridge_session::on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (stopped_) return;
    if (ec) {
        net_parts::fail(ec, "console: telnet resolve");
        return close_browser({websocket::close_code::try_again_later, "VM console not reachable"});
    }
    std::vector<generic_endpoint> where;
    for (const auto& entry : results)
        where.emplace_back(entry.endpoint());
    net::async_connect(telnet_, where,
                       beast::bind_front_handler(&bridge_session::on_connect, shared_from_this()));
}

void bridge_session::on_connect(beast::error_code ec, const generic_endpoint&) {
    if (stopped_) return;
    if (ec) {
        net_parts::fail(ec, "console: telnet connect");
        return close_browser({websocket::close_code::try_again_later, "VM console not reachable"});
    }
    telnet_connected_ = true;
    beast::error_code no_option;  // a unix socket has no Nagle to turn off
    telnet_.set_option(tcp::no_delay(true), no_option);
    telnet_.non_blocking(true);
    do_telnet_write();
    do_telnet_wait();
}

void bridge_session::do_telnet_wait() {
    telnet_waiting_ = true;
    telnet_.async_wait(
        tcp::socket::wait_read,
        beast::bind_front_handler(&bridge_session::on_telnet_readable, shared_from_this()));
}

void bridge_session::on_telnet_readable(beast::error_code ec) {
    telnet_waiting_ = false;
    if (stopped_) return;
    if (ec) return on_telnet_end(ec);
    const std::size_t bytes = telnet_.read_some(net::buffer(read_buffer), ec);
    if (ec == net::error::would_block) return do_telnet_wait();
    if (ec) return on_telnet_end(ec);
    // libtelnet answers negotiation through send_telnet, and hands data to send_output.
    codec_.receive(std::string_view(read_buffer.data(), bytes));
    resume_telnet();
}

void bridge_session::resume_telnet() {
    if (stopped_ || !telnet_connected_ || telnet_ended_ || telnet_waiting_) return;
    if (paused_by_browser_) return;
    if (!to_browser_.full()) {
        if (stall_timer_armed_) stall_timer_.cancel();
        stall_timer_armed_ = false;
        return do_telnet_wait();
    }
    // The browser is behind: give it stall_timeout to catch up, then close it.
    if (stall_timer_armed_) return;
    stall_timer_armed_ = true;
    stall_timer_.expires_after(std::chrono::seconds(state_->config.stall_timeout_seconds));
    stall_timer_.async_wait(
        beast::bind_front_handler(&bridge_session::on_stall, shared_from_this()));
}

void bridge_session::send_telnet(std::string_view bytes) {
    to_telnet_.append({}, bytes);
    if (telnet_connected_) do_telnet_write();
}

void bridge_session::do_telnet_write() {
    if (stopped_) return;
    if (const std::string* message = to_telnet_.start_write())
        net::async_write(
            telnet_, net::buffer(*message),
            beast::bind_front_handler(&bridge_session::on_telnet_write, shared_from_this()));
}

void bridge_session::on_telnet_write(beast::error_code ec, std::size_t) {
    if (ec) return on_telnet_end(ec);
    to_telnet_.finish_write();
    do_telnet_write();
    if (browser_read_blocked_ && !to_telnet_.full()) {
        browser_read_blocked_ = false;
        do_browser_read();
    }
}

void bridge_session::on_telnet_error(std::string_view message) {
    std::cerr << "console: telnet protocol error: " << message << "\n";
    close_browser({websocket::close_code::internal_error, "telnet protocol error"});
}

void bridge_session::on_telnet_end(beast::error_code ec) {
    if (stopped_ || telnet_ended_) return;
    net_parts::fail(ec, "console: telnet read");
    telnet_ended_ = true;
    // Whatever the VM printed last still reaches the browser before the close.
    if (to_browser_.empty())
        close_browser({websocket::close_code::going_away, "VM console closed"});
}

}  // namespace console
