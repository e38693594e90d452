#include "qmp_client.hpp"

#include <iostream>

namespace launcher {
namespace {

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace

qmp_client::qmp_client(std::shared_ptr<unix_channel> qmp, std::shared_ptr<unix_channel> agent)
    : qmp_(std::move(qmp)), agent_(std::move(agent)) {
    // The channels outlive no launcher run; `this` is owned by the supervisor.
    qmp_->on_data([this](std::string_view bytes) { on_data(bytes); });
}

void qmp_client::on_data(std::string_view bytes) {
    partial_.append(bytes);
    for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n')) {
        handle_line(std::string_view(partial_).substr(0, end));
        partial_.erase(0, end + 1);
    }
    // A monitor that never ends a line must not grow memory without bound.
    if (partial_.size() > 1024 * 1024) partial_.clear();
}

void qmp_client::handle_line(std::string_view line) {
    if (contains(line, "\"QMP\"")) {
        qmp_->send("{\"execute\": \"qmp_capabilities\"}\n");
    } else if (contains(line, "\"return\"") && !ready_) {
        ready_ = true;
    } else if (contains(line, "\"VSERPORT_CHANGE\"") && contains(line, "\"qga-port\"")) {
        agent_open_ = contains(line, "\"open\": true") || contains(line, "\"open\":true");
        std::cerr << "launcher: guest agent " << (agent_open_ ? "connected" : "disconnected")
                  << "\n";
        if (agent_open_ && on_agent_open_) on_agent_open_();
    }
}

void qmp_client::request_guest_shutdown() {
    agent_->send("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"powerdown\"}}\n");
}

void qmp_client::quit() {
    qmp_->send("{\"execute\": \"quit\"}\n");
}

}  // namespace launcher
