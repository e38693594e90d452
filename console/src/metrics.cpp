// /metrics of the console: its own values, then what the launcher reported.
#include "metrics.hpp"

#include "exposition.hpp"

namespace console {

std::string format_metrics(const console_sample& console,
                           const std::optional<launcher_status>& launcher) {
    exposition out;
    out.single("console_sessions", "gauge", "WebSocket sessions open now (viewers).",
               console.sessions);
    out.single("console_sessions_opened_total", "counter", "WebSocket sessions accepted.",
               console.sessions_opened);
    out.single("console_sessions_stalled_total", "counter",
               "WebSocket sessions closed because the browser stopped reading output.",
               console.sessions_stalled);
    out.single("console_sent_bytes_total", "counter", "WebSocket message bytes sent to browsers.",
               console.bytes_to_browsers);
    out.single("console_received_bytes_total", "counter",
               "WebSocket message bytes received from browsers.", console.bytes_from_browsers);
    out.single("launcher_up", "gauge",
               "1 when the launcher's status socket answered with a well-formed reply.",
               std::uint64_t{launcher ? 1U : 0U});
    const std::string_view word = launcher ? std::string_view(launcher->word) : "";
    out.states("guest_state", "state",
               "The guest's state as the launcher reports it (all 0 when the launcher is down).",
               {"booting", "ready", "unready"}, word);
    if (!launcher) return out.take();
    if (!launcher->guest_start.empty())
        out.states("guest_start", "start",
                   "How the guest started: cold boot, warm start "
                   "(the data image's snapshot) or resumed from hibernation.",
                   {"cold", "warm", "hibernate"}, launcher->guest_start);
    if (launcher->guest_start_seconds)
        out.single("guest_start_seconds", "gauge",
                   "Seconds from QEMU's start to the guest's first ready (boot or resume).",
                   *launcher->guest_start_seconds);
    if (launcher->qemu_cpu_seconds)
        out.single("qemu_cpu_seconds_total", "counter",
                   "CPU time of the QEMU process (user + system).", *launcher->qemu_cpu_seconds);
    if (launcher->qemu_rss_bytes)
        out.single("qemu_resident_memory_bytes", "gauge", "Resident memory of the QEMU process.",
                   *launcher->qemu_rss_bytes);
    if (launcher->launcher_uptime_seconds)
        out.single("launcher_uptime_seconds", "gauge", "Seconds since the launcher started.",
                   *launcher->launcher_uptime_seconds);
    if (launcher->telnet_clients)
        out.single("launcher_telnet_clients", "gauge",
                   "Telnet clients of the launcher's serial console (one per viewer, and probes).",
                   *launcher->telnet_clients);
    if (launcher->telnet_clients_dropped)
        out.single("launcher_telnet_clients_dropped_total", "counter",
                   "Telnet clients the launcher dropped for falling behind the guest's output.",
                   *launcher->telnet_clients_dropped);
    if (launcher->stdout_dropped_bytes)
        out.single("launcher_stdout_dropped_bytes_total", "counter",
                   "Guest output bytes the launcher's stdout (kubectl logs) could not take.",
                   *launcher->stdout_dropped_bytes);
    return out.take();
}

}  // namespace console
