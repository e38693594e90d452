#pragma once
// QEMU's control side: the QMP monitor (quit, and whether the guest agent's
// virtio-serial port is open) and the guest agent (guest-shutdown). Lines are
// parsed as JSON (nlohmann-json); others are ignored.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "line_splitter.hpp"
#include "unix_channel.hpp"

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

    // Asks the guest agent to power the guest off.
    void request_guest_shutdown();
    // Asks QEMU to exit at once.
    void quit();

    // One QMP line: the greeting, a reply or an event (public for tests).
    void handle_line(std::string_view line);

private:
    void on_data(std::string_view bytes);

    std::shared_ptr<unix_channel> qmp_;
    std::shared_ptr<unix_channel> agent_;
    line_splitter lines_;
    bool ready_ = false;
    bool agent_open_ = false;
    std::function<void()> on_agent_open_;
};

}  // namespace launcher
