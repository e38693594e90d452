#pragma once
// QEMU's control side: the QMP monitor (quit, its events, and whether the guest
// agent's virtio-serial port is open) and the guest agent (guest-shutdown).
// Lines are parsed as JSON (nlohmann-json); others are ignored.
#include "qemu/line_splitter.hpp"
#include "qemu/unix_channel.hpp"

#include <nlohmann/json_fwd.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace launcher {

class qmp_client {
public:
    // `qmp` and `agent` are the channels QEMU's monitor and agent port connect to.
    qmp_client(std::shared_ptr<unix_channel> qmp, std::shared_ptr<unix_channel> agent);

    // True once the guest has opened org.qemu.guest_agent.0 (a running agent).
    bool agent_running() const { return agent_open_; }
    bool monitor_ready() const { return ready_; }
    // Called each time the guest opens the agent's port.
    void on_agent_open(std::function<void()> handler) { on_agent_open_ = std::move(handler); }
    // Called each time the guest closes the agent's port.
    void on_agent_close(std::function<void()> handler) { on_agent_close_ = std::move(handler); }
    // Called with the name of each QMP event (STOP, RESUME, RESET, ...).
    void on_event(std::function<void(const std::string&)> handler) {
        on_event_ = std::move(handler);
    }
    // Called once QMP accepts commands.
    void on_ready(std::function<void()> handler) { on_ready_ = std::move(handler); }
    // A resumed guest had its agent running when it was saved: no port event comes.
    void assume_agent_running() { agent_open_ = true; }

    using reply_handler = std::function<void(std::string_view reply)>;
    // Sends one QMP command line; `on_reply` gets its return or error line.
    void execute(const std::string& command, reply_handler on_reply);
    // Runs a human monitor command (e.g. "savevm warm"); `on_reply` gets what it
    // printed (empty for most successes; failures print an "Error: ..." line), or
    // "Error: " and QMP's description when QMP refused the command.
    void human_command(const std::string& command, std::function<void(std::string)> on_reply);

    // Asks the guest agent to power the guest off.
    void request_guest_shutdown();
    // Asks QEMU to exit at once.
    void quit();

    // One QMP line: the greeting, a reply or an event (public for tests).
    void handle_line(std::string_view line);

private:
    void on_data(std::string_view bytes);
    // VSERPORT_CHANGE: the guest agent's port opened or closed.
    void on_port_change(const nlohmann::json& message);

    std::shared_ptr<unix_channel> qmp_;
    std::shared_ptr<unix_channel> agent_;
    line_splitter lines_;
    bool ready_ = false;
    bool agent_open_ = false;
    std::function<void()> on_agent_open_;
    std::function<void()> on_agent_close_;
    std::function<void(const std::string&)> on_event_;
    std::function<void()> on_ready_;
    std::deque<reply_handler> pending_;  // replies come in the order of the commands
};

}  // namespace launcher
