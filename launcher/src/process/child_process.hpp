#pragma once
// The launcher's one way to start a process (QEMU, passt, and QEMU asked what
// it supports): fork/exec, tied to the launcher's life with PR_SET_PDEATHSIG
// so that it never outlives it, in its own process group, with only the
// descriptors it is given, and reaped without blocking.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace launcher {

// The child's standard descriptors and what it says when it cannot start.
struct child_stdio {
    int input = -1;          // its stdin; /dev/null when negative
    int output = -1;         // its stdout and stderr; the launcher's own when negative
    std::string exec_error;  // written to its stderr when exec fails (may be empty)
};

class child_process {
public:
    // Starts argv[0] with `env` as its whole environment; throws when fork fails.
    child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const child_stdio& stdio);

    pid_t pid() const { return pid_; }
    // The wait status once the child has exited, reaping it; nullopt while it runs.
    std::optional<int> poll();
    // Waits for the child to exit and reaps it (nothing once it is reaped).
    void wait();
    // Sends `signal_number` while the child runs.
    void signal(int signal_number) const;

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// Runs argv (its environment `env`) with `input` on its stdin (small: it must
// fit in a pipe) and returns what it printed on stdout and stderr; empty on
// failure.
std::string capture_output(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, const std::string& input = {});

// argv/envp for exec: pointers into `strings`, which must outlive them, then a null.
std::vector<char*> c_string_pointers(const std::vector<std::string>& strings);

// `environ_list` as strings: the whole environment, for a child that inherits it.
std::vector<std::string> whole_environment(const char* const* environ_list);

// The variables QEMU may inherit from `environ`: PATH, HOME, locale and
// time zone, TMPDIR, and the names in `extra` (VM_QEMU_ENV). Nothing else
// (no VM_GUEST_PASSWORD, no CONSOLE_AUTH).
std::vector<std::string> qemu_environment(const char* const* environ_list,
                                          const std::vector<std::string>& extra = {});

// "exited with status 1", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);
// The launcher's exit code for a child's wait status: its code, or 128 + signal.
int exit_code_for(int status);

}  // namespace launcher
