#pragma once
// The QEMU child: started with fork/exec, tied to the launcher's life with
// PR_SET_PDEATHSIG so that it never outlives it, reaped without blocking.
// It gets only its own descriptors and a scrubbed environment.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace launcher {

class qemu_process {
public:
    // Starts argv[0] with stdin from /dev/null and `env` as its whole
    // environment; throws when fork fails.
    qemu_process(const std::vector<std::string>& argv, const std::vector<std::string>& env);

    pid_t pid() const { return pid_; }
    // The wait status once QEMU has exited, reaping it; nullopt while it runs.
    std::optional<int> poll();
    // Sends `signal_number` while QEMU runs.
    void signal(int signal_number) const;

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// argv/envp for exec: pointers into `strings`, which must outlive them, then a null.
std::vector<char*> c_string_pointers(const std::vector<std::string>& strings);

// The variables QEMU may inherit from `environ`: PATH, HOME, locale and
// time zone, TMPDIR, and the names in `extra` (VM_QEMU_ENV). Nothing else
// (no VM_GUEST_PASSWORD, no CONSOLE_AUTH).
std::vector<std::string> qemu_environment(const char* const* environ_list,
                                          const std::vector<std::string>& extra = {});

// "exited with status 1", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);
// The launcher's exit code for QEMU's wait status: its code, or 128 + signal.
int exit_code_for(int status);

}  // namespace launcher
