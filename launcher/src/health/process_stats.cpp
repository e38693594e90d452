// The status socket's reply: the readiness word, then `name value` lines.
#include "health/process_stats.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>

namespace launcher {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// The `index`th space-separated field of `text` (0-based).
std::string_view field(std::string_view text, std::size_t index) {
    for (;;) {
        const auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos) return {};
        text.remove_prefix(start);
        const auto end = text.find(' ');
        if (index == 0) return text.substr(0, end);
        if (end == std::string_view::npos) return {};
        text.remove_prefix(end);
        --index;
    }
}

std::string read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text;
    std::array<char, 4096> buffer{};
    while (in && text.size() < 64 * 1024) {
        in.read(buffer.data(), buffer.size());
        text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    return text;
}

// Seconds with three decimals: enough for a counter of CPU time or a boot.
std::string decimal(double seconds) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.3f", seconds);
    return text.data();
}

}  // namespace

std::optional<std::uint64_t> stat_cpu_ticks(std::string_view stat) {
    // pid (comm) state ppid ...: after the last ')', utime and stime are fields 12 and 13.
    const auto paren = stat.rfind(')');
    if (paren == std::string_view::npos) return std::nullopt;
    std::string_view rest = stat.substr(paren + 1);
    if (const auto newline = rest.find('\n'); newline != std::string_view::npos)
        rest = rest.substr(0, newline);
    const auto utime = parse_number(field(rest, 11));
    const auto stime = parse_number(field(rest, 12));
    if (!utime || !stime) return std::nullopt;
    return *utime + *stime;
}

std::optional<std::uint64_t> status_rss_bytes(std::string_view status) {
    constexpr std::string_view key = "VmRSS:";
    std::size_t at = 0;
    while (at < status.size()) {
        const auto end = status.find('\n', at);
        std::string_view line = status.substr(at, end == std::string_view::npos ? end : end - at);
        at = end == std::string_view::npos ? status.size() : end + 1;
        if (!line.starts_with(key)) continue;
        line.remove_prefix(key.size());
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos) return std::nullopt;
        line.remove_prefix(start);
        if (!line.ends_with(" kB")) return std::nullopt;
        line.remove_suffix(3);
        const auto kib = parse_number(line);
        if (!kib) return std::nullopt;
        return *kib * 1024;
    }
    return std::nullopt;
}

std::optional<process_stats> read_process_stats(pid_t pid) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/";
    const auto ticks = stat_cpu_ticks(read_small_file(dir + "stat"));
    const auto rss = status_rss_bytes(read_small_file(dir + "status"));
    const long per_second = ::sysconf(_SC_CLK_TCK);
    if (!ticks || !rss || per_second <= 0) return std::nullopt;
    return process_stats{static_cast<double>(*ticks) / static_cast<double>(per_second), *rss};
}

std::string format_status(const status_report& report) {
    std::string text = report.word + "\n";
    const auto line = [&text](std::string_view name, const std::string& value) {
        text.append(name).append(" ").append(value).append("\n");
    };
    if (report.qemu) {
        line("qemu_cpu_seconds", decimal(report.qemu->cpu_seconds));
        line("qemu_rss_bytes", std::to_string(report.qemu->rss_bytes));
    }
    if (!report.guest_start.empty()) line("guest_start", report.guest_start);
    if (report.guest_start_seconds)
        line("guest_start_seconds", decimal(*report.guest_start_seconds));
    line("launcher_uptime_seconds", decimal(report.uptime_seconds));
    line("telnet_clients", std::to_string(report.telnet_clients));
    line("telnet_clients_dropped", std::to_string(report.telnet_clients_dropped));
    line("stdout_dropped_bytes", std::to_string(report.stdout_dropped_bytes));
    line("cpu_count", std::to_string(report.cpu_count));
    line("memory_mib", std::to_string(report.memory_mib));
    return text;
}

}  // namespace launcher
