// The launcher's status socket reply, parsed strictly: the readiness word on
// the first line, then `name value` lines (launcher/README.md, "Readiness").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace console {

// Most a reply may hold; a longer one is refused whole.
inline constexpr std::size_t max_status_reply = 4096;

struct launcher_status {
    std::string word;                        // ready, booting or unready
    std::optional<double> qemu_cpu_seconds;  // QEMU's user + system CPU time
    std::optional<std::uint64_t> qemu_rss_bytes;
    std::string guest_start;                    // cold, warm, hibernate or empty
    std::optional<double> guest_start_seconds;  // QEMU's start to the first ready
    std::optional<double> launcher_uptime_seconds;
    std::optional<std::uint64_t> telnet_clients;
    std::optional<std::uint64_t> telnet_clients_dropped;
    std::optional<std::uint64_t> stdout_dropped_bytes;
    std::optional<std::uint64_t> cpu_count;   // the guest's vCPUs
    std::optional<std::uint64_t> memory_mib;  // the guest's RAM
};

// True when the first line says "ready": what /readyz asks.
bool says_ready(std::string_view reply);

// The whole reply, or nullopt when anything in it is malformed: a missing
// newline, an unknown word, a line not `name value`, a name twice, a value out
// of range, a reply over max_status_reply. Well-formed lines of names this
// console does not know are skipped (a newer launcher may say more).
std::optional<launcher_status> parse_launcher_status(std::string_view reply);

}  // namespace console
