#pragma once
// The recent guest output a late telnet client receives first: a byte ring
// holding the newest `limit` raw bytes. Its memory is the ring itself, however
// the output arrived (typed echo comes one byte per read).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

class scrollback {
public:
    explicit scrollback(std::size_t limit) : ring_(limit) {}

    void append(std::string_view raw);
    // The kept bytes, oldest first.
    std::string contents() const;
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return ring_.size(); }

private:
    std::vector<char> ring_;
    std::size_t start_ = 0;  // index of the oldest byte
    std::size_t size_ = 0;
};

}  // namespace launcher
