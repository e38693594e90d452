#pragma once
// Whether the guest is up, both ways. Up when the serial output matches
// VM_READY_PATTERN (or, for a guest without a pattern, its agent opens its
// port); down again when its kernel panics, halts or restarts (its own lines
// on the serial console, or QMP RESET), until that signal comes again; not
// ready while QEMU has it paused (QMP STOP) or while its guest agent does not
// answer. Each change is one line on stderr.
#include <regex>
#include <string>
#include <string_view>

namespace launcher {

// The reason a serial line gives for the guest going down ("kernel panic on the
// serial console"), or nullptr. Only the kernel's own lines count: the text
// starts the line, after an optional "[ 12.345678] " timestamp.
const char* down_reason(std::string_view line);

class readiness {
public:
    // `pattern` is an ECMAScript regex searched in each line of serial output
    // (also in the unfinished last line, so a prompt matches); empty matches nothing.
    explicit readiness(const std::string& pattern);

    // Serial output from the guest.
    void feed(std::string_view bytes);
    // A ready signal other than the pattern (the guest agent, a resumed snapshot).
    void mark_ready(const std::string& reason);
    // The guest's system stopped (panic, halt, reset): not ready until it is up again.
    void mark_down(const std::string& reason);
    // A QMP event: STOP pauses, RESUME resumes, RESET marks the guest down.
    void qmp_event(std::string_view event);
    // QEMU paused (or resumed) the guest's CPUs.
    void set_paused(bool paused, const std::string& reason);
    // The guest agent did not answer its ping in time (or answers again).
    void set_agent_silent(bool silent, const std::string& reason);

    bool ready() const { return up_ && !paused_ && !agent_silent_; }
    // Ready at least once since the launcher started.
    bool booted() const { return booted_; }
    bool paused() const { return paused_; }
    // The status socket's word: "ready", "booting" (never ready yet) or "unready".
    std::string status() const;

private:
    void check_line();
    // The pattern found in the current line.
    bool matches_pattern() const;
    // A cause of unreadiness other than the guest being down, set or cleared.
    void set_cause(bool& cause, std::string& why, bool on, const std::string& reason);
    // Says on stderr how readiness changed through the event `reason` describes.
    void report(bool was_ready, bool cleared, const std::string& reason);
    std::string remaining_cause() const;

    std::regex pattern_;
    std::string literal_;  // the pattern when it has no regex syntax, searched as text
    bool has_pattern_ = false;
    bool up_ = false;      // the ready signal came since the last down
    bool booted_ = false;  // ready once
    bool paused_ = false;
    bool agent_silent_ = false;
    std::string down_why_;  // the last down, pause and silence, for "still not ready"
    std::string paused_why_;
    std::string silent_why_;
    std::string line_;  // the current line, bounded
};

}  // namespace launcher
