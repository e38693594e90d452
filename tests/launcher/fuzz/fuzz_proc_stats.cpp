// The /proc readers behind the status socket: any text of /proc/<pid>/stat
// (a command name may hold spaces and parentheses) or /proc/<pid>/status is a
// value or nothing, and the reply formatted from them keeps its first line.
#include "health/process_stats.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto ticks = launcher::stat_cpu_ticks(text);
    const auto rss = launcher::status_rss_bytes(text);
    launcher::status_report report;
    report.word = "ready";
    if (ticks && rss) report.qemu = launcher::process_stats{static_cast<double>(*ticks), *rss};
    if (!launcher::format_status(report).starts_with("ready\n")) std::abort();
    return 0;
}
