#include "scrollback.hpp"

namespace launcher {

void scrollback::append(const chunk& piece) {
    if (piece->empty()) return;
    chunks_.push_back(piece);
    bytes_ += piece->size();
    // Whole chunks go, so an escaped IAC pair is never split.
    while (bytes_ > limit_ && chunks_.size() > 1) {
        bytes_ -= chunks_.front()->size();
        chunks_.pop_front();
    }
}

}  // namespace launcher
