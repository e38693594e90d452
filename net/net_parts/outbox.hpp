#pragma once
// A bounded write queue for one stream: one write in flight, later bytes
// coalesced into the next message, and a size the owner checks to stop
// reading from the producer (back-pressure) or to drop what does not fit,
// instead of buffering without bound.
#include <cstddef>
#include <limits>
#include <list>
#include <string>
#include <string_view>

namespace net_parts {

class outbox {
public:
    // `limit`: the queued bytes at which full() says stop; `max_message`: the
    // size past which append() starts a new message instead of growing one.
    explicit outbox(std::size_t limit,
                    std::size_t max_message = std::numeric_limits<std::size_t>::max())
        : limit_(limit), max_message_(max_message) {}

    // Queues a message that later bytes are never appended to.
    void push(std::string message);
    // Appends to the last queued message if it is waiting, was started by
    // append() with the same prefix and stays within max_message; else queues
    // prefix + bytes as a new message.
    void append(std::string_view prefix, std::string_view bytes);

    // The message to write next, marked in flight; nullptr when one is already
    // in flight or nothing waits.
    const std::string* start_write();
    // The in-flight message has been written: drop it.
    void finish_write();
    // Drops every message (a stream that failed), from the write's handler:
    // never while a write is under way.
    void clear();

    bool writing() const { return writing_; }
    bool empty() const { return messages_.empty(); }
    // Bytes queued, the one in flight included.
    std::size_t queued_bytes() const { return queued_bytes_; }
    // True when the producer should stop until writes drain.
    bool full() const { return queued_bytes_ >= limit_; }
    // True when `size` more bytes stay within the limit (for owners that drop
    // what does not fit instead of pausing the producer).
    bool fits(std::size_t size) const { return queued_bytes_ + size <= limit_; }

private:
    struct message {
        std::string bytes;
        std::size_t prefix_size;  // size of the prefix append() started it with
        bool appendable;          // false for push(): sealed
    };

    // A list: the message in flight stays where it is while others are queued
    // (a write holds its bytes), and an empty one allocates nothing (a
    // deque keeps a block of its own: about 600 bytes in each idle session).
    std::list<message> messages_;
    std::size_t queued_bytes_ = 0;
    std::size_t limit_;
    std::size_t max_message_;
    bool writing_ = false;
};

}  // namespace net_parts
