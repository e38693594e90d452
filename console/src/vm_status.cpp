// The /status object: written by the console, read strictly by the front.
#include "vm_status.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

namespace console {

namespace {

using json = nlohmann::json;

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// A whole number: no sign, fraction or exponent in the text it came from.
std::optional<std::uint64_t> count_of(const json& value) {
    if (!value.is_number_unsigned()) return std::nullopt;
    return value.get<std::uint64_t>();
}

// A number, finite and not negative.
std::optional<double> seconds_of(const json& value) {
    if (!value.is_number()) return std::nullopt;
    const auto seconds = value.get<double>();
    if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
    return seconds;
}

// A string that is one of `words`.
bool word_of(const json& value, std::initializer_list<std::string_view> words, std::string& field) {
    if (!value.is_string()) return false;
    field = value.get<std::string>();
    return one_of(field, words);
}

// One member into `status`; false when a known member's value is wrong.
bool take_member(vm_status& status, const std::string& key, const json& value) {
    const auto count = [&](std::optional<std::uint64_t>& field) {
        field = count_of(value);
        return field.has_value();
    };
    if (key == "name") {
        if (value.is_string()) status.name = value.get<std::string>();
        return is_vm_name(status.name);
    }
    if (key == "state")
        return word_of(value, {"booting", "ready", "unready", "stopped"}, status.state);
    if (key == "start") return word_of(value, {"cold", "warm", "hibernate"}, status.start);
    if (key == "uptime_seconds") {
        status.uptime_seconds = seconds_of(value);
        return status.uptime_seconds.has_value();
    }
    if (key == "vcpus") return count(status.vcpus);
    if (key == "memory_mib") return count(status.memory_mib);
    if (key == "viewers") {
        const auto viewers = count_of(value);
        status.viewers = viewers.value_or(0);
        return viewers.has_value();
    }
    return true;  // a member of a newer console
}

// Seconds with three decimals, as the launcher writes them.
double milliseconds_rounded(double seconds) {
    return std::round(seconds * 1000) / 1000;
}

}  // namespace

vm_status describe_vm(const std::string& name, std::uint64_t viewers,
                      const std::optional<launcher_status>& launcher) {
    vm_status status{name, launcher ? launcher->word : "stopped", {}, {}, {}, {}, viewers};
    if (!launcher) return status;
    status.start = launcher->guest_start;
    status.uptime_seconds = launcher->launcher_uptime_seconds;
    status.vcpus = launcher->cpu_count;
    status.memory_mib = launcher->memory_mib;
    return status;
}

nlohmann::ordered_json vm_status_json(const vm_status& status) {
    nlohmann::ordered_json object = {{"name", status.name}, {"state", status.state}};
    if (!status.start.empty()) object["start"] = status.start;
    if (status.uptime_seconds)
        object["uptime_seconds"] = milliseconds_rounded(*status.uptime_seconds);
    if (status.vcpus) object["vcpus"] = *status.vcpus;
    if (status.memory_mib) object["memory_mib"] = *status.memory_mib;
    object["viewers"] = status.viewers;
    return object;
}

std::string format_vm_status(const vm_status& status) {
    return dump_json(vm_status_json(status));
}

std::string dump_json(const nlohmann::ordered_json& value) {
    // Bytes that are not UTF-8 become U+FFFD instead of an exception.
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<vm_status> parse_vm_status(std::string_view reply) {
    // nlohmann-json ends its input at a NUL: what would follow it is not read, so refuse it.
    if (reply.size() > max_vm_status_reply || reply.find('\0') != std::string_view::npos)
        return std::nullopt;
    // The parser keeps the last of a key given twice: the callback sees each one.
    std::set<std::string> keys;
    bool repeated = false;
    const auto note_keys = [&](int depth, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::key && depth == 1)
            repeated |= !keys.insert(parsed.get<std::string>()).second;
        return true;
    };
    const auto object = json::parse(reply, note_keys, false);
    if (object.is_discarded() || !object.is_object() || repeated) return std::nullopt;
    vm_status status;
    for (const auto& [key, value] : object.items())
        if (!take_member(status, key, value)) return std::nullopt;
    // Name and state are what the front needs; the rest may be missing.
    if (!keys.contains("name") || !keys.contains("state")) return std::nullopt;
    return status;
}

bool is_vm_name(std::string_view name) {
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || name.size() > 63 || !allowed(name.front()) || !allowed(name.back()))
        return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return allowed(c) || c == '-'; });
}

std::string default_vm_name() {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) return "vm";
    std::string name(host.data());
    name = name.substr(0, name.find('.'));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return is_vm_name(name) ? name : "vm";
}

}  // namespace console
