// A bounded write queue for one stream: one write in flight, later bytes
// coalesced into the next message, and a size the owner checks to stop
// reading from the producer (back-pressure) instead of buffering without bound.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace console {

class outbox {
public:
    explicit outbox(std::size_t high_water) : high_water_(high_water) {}

    // Queues a message that later bytes are never appended to.
    void push(std::string message);
    // Appends to the last queued message if it is waiting and was started by
    // append() with the same prefix; else queues prefix + bytes as a new message.
    void append(std::string_view prefix, std::string_view bytes);

    // The message to write next, marked in flight; nullptr when one is already
    // in flight or nothing waits.
    const std::string* start_write();
    // The in-flight message has been written: drop it.
    void finish_write();

    bool writing() const { return writing_; }
    bool empty() const { return messages_.empty(); }
    // Bytes queued, the one in flight included.
    std::size_t queued_bytes() const { return queued_bytes_; }
    // True when the producer should stop until writes drain.
    bool full() const { return queued_bytes_ >= high_water_; }

private:
    struct message {
        std::string bytes;
        std::size_t prefix_size;  // size of the prefix append() started it with
        bool appendable;          // false for push(): sealed
    };

    std::deque<message> messages_;
    std::size_t queued_bytes_ = 0;
    std::size_t high_water_;
    bool writing_ = false;
};

}  // namespace console
