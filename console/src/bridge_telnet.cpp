// The telnet half of a bridge_session: connect to the VM's console, read
// what it prints into libtelnet, write keystrokes one write at a time.
#include "bridge_session.hpp"
#include "namespaces.hpp"

#include <array>
#include <chrono>
#include <iostream>
#include <vector>

namespace console {

using tcp = net::ip::tcp;
using generic_endpoint = net::generic::stream_protocol::endpoint;

namespace {

// Reads land in one buffer per thread, so an idle session holds no read buffer.
constexpr std::size_t read_size = 64 * 1024;
thread_local std::array<char, read_size> read_buffer;

void fail(beast::error_code ec, const char* what) {
    std::cerr << "console: telnet " << what << ": " << ec.message() << "\n";
}

}  // namespace

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
        fail(ec, "resolve");
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
        fail(ec, "connect");
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

void bridge_session::on_telnet_end(beast::error_code ec) {
    if (stopped_ || telnet_ended_) return;
    if (ec != net::error::eof && ec != net::error::operation_aborted) fail(ec, "read");
    telnet_ended_ = true;
    // Whatever the VM printed last still reaches the browser before the close.
    if (to_browser_.empty())
        close_browser({websocket::close_code::going_away, "VM console closed"});
}

}  // namespace console
