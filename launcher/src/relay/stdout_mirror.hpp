#pragma once
// Guest output mirrored to the launcher's stdout (for `kubectl logs`) without
// ever blocking the event loop: a bounded outbox written through a
// non-blocking descriptor. When nobody reads stdout (a paused terminal, a
// stalled log pipe) output beyond the queue is dropped, counted and reported
// once on stderr; telnet clients, QMP and signals carry on.
#include "asio.hpp"
#include "net_parts/outbox.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace launcher {

class stdout_mirror : public std::enable_shared_from_this<stdout_mirror> {
public:
    // Mirrors to a duplicate of `fd` made non-blocking; its flags are
    // restored on destruction. A closed `fd` mirrors nothing.
    stdout_mirror(boost::asio::io_context& io, int fd, std::size_t queue_limit);
    ~stdout_mirror();
    stdout_mirror(const stdout_mirror&) = delete;
    stdout_mirror& operator=(const stdout_mirror&) = delete;

    // Queues `bytes`, or drops them when the queue is full.
    void write(std::string_view bytes);
    // Restores the descriptor's flags and stops mirroring (also on destruction).
    void close();

    std::uint64_t dropped_bytes() const { return dropped_bytes_; }
    std::size_t queued_bytes() const { return outbox_.queued_bytes(); }

private:
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);

    boost::asio::posix::stream_descriptor out_;
    int saved_flags_ = -1;  // the descriptor's flags before O_NONBLOCK
    net_parts::outbox outbox_;
    bool broken_ = false;  // stdout closed or failed: mirror nothing more
    std::uint64_t dropped_bytes_ = 0;
};

}  // namespace launcher
