#pragma once
// The launcher's status socket: each client that connects gets a short reply,
// its first line "ready", "booting" or "unready", then `name value` lines
// (process_stats.hpp), and the connection closes. Cheap enough for a
// readiness probe every few seconds (no telnet session, no scrollback).
#include "asio.hpp"
#include "net_parts/accept_backoff.hpp"

#include <functional>
#include <memory>
#include <string>

namespace launcher {

class status_server : public std::enable_shared_from_this<status_server> {
public:
    // Binds `path` at once (a stale socket file is replaced); `status` gives each
    // client's reply, newline-terminated lines.
    status_server(net::io_context& io, const std::string& path,
                  std::function<std::string()> status);
    ~status_server();

    void start() { do_accept(); }
    void stop();

private:
    void do_accept();
    void on_accept(error_code ec, net::local::stream_protocol::socket peer);
    void on_backoff(error_code ec);
    // The reply is written (or not): the connection ends.
    void on_reply_sent(const std::shared_ptr<net::local::stream_protocol::socket>& client,
                       const std::shared_ptr<const std::string>& line, error_code ec,
                       std::size_t n);

    net::local::stream_protocol::acceptor acceptor_;
    net_parts::accept_backoff backoff_;  // waits between failing accepts (EMFILE)
    std::string path_;
    std::function<std::string()> status_;
};

}  // namespace launcher
