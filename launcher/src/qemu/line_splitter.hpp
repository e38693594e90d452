#pragma once
// Splits a byte stream (QMP, the guest agent) into lines. A line longer than
// the limit is discarded whole, up to and including its newline, so its tail
// is never read as a line of its own.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace launcher {

class line_splitter {
public:
    using line_handler = std::function<void(std::string_view)>;

    explicit line_splitter(std::size_t max_line) : max_line_(max_line) {}

    // Calls `handler` with each complete line of `bytes` (without its '\n').
    // The handler may call reset(), which drops what follows in `bytes` too.
    void feed(std::string_view bytes, const line_handler& handler);
    // Forgets a partial line (a new connection, a resynchronisation).
    void reset();

    std::size_t discarded_lines() const { return discarded_; }

private:
    std::size_t max_line_;
    std::string partial_;
    bool discarding_ = false;  // inside an over-long line: skip to its end
    std::size_t discarded_ = 0;
    unsigned generation_ = 0;  // bumped by reset(), ends a running feed()
};

}  // namespace launcher
