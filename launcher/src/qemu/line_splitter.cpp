// Lines out of a byte stream, an over-long line dropped whole.
#include "qemu/line_splitter.hpp"

namespace launcher {

void line_splitter::feed(std::string_view bytes, const line_handler& handler) {
    const unsigned generation = generation_;
    while (!bytes.empty() && generation == generation_) {
        const auto end = bytes.find('\n');
        const auto piece = bytes.substr(0, end);
        bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
        if (!discarding_ && partial_.size() + piece.size() > max_line_) {
            discarding_ = true;
            ++discarded_;
            partial_.clear();
        }
        if (!discarding_) partial_.append(piece);
        if (end == std::string_view::npos) return;
        // A newline: the discarded line ends here, or a whole line is ready.
        if (discarding_) {
            discarding_ = false;
            continue;
        }
        const std::string line = std::move(partial_);
        partial_.clear();
        handler(line);
    }
}

void line_splitter::reset() {
    partial_.clear();
    discarding_ = false;
    ++generation_;
}

}  // namespace launcher
