// Parsing the launcher's status reply: every byte checked, nothing trusted.
#include "launcher_status.hpp"

#include <charconv>
#include <cmath>
#include <set>

namespace console {

namespace {

constexpr std::size_t max_name = 64;
constexpr std::size_t max_value = 32;

bool is_name(std::string_view name) {
    if (name.empty() || name.size() > max_name) return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return name.front() >= 'a' && name.front() <= 'z';
}

// Digits only: no sign, no exponent, no spaces.
std::optional<std::uint64_t> parse_count(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [at, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || text.front() == '-' || ec != std::errc() || at != end) return std::nullopt;
    return value;
}

// Digits with an optional fraction ("12", "1.700"): finite and not negative.
std::optional<double> parse_seconds(std::string_view text) {
    const auto dot = text.find('.');
    const auto whole = text.substr(0, dot);
    if (whole.empty() || !parse_count(whole)) return std::nullopt;
    if (dot != std::string_view::npos && !parse_count(text.substr(dot + 1))) return std::nullopt;
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [at, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
    if (ec != std::errc() || at != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

// One `name value` line into `status`; false when its value is malformed.
bool take(launcher_status& status, std::string_view name, std::string_view value) {
    const auto count = [&](std::optional<std::uint64_t>& field) {
        field = parse_count(value);
        return field.has_value();
    };
    const auto seconds = [&](std::optional<double>& field) {
        field = parse_seconds(value);
        return field.has_value();
    };
    if (name == "qemu_cpu_seconds") return seconds(status.qemu_cpu_seconds);
    if (name == "qemu_rss_bytes") return count(status.qemu_rss_bytes);
    if (name == "guest_start_seconds") return seconds(status.guest_start_seconds);
    if (name == "launcher_uptime_seconds") return seconds(status.launcher_uptime_seconds);
    if (name == "telnet_clients") return count(status.telnet_clients);
    if (name == "telnet_clients_dropped") return count(status.telnet_clients_dropped);
    if (name == "stdout_dropped_bytes") return count(status.stdout_dropped_bytes);
    if (name == "cpu_count") return count(status.cpu_count);
    if (name == "memory_mib") return count(status.memory_mib);
    if (name == "guest_start") {
        status.guest_start = value;
        return value == "cold" || value == "warm" || value == "hibernate";
    }
    return true;  // a name of a newer launcher
}

}  // namespace

bool says_ready(std::string_view reply) {
    return reply.starts_with("ready\n");
}

std::optional<launcher_status> parse_launcher_status(std::string_view reply) {
    if (reply.size() > max_status_reply || reply.empty() || reply.back() != '\n')
        return std::nullopt;
    launcher_status status;
    std::set<std::string_view> seen;
    bool first = true;
    while (!reply.empty()) {
        const auto end = reply.find('\n');
        const std::string_view line = reply.substr(0, end);
        reply.remove_prefix(end + 1);
        if (first) {
            if (line != "ready" && line != "booting" && line != "unready") return std::nullopt;
            status.word = line;
            first = false;
            continue;
        }
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        const auto name = line.substr(0, space);
        const auto value = line.substr(space + 1);
        if (!is_name(name) || value.empty() || value.size() > max_value) return std::nullopt;
        if (!seen.insert(name).second || !take(status, name, value)) return std::nullopt;
    }
    return status;
}

}  // namespace console
