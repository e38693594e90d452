#pragma once
// What the status socket says beyond the readiness word: QEMU's CPU time and
// resident memory (read from /proc/<pid>/stat and /proc/<pid>/status), how the
// guest started and how long it took, the launcher's uptime, and what it
// dropped. Each is one `name value` line after the first.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace launcher {

// A process's CPU time and resident memory.
struct process_stats {
    double cpu_seconds = 0;  // user + system
    std::uint64_t rss_bytes = 0;
};

// utime + stime of a /proc/<pid>/stat line, in clock ticks; nullopt when
// malformed. The command name in parentheses may hold spaces and ')'.
std::optional<std::uint64_t> stat_cpu_ticks(std::string_view stat);
// VmRSS of a /proc/<pid>/status text, in bytes; nullopt when absent.
std::optional<std::uint64_t> status_rss_bytes(std::string_view status);
// Both for a running process; nullopt when it is gone or /proc is unreadable.
std::optional<process_stats> read_process_stats(pid_t pid);

// Everything the status socket reports.
struct status_report {
    std::string word;                           // ready, booting or unready
    std::optional<process_stats> qemu;          // while QEMU runs
    std::string guest_start;                    // cold, warm or hibernate; empty before QEMU
    std::optional<double> guest_start_seconds;  // QEMU's start to the guest's first ready
    double uptime_seconds = 0;                  // the launcher's
    std::uint64_t telnet_clients = 0;           // connected now
    std::uint64_t telnet_clients_dropped = 0;   // dropped for falling behind
    std::uint64_t stdout_dropped_bytes = 0;     // guest output stdout could not take
    std::uint64_t cpu_count = 0;                // the guest's vCPUs (VM_CPU_COUNT)
    std::uint64_t memory_mib = 0;               // the guest's RAM (VM_MEMORY)
};

// The reply: the word on its own line, then one `name value` line per value known.
std::string format_status(const status_report& report);

}  // namespace launcher
