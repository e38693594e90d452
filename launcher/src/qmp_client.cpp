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
    const bool event = contains(line, "\"event\"");
    if (contains(line, "\"QMP\"") && !event) {
        execute("{\"execute\": \"qmp_capabilities\"}\n", [this](std::string_view) {
            ready_ = true;
            if (on_ready_) on_ready_();
        });
    } else if (!event && (contains(line, "\"return\"") || contains(line, "\"error\""))) {
        if (pending_.empty()) return;
        const reply_handler handler = std::move(pending_.front());
        pending_.pop_front();
        handler(line);
    } else if (contains(line, "\"VSERPORT_CHANGE\"") && contains(line, "\"qga-port\"")) {
        agent_open_ = contains(line, "\"open\": true") || contains(line, "\"open\":true");
        std::cerr << "launcher: guest agent " << (agent_open_ ? "connected" : "disconnected")
                  << "\n";
        if (agent_open_ && on_agent_open_) on_agent_open_();
    }
}

void qmp_client::execute(const std::string& command, reply_handler on_reply) {
    pending_.push_back(std::move(on_reply));
    qmp_->send(command);
}

void qmp_client::human_command(const std::string& command,
                               std::function<void(std::string)> on_reply) {
    std::string escaped;
    for (const char c : command) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
    }
    execute("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"" +
                escaped + "\"}}\n",
            [on_reply = std::move(on_reply)](std::string_view line) {
                // {"return": ""} is success; any other text is the monitor's message.
                std::string compact;
                for (const char c : line) {
                    if (c != ' ' && c != '\r') compact += c;
                }
                on_reply(compact == "{\"return\":\"\"}" ? std::string{} : std::string(line));
            });
}

void qmp_client::request_guest_shutdown() {
    agent_->send("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"powerdown\"}}\n");
}

void qmp_client::quit() {
    qmp_->send("{\"execute\": \"quit\"}\n");
}

}  // namespace launcher
