#pragma once
// Whether the guest agent still answers: every few seconds, when the caller
// allows it (the agent's port open, the guest running, no other exchange with
// the agent under way), one guest-sync-delimited with an id of its own, the
// agent's ping whose reply names the question. A reply in time counts as
// answering, none as silent.
#include "asio.hpp"
#include "qemu/line_splitter.hpp"
#include "qemu/unix_channel.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

namespace launcher {

class agent_pinger {
public:
    // `may_ping` is asked before each ping and again when its reply is overdue;
    // `on_result(true)` follows a reply, `on_result(false)` a ping left unanswered.
    agent_pinger(std::shared_ptr<unix_channel> agent, std::function<bool()> may_ping,
                 std::function<void(bool answering)> on_result);

    // The first ping after one interval, then one per interval.
    void start();
    void stop();
    // Bytes from the agent (the channel's handler is the caller's to share).
    void on_data(std::string_view bytes);

    // 5 s between pings, 5 s for a reply (tests shorten them).
    void set_timing(std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return timeout_; }

private:
    void do_wait(std::chrono::milliseconds delay);
    void on_wait(unsigned generation, boost::system::error_code ec);
    void do_ping();
    void on_line(std::string_view line);

    std::shared_ptr<unix_channel> agent_;
    std::function<bool()> may_ping_;
    std::function<void(bool)> on_result_;
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds interval_{5000};
    std::chrono::milliseconds timeout_{5000};
    line_splitter lines_;
    unsigned long id_ = 0;   // the last ping's
    bool awaiting_ = false;  // its reply has not come yet
    bool running_ = false;
    unsigned generation_ = 0;  // bumped per wait: a stale timer completion is ignored
};

}  // namespace launcher
