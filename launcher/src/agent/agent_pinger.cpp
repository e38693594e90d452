// The guest agent's heartbeat: a ping per interval, answered or not.
#include "agent/agent_pinger.hpp"

#include "agent/agent_commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <random>

namespace launcher {
namespace {

constexpr std::size_t max_line = 64 * 1024;  // agent replies are far smaller

}  // namespace

agent_pinger::agent_pinger(std::shared_ptr<unix_channel> agent, std::function<bool()> may_ping,
                           std::function<void(bool)> on_result)
    : agent_(std::move(agent)),
      may_ping_(std::move(may_ping)),
      on_result_(std::move(on_result)),
      timer_(agent_->get_executor()),
      lines_(max_line),
      id_(std::random_device{}()) {}

void agent_pinger::set_timing(std::chrono::milliseconds interval,
                              std::chrono::milliseconds timeout) {
    interval_ = interval;
    timeout_ = timeout;
}

void agent_pinger::start() {
    running_ = true;
    do_wait(interval_);
}

void agent_pinger::stop() {
    running_ = false;
    awaiting_ = false;
    ++generation_;
    timer_.cancel();
}

// One timer: until the next ping, or, while a ping is out, until its reply is overdue.
void agent_pinger::do_wait(std::chrono::milliseconds delay) {
    const unsigned generation = ++generation_;
    timer_.expires_after(delay);
    // The agent channel, and with it the timer's executor, lives as long as the
    // supervisor that owns `this`.
    timer_.async_wait(std::bind_front(&agent_pinger::on_wait, this, generation));
}

void agent_pinger::on_wait(unsigned generation, boost::system::error_code ec) {
    if (ec || generation != generation_ || !running_) return;
    if (!awaiting_) return do_ping();
    // No reply in time. A guest paused meanwhile (or an agent busy with another
    // exchange) is not held against the agent.
    awaiting_ = false;
    if (may_ping_()) on_result_(false);
    do_wait(interval_);
}

void agent_pinger::do_ping() {
    if (!may_ping_()) return do_wait(interval_);
    ++id_;
    awaiting_ = true;
    // 0xFF first resets the agent's parser; its reply starts with 0xFF too.
    agent_->send("\xff" + agent_sync_command(id_));
    do_wait(timeout_);
}

void agent_pinger::on_data(std::string_view bytes) {
    if (!running_) return;
    lines_.feed(bytes, std::bind_front(&agent_pinger::on_line, this));
}

// Only the reply to the last ping counts: {"return": id}.
void agent_pinger::on_line(std::string_view line) {
    if (!awaiting_) return;
    std::string text(line);
    text.erase(std::remove(text.begin(), text.end(), '\xff'), text.end());
    const auto reply = nlohmann::json::parse(text, nullptr, false);
    if (!reply.is_object()) return;
    const auto value = reply.find("return");
    if (value == reply.end() || !value->is_number_unsigned() || value->get<unsigned long>() != id_)
        return;
    awaiting_ = false;
    on_result_(true);
    do_wait(interval_);
}

}  // namespace launcher
