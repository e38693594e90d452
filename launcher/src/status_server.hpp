#pragma once
// The launcher's status socket: each client that connects gets one line,
// "ready" or "booting", and the connection closes. Cheap enough for a
// readiness probe every few seconds (no telnet session, no scrollback).
#include <utility>  // before Asio: Boost 1.74 misses it under C++20

#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <string>

namespace launcher {

class status_server : public std::enable_shared_from_this<status_server> {
public:
    // Binds `path` at once (a stale socket file is replaced); `ready` is asked per client.
    status_server(boost::asio::io_context& io, const std::string& path,
                  std::function<bool()> ready);
    ~status_server();

    void start() { do_accept(); }
    void stop();

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::local::stream_protocol::socket peer);

    boost::asio::local::stream_protocol::acceptor acceptor_;
    boost::asio::steady_timer backoff_;  // after an accept error (EMFILE), not a spin
    std::string path_;
    std::function<bool()> ready_;
};

}  // namespace launcher
