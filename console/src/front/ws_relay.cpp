// The relay: two WebSockets, two bounded queues, one strand.
#include "front/ws_relay.hpp"

#include "browser_websocket.hpp"
#include "namespaces.hpp"
#include "net_parts/errors.hpp"
#include "protocol.hpp"

#include <chrono>
#include <iostream>

namespace console {

namespace {

// Output waiting for the browser beyond this pauses reading the VM, as the console does.
constexpr std::size_t browser_high_water = 256 * 1024;
// Keystrokes waiting for the VM beyond this pause reading the browser.
constexpr std::size_t vm_high_water = 64 * 1024;

// Output and keystrokes ('0' both ways) join the waiting message of their
// kind; other messages are queued whole.
void queue_message(net_parts::outbox& box, std::string_view message) {
    static_assert(protocol::client_input == protocol::server_output);
    if (!message.empty() && message.front() == protocol::server_output)
        return box.append(message.substr(0, 1), message.substr(1));
    box.push(std::string(message));
}

std::string_view text_of(const beast::flat_buffer& buffer) {
    const auto data = buffer.cdata();
    return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace

ws_relay::ws_relay(net::ip::tcp::socket&& browser, std::unique_ptr<vm_websocket> vm,
                   std::shared_ptr<const server_state> state,
                   std::shared_ptr<const front_state> front)
    : state_(std::move(state)),
      front_(std::move(front)),
      browser_(std::move(browser)),
      vm_(std::move(vm)),
      to_vm_(vm_high_water, protocol::max_client_message),
      to_browser_(browser_high_water),
      stall_timer_(browser_.get_executor()) {}

ws_relay::~ws_relay() {
    state_->close_session();
}

void ws_relay::run(const request& upgrade) {
    prepare_browser_websocket(browser_, upgrade, state_->config.ping_interval_seconds);
    browser_.async_accept(upgrade,
                          beast::bind_front_handler(&ws_relay::on_accept, shared_from_this()));
}

void ws_relay::on_accept(beast::error_code ec) {
    if (ec) {
        net_parts::fail(ec, "console: front: session handshake");
        return close_vm({websocket::close_code::going_away, "browser gone"});
    }
    ++front_->counters.sessions_opened;
    do_browser_read();
    do_vm_read();
}

// Browser to VM.
void ws_relay::do_browser_read() {
    browser_.async_read(browser_buffer_,
                        beast::bind_front_handler(&ws_relay::on_browser_read, shared_from_this()));
}

void ws_relay::on_browser_read(beast::error_code ec, std::size_t) {
    if (stopped_) return;
    if (ec == websocket::error::closed) return close_vm({websocket::close_code::normal});
    if (ec) {
        // Oversized frames end here too; Beast has already sent the close frame.
        net_parts::fail(ec, "console: front: browser read");
        return close_vm({websocket::close_code::going_away, "browser gone"});
    }
    const auto message = text_of(browser_buffer_);
    front_->counters.bytes_from_browsers += message.size();
    queue_message(to_vm_, message);
    browser_buffer_.consume(browser_buffer_.size());
    do_vm_write();
    // Back-pressure: the next keystrokes wait until the VM has taken these.
    if (to_vm_.full())
        browser_read_blocked_ = true;
    else
        do_browser_read();
}

void ws_relay::do_vm_write() {
    if (stopped_) return;
    if (const std::string* message = to_vm_.start_write())
        vm_->async_write(net::buffer(*message),
                         beast::bind_front_handler(&ws_relay::on_vm_write, shared_from_this()));
}

void ws_relay::on_vm_write(beast::error_code ec, std::size_t) {
    if (ec) return close_browser({websocket::close_code::going_away, "VM console closed"});
    to_vm_.finish_write();
    do_vm_write();
    if (browser_read_blocked_ && !to_vm_.full() && !stopped_) {
        browser_read_blocked_ = false;
        do_browser_read();
    }
}

// VM to browser.
void ws_relay::do_vm_read() {
    vm_->async_read(vm_buffer_,
                    beast::bind_front_handler(&ws_relay::on_vm_read, shared_from_this()));
}

void ws_relay::on_vm_read(beast::error_code ec, std::size_t) {
    if (stopped_) return;
    if (ec) {
        // The console's close reason (1013 not reachable, 1001 closed) reaches the
        // browser after the output before it.
        const bool closed = ec == websocket::error::closed;
        if (!closed) net_parts::fail(ec, "console: front: VM read");
        vm_closed_ = closed ? vm_->reason()
                            : websocket::close_reason{websocket::close_code::going_away,
                                                      "VM console closed"};
        if (to_browser_.empty()) close_browser(*vm_closed_);
        return;
    }
    queue_message(to_browser_, text_of(vm_buffer_));
    vm_buffer_.consume(vm_buffer_.size());
    do_browser_write();
    if (!to_browser_.full()) return do_vm_read();
    // The browser is behind: give it the stall timeout to catch up, then close it.
    vm_read_blocked_ = true;
    if (stall_timer_armed_) return;
    stall_timer_armed_ = true;
    stall_timer_.expires_after(std::chrono::seconds(state_->config.stall_timeout_seconds));
    stall_timer_.async_wait(beast::bind_front_handler(&ws_relay::on_stall, shared_from_this()));
}

void ws_relay::do_browser_write() {
    if (stopped_) return;
    if (const std::string* message = to_browser_.start_write())
        browser_.async_write(
            net::buffer(*message),
            beast::bind_front_handler(&ws_relay::on_browser_write, shared_from_this()));
}

void ws_relay::on_browser_write(beast::error_code ec, std::size_t bytes) {
    if (ec) return close_vm({websocket::close_code::going_away, "browser gone"});
    front_->counters.bytes_to_browsers += bytes;
    to_browser_.finish_write();
    if (vm_closed_ && to_browser_.empty()) return close_browser(*vm_closed_);
    do_browser_write();
    if (vm_read_blocked_ && !to_browser_.full() && !stopped_) {
        vm_read_blocked_ = false;
        if (stall_timer_armed_) stall_timer_.cancel();
        stall_timer_armed_ = false;
        do_vm_read();
    }
}

void ws_relay::on_stall(beast::error_code ec) {
    // A cancel racing the expiry: the browser caught up just in time.
    if (ec == net::error::operation_aborted || stopped_ || !to_browser_.full()) return;
    std::cerr << "console: front: session closed: browser stopped reading for "
              << state_->config.stall_timeout_seconds << " s\n";
    close_vm({websocket::close_code::going_away, "browser stopped reading"});
    // The browser reads nothing, so no close handshake: drop the connection.
    drop_connection(browser_);
}

// Ends: the other side's close handshake, then nothing more in either direction.
void ws_relay::close_browser(const websocket::close_reason& reason) {
    if (stopped_) return;
    stop();
    beast::get_lowest_layer(*vm_).close();
    browser_.async_close(reason,
                         beast::bind_front_handler(&ws_relay::on_close, shared_from_this()));
}

void ws_relay::close_vm(const websocket::close_reason& reason) {
    if (stopped_) return;
    stop();
    if (browser_.is_open()) drop_connection(browser_);
    vm_->async_close(reason, beast::bind_front_handler(&ws_relay::on_close, shared_from_this()));
}

// Nothing left to do: the handler holds the relay until the close handshake ends.
void ws_relay::on_close(beast::error_code) {}

void ws_relay::stop() {
    stopped_ = true;
    stall_timer_.cancel();
}

}  // namespace console
