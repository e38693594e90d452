// What every connection of the front shares beside server_state: the VMs it
// knows, its counters, and how it speaks to the VMs' consoles.
#pragma once

#include "access_policy.hpp"
#include "console_config.hpp"
#include "front/front_metrics.hpp"
#include "front/vm_registry.hpp"
#include "server_state.hpp"

#include <string>

namespace console {

class front_state {
public:
    explicit front_state(const console_config& config)
        : vm_authorization(config.auth.empty() ? "" : "Basic " + encode_base64(config.auth)),
          peer_base_path(config.peer_base_path) {}

    // The front's values for one scrape of /metrics.
    front_sample sample(const server_state& server) const {
        return {server.open_sessions(),
                counters.sessions_opened.load(),
                counters.bytes_to_browsers.load(),
                counters.bytes_from_browsers.load(),
                counters.http_requests.load(),
                counters.upstream_failures.load(),
                counters.discovery_rounds.load(),
                counters.dns_failures.load()};
    }

    vm_registry registry;             // written by the discovery, read by the sessions
    mutable front_counters counters;  // for /metrics
    // The Authorization header the front sends to every VM's console: the
    // release's one password, so a browser gives it once, to the front.
    const std::string vm_authorization;
    const std::string peer_base_path;  // the consoles' base path, "" for "/"
};

}  // namespace console
