// The front's /metrics: the VMs it lists by state, the sessions and requests
// it proxies and the bytes each way, in the Prometheus text format.
#pragma once

#include "front/vm_registry.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace console {

// Counted by the front's sessions and its discovery, read by /metrics; any thread.
struct front_counters {
    std::atomic<std::uint64_t> sessions_opened{0};      // WebSocket sessions proxied
    std::atomic<std::uint64_t> bytes_to_browsers{0};    // message bytes, VM to browser
    std::atomic<std::uint64_t> bytes_from_browsers{0};  // message bytes, browser to VM
    std::atomic<std::uint64_t> http_requests{0};        // HTTP requests proxied to VMs
    std::atomic<std::uint64_t> upstream_failures{0};    // a VM's console not reached in time
    std::atomic<std::uint64_t> discovery_rounds{0};     // looks for VMs completed
    std::atomic<std::uint64_t> dns_failures{0};         // a peer name with no answer
};

// The front's values at one scrape.
struct front_sample {
    std::uint64_t sessions = 0;  // open now
    std::uint64_t sessions_opened = 0;
    std::uint64_t bytes_to_browsers = 0;
    std::uint64_t bytes_from_browsers = 0;
    std::uint64_t http_requests = 0;
    std::uint64_t upstream_failures = 0;
    std::uint64_t discovery_rounds = 0;
    std::uint64_t dns_failures = 0;
};

// The states a listed VM can be in, in the order /metrics gives them.
inline constexpr std::string_view vm_states[] = {"starting", "booting", "ready",
                                                 "unready",  "stopped", "failed"};

std::string format_front_metrics(const front_sample& sample, const vm_list& vms);

}  // namespace console
