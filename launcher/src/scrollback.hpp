#pragma once
// The recent guest output a late telnet client receives first: a ring of
// shared chunks holding at most `limit` bytes, oldest chunks dropped whole.
#include <cstddef>
#include <deque>

#include "chunk.hpp"

namespace launcher {

class scrollback {
public:
    explicit scrollback(std::size_t limit) : limit_(limit) {}

    void append(const chunk& piece);
    const std::deque<chunk>& chunks() const { return chunks_; }
    std::size_t size() const { return bytes_; }

private:
    std::size_t limit_;
    std::size_t bytes_ = 0;
    std::deque<chunk> chunks_;
};

}  // namespace launcher
