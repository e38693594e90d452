#include "readiness.hpp"

#include <iostream>

namespace launcher {
namespace {

constexpr std::size_t line_limit = 4096;  // a longer line is checked by its tail

}  // namespace

readiness::readiness(const std::string& pattern) : has_pattern_(!pattern.empty()) {
    if (has_pattern_) pattern_ = std::regex(pattern, std::regex::ECMAScript);
}

void readiness::feed(std::string_view bytes) {
    if (ready_ || !has_pattern_) return;
    // Only the text after the last newline can still grow into a match.
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        line_.append(bytes.substr(0, newline));
        if (line_.size() > line_limit) line_.erase(0, line_.size() - line_limit);
        if (std::regex_search(line_, pattern_))
            return mark_ready("the serial output matched VM_READY_PATTERN");
        if (newline == std::string_view::npos) return;
        line_.clear();
        bytes.remove_prefix(newline + 1);
    }
}

void readiness::mark_ready(const std::string& reason) {
    if (ready_) return;
    ready_ = true;
    line_.clear();
    std::cerr << "\nlauncher: guest ready (" << reason << ")\n";
    if (on_ready_) on_ready_();
}

}  // namespace launcher
