// /metrics: the console's own counters and what the launcher's status socket
// reports, in the Prometheus text exposition format 0.0.4.
#pragma once

#include "exposition.hpp"
#include "launcher_status.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace console {

// Counted by the sessions, read by /metrics; any thread.
struct console_counters {
    std::atomic<std::uint64_t> sessions_opened{0};      // WebSocket sessions accepted
    std::atomic<std::uint64_t> sessions_stalled{0};     // closed: the browser stopped reading
    std::atomic<std::uint64_t> bytes_to_browsers{0};    // WebSocket message bytes sent
    std::atomic<std::uint64_t> bytes_from_browsers{0};  // WebSocket message bytes received
};

// The console's values at one scrape.
struct console_sample {
    std::uint64_t sessions = 0;  // open now: the viewers
    std::uint64_t sessions_opened = 0;
    std::uint64_t sessions_stalled = 0;
    std::uint64_t bytes_to_browsers = 0;
    std::uint64_t bytes_from_browsers = 0;
};

// The exposition: console values always; the launcher's when its reply parsed
// (`launcher` is nullopt when the socket is unset, unreachable or malformed:
// qemu_riscv64_launcher_up 0).
std::string format_metrics(const console_sample& console,
                           const std::optional<launcher_status>& launcher);

}  // namespace console
