// The QMP monitor (capabilities, events, quit) and the guest agent's shutdown.
#include "qemu/qmp_client.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <iostream>
#include <optional>

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

// What a human-monitor-command printed, "\r\n" as "\n": its "return" text, or
// the QMP error's description as "Error: ...".
std::string monitor_output(std::string_view line) {
    const json reply = json::parse(line, nullptr, false);
    if (!reply.is_object()) return "Error: unreadable QMP reply";
    if (const auto text = field<std::string>(reply, "return")) {
        std::string output;
        for (const char c : *text) {
            if (c != '\r') output += c;
        }
        return output;
    }
    const auto error = reply.find("error");
    const auto desc = error != reply.end() && error->is_object()
                          ? field<std::string>(*error, "desc")
                          : std::nullopt;
    return "Error: " + desc.value_or(std::string(line));
}

}  // namespace

qmp_client::qmp_client(std::shared_ptr<unix_channel> qmp, std::shared_ptr<unix_channel> agent)
    : qmp_(std::move(qmp)), agent_(std::move(agent)), lines_(max_line) {
    // The channels outlive no launcher run; `this` is owned by the supervisor.
    qmp_->on_data(std::bind_front(&qmp_client::on_data, this));
}

void qmp_client::on_data(std::string_view bytes) {
    lines_.feed(bytes, std::bind_front(&qmp_client::handle_line, this));
}

// The greeting gets qmp_capabilities; its reply (id "caps") makes the monitor
// ready; VSERPORT_CHANGE of qga-port tells whether the guest agent runs; every
// event is passed on by name.
void qmp_client::handle_line(std::string_view line) {
    const json message = json::parse(line, nullptr, false);
    if (!message.is_object()) return;  // not JSON: ignored
    if (message.contains("QMP")) {
        qmp_->send("{\"execute\": \"qmp_capabilities\", \"id\": \"caps\"}\n");
    } else if (message.contains("return") && field<std::string>(message, "id") == "caps") {
        ready_ = true;
        if (on_ready_) on_ready_();
    } else if ((message.contains("return") || message.contains("error")) && !pending_.empty()) {
        // A reply to execute(): replies come in the order of the commands.
        const reply_handler handler = std::move(pending_.front());
        pending_.pop_front();
        handler(line);
    } else if (const auto event = field<std::string>(message, "event")) {
        if (*event == "VSERPORT_CHANGE") on_port_change(message);
        if (on_event_) on_event_(*event);
    }
}

void qmp_client::on_port_change(const nlohmann::json& message) {
    const auto data = message.find("data");
    if (data == message.end() || !data->is_object()) return;
    if (field<std::string>(*data, "id") != "qga-port") return;
    const auto open = field<bool>(*data, "open");
    if (!open) return;
    agent_open_ = *open;
    std::cerr << "launcher: guest agent " << (agent_open_ ? "connected" : "disconnected") << "\n";
    const auto& handler = agent_open_ ? on_agent_open_ : on_agent_close_;
    if (handler) handler();
}

void qmp_client::execute(const std::string& command, reply_handler on_reply) {
    pending_.push_back(std::move(on_reply));
    qmp_->send(command);
}

void qmp_client::human_command(const std::string& command,
                               std::function<void(std::string)> on_reply) {
    const json request = {{"execute", "human-monitor-command"},
                          {"arguments", {{"command-line", command}}}};
    execute(request.dump() + "\n", [on_reply = std::move(on_reply)](std::string_view line) {
        on_reply(monitor_output(line));
    });
}

void qmp_client::request_guest_shutdown() {
    agent_->send("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"powerdown\"}}\n");
}

void qmp_client::quit() {
    qmp_->send("{\"execute\": \"quit\"}\n");
}

}  // namespace launcher
