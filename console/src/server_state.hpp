// What every connection of one console server shares: settings, access
// policy, embedded page, the count of open WebSocket sessions and the
// counters /metrics reports.
#pragma once

#include "access_policy.hpp"
#include "asset_catalog.hpp"
#include "console_config.hpp"
#include "host_allowlist.hpp"
#include "login_throttle.hpp"
#include "metrics.hpp"

#include <atomic>
#include <cstddef>

namespace console {

class server_state {
public:
    explicit server_state(console_config settings)
        : config(std::move(settings)),
          policy(config.auth, config.allow_origin),
          hosts(config.allow_host, local_interface_addresses()),
          assets(config.title, config.role == console_role::front ? "/front.html" : "/index.html") {
    }

    // Takes a session slot; false when --max-sessions are open already.
    bool try_open_session() const {
        auto open = sessions_.load();
        do {
            if (open >= config.max_sessions) return false;
        } while (!sessions_.compare_exchange_weak(open, open + 1));
        return true;
    }
    void close_session() const { --sessions_; }
    std::size_t open_sessions() const { return sessions_.load(); }

    // The console's values for one scrape of /metrics.
    console_sample sample() const {
        return {open_sessions(), counters.sessions_opened.load(), counters.sessions_stalled.load(),
                counters.bytes_to_browsers.load(), counters.bytes_from_browsers.load()};
    }

    // Takes an HTTP connection slot; false when --max-connections are open.
    bool try_open_connection() const {
        auto open = connections_.load();
        do {
            if (open >= config.max_connections) return false;
        } while (!connections_.compare_exchange_weak(open, open + 1));
        return true;
    }
    void close_connection() const { --connections_; }

    const console_config config;
    const access_policy policy;
    const host_allowlist hosts;
    const asset_catalog assets;
    mutable login_throttle logins;      // failed logins per client address
    mutable console_counters counters;  // for /metrics

private:
    mutable std::atomic<std::size_t> sessions_{0};     // open WebSocket sessions
    mutable std::atomic<std::size_t> connections_{0};  // open HTTP connections
};

}  // namespace console
