#pragma once
// The launcher's status socket: each client that connects gets a short reply,
// its first line "ready", "booting" or "unready", then `name value` lines
// (process_stats.hpp), and the connection closes. Cheap enough for a
// readiness probe every few seconds (no telnet session, no scrollback).
#include "asio.hpp"
#include "net_parts/local_listener.hpp"

#include <functional>
#include <memory>
#include <string>

namespace launcher {

class status_server {
public:
    // Binds `path` at once (a stale socket file is replaced); `status` gives each
    // client's reply, newline-terminated lines.
    status_server(net::io_context& io, const std::string& path,
                  std::function<std::string()> status);

    ~status_server() { listener_->stop(); }
    status_server(const status_server&) = delete;
    status_server& operator=(const status_server&) = delete;

    void start() { listener_->start(); }
    void stop() { listener_->stop(); }

private:
    // One reply, then the connection ends.
    void reply(net::local::stream_protocol::socket peer);

    std::function<std::string()> status_;
    std::shared_ptr<net_parts::local_listener> listener_;
};

}  // namespace launcher
