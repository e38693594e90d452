// The bounded, coalescing write queue.
#include "net_parts/outbox.hpp"

namespace net_parts {

void outbox::push(std::string message_bytes) {
    queued_bytes_ += message_bytes.size();
    messages_.push_back({std::move(message_bytes), 0, false});
}

void outbox::append(std::string_view prefix, std::string_view bytes) {
    queued_bytes_ += bytes.size();
    // The front message may be in flight: only a message behind it can grow.
    const bool back_is_waiting = messages_.size() > (writing_ ? 1u : 0u);
    if (back_is_waiting) {
        auto& back = messages_.back();
        if (back.appendable && back.prefix_size == prefix.size() &&
            back.bytes.size() + bytes.size() <= max_message_ &&
            back.bytes.compare(0, prefix.size(), prefix) == 0) {
            back.bytes.append(bytes);
            return;
        }
    }
    queued_bytes_ += prefix.size();
    std::string fresh;
    fresh.reserve(prefix.size() + bytes.size());
    fresh.append(prefix).append(bytes);
    messages_.push_back({std::move(fresh), prefix.size(), true});
}

const std::string* outbox::start_write() {
    if (writing_ || messages_.empty()) return nullptr;
    writing_ = true;
    return &messages_.front().bytes;
}

void outbox::finish_write() {
    if (!writing_) return;
    queued_bytes_ -= messages_.front().bytes.size();
    messages_.pop_front();
    writing_ = false;
}

void outbox::clear() {
    messages_.clear();
    queued_bytes_ = 0;
    writing_ = false;
}

}  // namespace net_parts
