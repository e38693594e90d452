#pragma once
// The recording's local socket (VM_RECORDING_SOCKET): each client that
// connects gets the recording as one asciicast v2 file, the previous part
// first when it belongs to it, as it was at the connect, then the connection
// closes. The console serves it to browsers; it never reads the data folder.
#include "asio.hpp"
#include "net_parts/local_listener.hpp"
#include "relay/console_recording.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace launcher {

class recording_server {
public:
    // Binds `path` at once (mode 0660; a stale socket file is replaced);
    // throws naming VM_RECORDING_SOCKET when it cannot.
    recording_server(net::io_context& io, const std::string& path, console_recording& recording);

    ~recording_server() { listener_->stop(); }
    recording_server(const recording_server&) = delete;
    recording_server& operator=(const recording_server&) = delete;

    void start() { listener_->start(); }
    void stop() { listener_->stop(); }

private:
    // A download of the recording as it is now, unless too many are under way.
    void send(net::local::stream_protocol::socket peer);

    console_recording& recording_;
    std::shared_ptr<std::size_t> downloads_;  // under way, shared with each download
    std::shared_ptr<net_parts::local_listener> listener_;
};

}  // namespace launcher
