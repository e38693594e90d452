#pragma once
// Whether the guest is up: the serial output matched VM_READY_PATTERN, or, for
// a guest without a pattern, its agent opened its port. Once ready, it stays
// ready for the run.
#include <functional>
#include <regex>
#include <string>
#include <string_view>

namespace launcher {

class readiness {
public:
    // `pattern` is an ECMAScript regex searched in each line of serial output
    // (also in the unfinished last line, so a prompt matches); empty matches nothing.
    explicit readiness(const std::string& pattern);

    // Serial output from the guest.
    void feed(std::string_view bytes);
    // A readiness signal other than the pattern (the guest agent).
    void mark_ready(const std::string& reason);

    bool ready() const { return ready_; }
    // Called once, when the guest becomes ready.
    void on_ready(std::function<void()> handler) { on_ready_ = std::move(handler); }

private:
    std::regex pattern_;
    bool has_pattern_ = false;
    bool ready_ = false;
    std::string line_;  // the current line, bounded
    std::function<void()> on_ready_;
};

}  // namespace launcher
