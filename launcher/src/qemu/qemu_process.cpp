#include "qemu/qemu_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace launcher {
namespace {

// What the child needs, prepared before fork: the child may only make
// async-signal-safe calls, so no allocation happens after fork.
struct child_plan {
    std::vector<char*> argv;
    std::vector<char*> envp;
    pid_t parent;
    int max_fd;  // descriptors below this are closed one by one if close_range fails
};

int descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 65536;
    return static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
}

// Every descriptor from 3 up: close_range where the kernel has it (5.9+),
// else one close per descriptor.
void close_inherited(int max_fd) {
    if (::close_range(3, ~0U, 0) == 0) return;
    for (int fd = 3; fd < max_fd; ++fd)
        ::close(fd);
}

// Handlers back to default (exec keeps ignored signals ignored), mask cleared.
void reset_signals() {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int number = 1; number < NSIG; ++number) {
        if (number != SIGKILL && number != SIGSTOP) ::sigaction(number, &default_action, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const child_plan& plan) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The launcher may have died before prctl took effect.
    if (::getppid() != plan.parent) ::_exit(127);
    // Its own process group: a terminal's Ctrl-C reaches the launcher only,
    // which then shuts the guest down in order.
    ::setpgid(0, 0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    // Sockets and files of the launcher stay with the launcher.
    close_inherited(plan.max_fd);
    reset_signals();
    ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    static const char message[] = "launcher: cannot execute QEMU\n";
    [[maybe_unused]] auto ignored = ::write(2, message, sizeof message - 1);
    ::_exit(127);
}

}  // namespace

std::vector<std::string> qemu_environment(const char* const* environ_list,
                                          const std::vector<std::string>& extra) {
    static constexpr std::array<std::string_view, 9> kept = {
        "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR", "USER"};
    std::vector<std::string> env;
    for (auto entry = environ_list; entry && *entry; ++entry) {
        const std::string_view text(*entry);
        const auto name = text.substr(0, text.find('='));
        if (std::find(kept.begin(), kept.end(), name) != kept.end() ||
            std::find(extra.begin(), extra.end(), name) != extra.end())
            env.emplace_back(text);
    }
    return env;
}

qemu_process::qemu_process(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env) {
    const child_plan plan{c_string_pointers(argv), c_string_pointers(env), ::getpid(),
                          descriptor_limit()};
    // Blocked across fork: no launcher handler may run in the child before exec.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_ = ::fork();
    if (pid_ == 0) exec_child(plan);
    const int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
}

std::optional<int> qemu_process::poll() {
    if (reaped_) return std::nullopt;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done != pid_) return std::nullopt;
    reaped_ = true;
    return status;
}

void qemu_process::signal(int signal_number) const {
    if (!reaped_) ::kill(pid_, signal_number);
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    }
    return "stopped with wait status " + std::to_string(status);
}

int exit_code_for(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

std::vector<char*> c_string_pointers(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& text : strings)
        pointers.push_back(const_cast<char*>(text.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace launcher
