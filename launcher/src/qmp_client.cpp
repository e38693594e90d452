#include "qmp_client.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace launcher {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_line = 1024 * 1024;  // QMP replies are far smaller

// `object[key]` as `T` when it is there with that type.
template <typename T>
std::optional<T> field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean()) return std::nullopt;
    } else {
        if (!it->is_string()) return std::nullopt;
    }
    return it->template get<T>();
}

}  // namespace

qmp_client::qmp_client(std::shared_ptr<unix_channel> qmp, std::shared_ptr<unix_channel> agent)
    : qmp_(std::move(qmp)), agent_(std::move(agent)), lines_(max_line) {
    // The channels outlive no launcher run; `this` is owned by the supervisor.
    qmp_->on_data([this](std::string_view bytes) { on_data(bytes); });
}

void qmp_client::on_data(std::string_view bytes) {
    lines_.feed(bytes, [this](std::string_view line) { handle_line(line); });
}

// The greeting gets qmp_capabilities; its reply (id "caps") makes the monitor
// ready; VSERPORT_CHANGE of qga-port tells whether the guest agent runs.
void qmp_client::handle_line(std::string_view line) {
    const json message = json::parse(line, nullptr, false);
    if (!message.is_object()) return;  // not JSON: ignored
    if (message.contains("QMP")) {
        qmp_->send("{\"execute\": \"qmp_capabilities\", \"id\": \"caps\"}\n");
    } else if (message.contains("return") && field<std::string>(message, "id") == "caps") {
        ready_ = true;
    } else if (field<std::string>(message, "event") == "VSERPORT_CHANGE") {
        const auto data = message.find("data");
        if (data == message.end() || !data->is_object()) return;
        if (field<std::string>(*data, "id") != "qga-port") return;
        const auto open = field<bool>(*data, "open");
        if (!open) return;
        agent_open_ = *open;
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
