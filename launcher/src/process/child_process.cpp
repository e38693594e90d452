// Starting, watching and reaping the launcher's child processes.
#include "process/child_process.hpp"

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
    int input;
    int output;
    const std::string& exec_error;
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
    const int input = plan.input >= 0 ? plan.input : ::open("/dev/null", O_RDONLY);
    if (input >= 0) ::dup2(input, 0);
    if (plan.output >= 0) {
        ::dup2(plan.output, 1);
        ::dup2(plan.output, 2);
    }
    // Sockets and files of the launcher stay with the launcher.
    close_inherited(plan.max_fd);
    reset_signals();
    ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    const std::string& message = plan.exec_error;
    [[maybe_unused]] auto ignored = ::write(2, message.data(), message.size());
    ::_exit(127);
}

void close_pair(const int fds[2]) {
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, const child_stdio& stdio) {
    const child_plan plan{c_string_pointers(argv),
                          c_string_pointers(env),
                          ::getpid(),
                          descriptor_limit(),
                          stdio.input,
                          stdio.output,
                          stdio.exec_error};
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

std::optional<int> child_process::poll() {
    if (reaped_) return std::nullopt;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done != pid_) return std::nullopt;
    reaped_ = true;
    return status;
}

void child_process::wait() {
    if (reaped_) return;
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
}

void child_process::signal(int signal_number) const {
    if (!reaped_) ::kill(pid_, signal_number);
}

std::string capture_output(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, const std::string& input) {
    int output_fds[2];
    int input_fds[2];
    if (::pipe2(output_fds, O_CLOEXEC) != 0) return {};
    if (::pipe2(input_fds, O_CLOEXEC) != 0) {
        close_pair(output_fds);
        return {};
    }
    // Written before the child starts, then closed: the child reads it, then end of file.
    const bool written =
        ::write(input_fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size());
    ::close(input_fds[1]);
    std::optional<child_process> child;
    if (written) {
        try {
            child.emplace(argv, env, child_stdio{input_fds[0], output_fds[1], ""});
        } catch (const std::runtime_error&) {
            // No child: nothing to capture.
        }
    }
    ::close(input_fds[0]);
    ::close(output_fds[1]);
    std::string output;
    char buffer[4096];
    // A signal (the launcher handles SIGCHLD and SIGTERM) may cut a read short: read on.
    while (child) {
        const ssize_t n = ::read(output_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(output_fds[0]);
    if (child) child->wait();
    return output;
}

std::vector<std::string> whole_environment(const char* const* environ_list) {
    std::vector<std::string> env;
    for (auto entry = environ_list; entry && *entry; ++entry)
        env.emplace_back(*entry);
    return env;
}

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
