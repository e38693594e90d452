// Readiness: the guest's ready signal, and what takes it away again.
#include "health/readiness.hpp"

#include <iostream>

namespace launcher {
namespace {

constexpr std::size_t line_limit = 4096;  // a longer line is checked by its tail

// Lines the kernel prints when the guest's system stops running.
struct down_line {
    std::string_view text;
    const char* reason;
};
constexpr down_line down_lines[] = {
    {"Kernel panic - not syncing", "kernel panic on the serial console"},
    {"reboot: System halted", "the guest halted (reboot: System halted)"},
    {"reboot: Power down", "the guest powered off (reboot: Power down)"},
    {"reboot: Restarting system", "the guest is restarting (reboot: Restarting system)"},
};

// `line` without its leading CRs and spaces and its "[    7.278065] " timestamp.
std::string_view kernel_text(std::string_view line) {
    const auto skip_blanks = [&line] {
        line.remove_prefix(std::min(line.find_first_not_of("\r "), line.size()));
    };
    skip_blanks();
    if (line.empty() || line.front() != '[') return line;
    const auto close = line.find(']');
    if (close == std::string_view::npos ||
        line.substr(1, close - 1).find_first_not_of(" 0123456789.") != std::string_view::npos)
        return line;
    line.remove_prefix(close + 1);
    skip_blanks();
    return line;
}

}  // namespace

const char* down_reason(std::string_view line) {
    const std::string_view text = kernel_text(line);
    for (const auto& down : down_lines) {
        if (text.substr(0, down.text.size()) == down.text) return down.reason;
    }
    return nullptr;
}

readiness::readiness(const std::string& pattern) : has_pattern_(!pattern.empty()) {
    // A pattern without regex syntax ("login:", the default) means itself: searched
    // as text, it costs a memchr-fast scan where std::regex walks each position.
    if (pattern.find_first_of(R"(\^$.|?*+()[]{})") == std::string::npos)
        literal_ = pattern;
    else
        pattern_ = std::regex(pattern, std::regex::ECMAScript);
}

bool readiness::matches_pattern() const {
    if (!has_pattern_) return false;
    if (!literal_.empty()) return line_.find(literal_) != std::string::npos;
    return std::regex_search(line_, pattern_);
}

// Each line, the unfinished last one too, is checked as it grows: for the
// pattern while the guest is not up, for the kernel's down lines once it is.
void readiness::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        auto piece = bytes.substr(0, newline);
        if (piece.size() > line_limit) piece.remove_prefix(piece.size() - line_limit);
        line_.append(piece);
        if (line_.size() > line_limit) line_.erase(0, line_.size() - line_limit);
        check_line();
        if (newline == std::string_view::npos) return;
        line_.clear();
        bytes.remove_prefix(newline + 1);
    }
}

void readiness::check_line() {
    if (!up_) {
        if (matches_pattern()) mark_ready("the serial output matched VM_READY_PATTERN");
    } else if (const char* reason = down_reason(line_)) {
        mark_down(reason);
    }
}

void readiness::mark_ready(const std::string& reason) {
    if (up_) return;
    const bool was_ready = ready();
    up_ = true;
    report(was_ready, true, reason);
}

void readiness::mark_down(const std::string& reason) {
    if (!up_) return;
    const bool was_ready = ready();
    up_ = false;
    down_why_ = reason;
    report(was_ready, false, reason);
}

void readiness::qmp_event(std::string_view event) {
    if (event == "STOP") {
        set_paused(true, "QEMU paused the guest (QMP STOP)");
    } else if (event == "RESUME") {
        set_paused(false, "QEMU resumed the guest (QMP RESUME)");
    } else if (event == "RESET") {
        mark_down("the guest was reset (QMP RESET)");
    }
}

void readiness::set_paused(bool paused, const std::string& reason) {
    set_cause(paused_, paused_why_, paused, reason);
}

void readiness::set_agent_silent(bool silent, const std::string& reason) {
    set_cause(agent_silent_, silent_why_, silent, reason);
}

void readiness::set_cause(bool& cause, std::string& why, bool on, const std::string& reason) {
    if (on == cause) return;
    const bool was_ready = ready();
    cause = on;
    if (on) why = reason;
    report(was_ready, !on, reason);
}

std::string readiness::status() const {
    if (ready()) return "ready";
    return booted_ ? "unready" : "booting";
}

// One line per change: the first ready, each loss, each return, and a cause
// cleared while another one remains. Nothing is said before the first ready.
void readiness::report(bool was_ready, bool cleared, const std::string& reason) {
    const bool now = ready();
    if (now && !booted_) {
        booted_ = true;
        std::cerr << "\nlauncher: guest ready (" << reason << ")\n";
    } else if (!booted_) {
        return;
    } else if (now && !was_ready) {
        std::cerr << "\nlauncher: guest ready again: " << reason << "\n";
    } else if (!now && was_ready) {
        std::cerr << "\nlauncher: guest not ready: " << reason << "\n";
    } else if (!now && cleared) {
        std::cerr << "\nlauncher: guest still not ready: " << remaining_cause() << " (" << reason
                  << ")\n";
    }
}

std::string readiness::remaining_cause() const {
    if (!up_) return down_why_.empty() ? "not up" : down_why_;
    return paused_ ? paused_why_ : silent_why_;
}

}  // namespace launcher
