// The front's exposition: VMs by state, then its own counters.
#include "front/front_metrics.hpp"

#include "exposition.hpp"

#include <algorithm>

namespace console {

std::string format_front_metrics(const front_sample& sample, const vm_list& vms) {
    exposition out;
    out.family("front_vms", "gauge", "VMs the front lists, by state.");
    for (const auto state : vm_states) {
        const auto count = std::count_if(vms.vms.begin(), vms.vms.end(), [&](const vm_entry& vm) {
            return vm.status.state == state;
        });
        out.sample("front_vms", "{state=\"" + std::string(state) + "\"}", std::to_string(count));
    }
    out.single("front_unlisted_addresses", "gauge",
               "Peer addresses without a usable /status answer, not listed.",
               std::uint64_t{vms.unlisted});
    out.single("front_sessions", "gauge", "WebSocket sessions proxied now.", sample.sessions);
    out.single("front_sessions_opened_total", "counter", "WebSocket sessions proxied to VMs.",
               sample.sessions_opened);
    out.single("front_sent_bytes_total", "counter",
               "WebSocket message bytes sent to browsers (from the VMs).",
               sample.bytes_to_browsers);
    out.single("front_received_bytes_total", "counter",
               "WebSocket message bytes received from browsers (for the VMs).",
               sample.bytes_from_browsers);
    out.single("front_http_requests_total", "counter", "HTTP requests proxied to VMs' consoles.",
               sample.http_requests);
    out.single("front_upstream_failures_total", "counter",
               "Proxied requests and sessions whose VM console could not be reached.",
               sample.upstream_failures);
    out.single("front_discovery_rounds_total", "counter",
               "Completed looks for VMs (peer names resolved, every console asked).",
               sample.discovery_rounds);
    out.single("front_dns_failures_total", "counter",
               "Look-ups of a peer name that got no answer (its last addresses were kept).",
               sample.dns_failures);
    return out.take();
}

}  // namespace console
