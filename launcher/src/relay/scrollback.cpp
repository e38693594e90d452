// The byte ring of recent guest output that late telnet clients receive first.
#include "relay/scrollback.hpp"

#include <algorithm>

namespace launcher {

void scrollback::append(std::string_view raw) {
    const std::size_t limit = ring_.size();
    if (limit == 0) return;
    // Only the newest `limit` bytes can stay.
    if (raw.size() >= limit) {
        std::copy(raw.end() - static_cast<std::ptrdiff_t>(limit), raw.end(), ring_.begin());
        start_ = 0;
        size_ = limit;
        return;
    }
    for (const char c : raw) {
        ring_[(start_ + size_) % limit] = c;
        if (size_ < limit)
            ++size_;
        else
            start_ = (start_ + 1) % limit;
    }
}

std::string scrollback::contents() const {
    std::string out;
    out.reserve(size_);
    const std::size_t first = std::min(size_, ring_.size() - start_);
    out.append(ring_.data() + start_, first);
    out.append(ring_.data(), size_ - first);
    return out;
}

}  // namespace launcher
