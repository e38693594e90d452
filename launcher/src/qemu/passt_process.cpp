// VM_NETWORK=passt: passt's argv, its folder and user, its start and stop.
#include "qemu/passt_process.hpp"

#include "process/child_process.hpp"
#include "qemu/passt_ports.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace launcher {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto socket_timeout = 60s;  // binding ~100,000 sockets takes a few seconds
constexpr uid_t nobody_user = 65534;  // passt, started as root, runs as nobody:nogroup
constexpr gid_t nobody_group = 65534;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("VM_NETWORK=passt: " + what);
}

bool within(const std::vector<port_range>& ranges, std::uint16_t port) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [port](const port_range& r) { return r.first <= port && port <= r.last; });
}

// "1024-49151,~8080,~10023": the ranges, less the ports kept out of them.
std::string range_spec(const std::vector<port_range>& ranges,
                       const std::vector<std::uint16_t>& excluded) {
    std::string spec = ranges_text(ranges);
    for (const auto port : excluded) {
        if (within(ranges, port)) spec += ",~" + std::to_string(port);
    }
    return spec;
}

// Whether `uid`:`gid` may search a folder with this owner and mode (ACLs aside).
bool may_enter(const struct stat& folder, uid_t uid, gid_t gid) {
    if (folder.st_uid == uid) return (folder.st_mode & S_IXUSR) != 0;
    if (folder.st_gid == gid) return (folder.st_mode & S_IXGRP) != 0;
    return (folder.st_mode & S_IXOTH) != 0;
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace

std::string closed_folder(const std::string& dir, uid_t uid, gid_t gid) {
    std::error_code ignored;
    fs::path path = fs::weakly_canonical(fs::absolute(dir), ignored);
    for (;;) {
        struct stat folder {};
        if (::stat(path.c_str(), &folder) == 0 && !may_enter(folder, uid, gid))
            return path.string() + " (mode " + octal_mode(folder.st_mode) + ")";
        const fs::path parent = path.parent_path();
        if (parent.empty() || parent == path) return "";
        path = parent;
    }
}

std::vector<std::string> build_passt_argv(const vm_settings& vm,
                                          const std::vector<port_range>& ports,
                                          const std::string& socket, std::uint16_t telnet_port,
                                          const std::string& run_as) {
    std::vector<std::string> argv{vm.passt,      "--foreground", "--one-off",
                                  "--no-map-gw", "--socket",     socket};
    if (!run_as.empty()) argv.insert(argv.end(), {"--runas", run_as});
    std::vector<std::uint16_t> kept = vm.pod_ports;
    kept.push_back(telnet_port);
    std::vector<std::uint16_t> tcp_kept = kept;
    std::string forwards;
    for (const auto& forward : vm.forwards) {
        tcp_kept.push_back(forward.host_port);
        forwards += forwards.empty() ? "" : ",";
        forwards += std::to_string(forward.host_port) + ":" + std::to_string(forward.guest_port);
    }
    argv.insert(argv.end(), {"--tcp-ports", range_spec(ports, tcp_kept), "--udp-ports",
                             range_spec(ports, kept)});
    if (!forwards.empty()) argv.insert(argv.end(), {"--tcp-ports", forwards});
    return argv;
}

bool worth_relaying(const std::string& line) {
    static const char* const noise[] = {"bytes to syslog", "You can now start qemu",
                                        "kvm ... ",        "or qrap, for earlier",
                                        "./qrap ",         "UNIX domain socket bound"};
    if (line.find_first_not_of(" \t\r") == std::string::npos) return false;
    return std::none_of(std::begin(noise), std::end(noise),
                        [&](const char* text) { return line.find(text) != std::string::npos; });
}

passt_process::passt_process(boost::asio::io_context& io, const vm_settings& vm)
    : vm_(vm), messages_(io) {
    std::string pattern = (fs::path(vm.runtime_dir) / "passt-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("VM_RUNTIME_DIR='" + vm.runtime_dir +
                                 "': cannot create a directory: " + std::strerror(errno));
    }
    dir_ = pattern;
    if (::geteuid() != 0) return;
    // As root, passt runs as nobody, and makes its socket either as nobody
    // (Debian 12's) or before it drops root (Debian 13's). Where nobody cannot
    // reach this folder (VM_RUNTIME_DIR from mktemp -d is 0700), it runs as root
    // instead: without capabilities, in its own user namespace, as passt always
    // sandboxes itself.
    const std::string closed = closed_folder(vm.runtime_dir, nobody_user, nobody_group);
    if (!closed.empty()) {
        run_as_ = "0:0";
        std::cerr << "launcher: passt runs as root (without capabilities, in its own user "
                     "namespace), not as nobody: nobody cannot enter "
                  << closed << " on the way to VM_RUNTIME_DIR='" << vm.runtime_dir
                  << "'; a VM_RUNTIME_DIR others may enter (chmod 0711) keeps passt as nobody\n";
        return;
    }
    // The directory lets both in: root as its owner, nobody through its group.
    run_as_ = std::to_string(nobody_user) + ":" + std::to_string(nobody_group);
    if (::chown(dir_.c_str(), static_cast<uid_t>(-1), nobody_group) != 0 ||
        ::chmod(dir_.c_str(), 0770) != 0) {
        fs::remove_all(dir_);
        throw std::runtime_error("VM_RUNTIME_DIR='" + vm.runtime_dir +
                                 "': cannot hand a directory to passt: " + std::strerror(errno));
    }
}

passt_process::~passt_process() {
    stop();
    if (child_) child_->wait();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

void passt_process::start(std::uint16_t telnet_port, const std::optional<dhcp_lease>& lease) {
    // passt inherits the launcher's hard open-file limit: the ports must fit it.
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    const port_fit fit = fit_passt_ports(vm_.passt_ports, vm_.forwards.size(), files.rlim_max);
    if (fit.narrowed) std::cerr << narrowing_note(vm_.passt_ports, fit, files.rlim_max) << "\n";
    auto argv = build_passt_argv(vm_, fit.ports, socket_path(), telnet_port, run_as_);
    if (lease) {
        const auto options = lease_arguments(*lease);
        argv.insert(argv.end(), options.begin(), options.end());
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail(std::string("pipe: ") + std::strerror(errno));
    // passt inherits the launcher's environment; its messages come through the pipe.
    try {
        child_.emplace(argv, whole_environment(environ),
                       child_stdio{-1, pipe_fds[1], "cannot execute passt\n"});
    } catch (const std::runtime_error& e) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        fail(e.what());
    }
    ::close(pipe_fds[1]);
    messages_.assign(pipe_fds[0]);
    messages_.non_blocking(true);
    wait_for_socket();
    std::cerr << "launcher: passt (pid " << child_->pid() << ") gives the guest "
              << (lease ? "the address it had, " + lease->address : "this host's address") << "\n";
    do_read();
}

// passt binds every forwarded port, then its socket; QEMU must not come earlier.
void passt_process::wait_for_socket() {
    const auto deadline = std::chrono::steady_clock::now() + socket_timeout;
    while (!fs::exists(socket_path())) {
        if (const auto status = poll()) {
            const std::string words = drain_messages();
            const bool files = words.find("Too many open files") != std::string::npos;
            fail("passt " + describe_wait_status(*status) + " before QEMU could start, without " +
                 "making its socket " + socket_path() + (words.empty() ? "" : ":\n" + words) +
                 (files ? "\n(RLIMIT_NOFILE is too low for VM_PASST_PORTS: narrow "
                          "VM_PASST_PORTS or raise the limit)"
                        : ""));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            fail("passt made no socket in " + std::to_string(socket_timeout.count()) + " s");
        }
        std::this_thread::sleep_for(20ms);
    }
}

// Everything passt printed before it exited, the noise left out.
std::string passt_process::drain_messages() {
    std::string text;
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = messages_.read_some(boost::asio::buffer(input_), ec);
        if (ec || n == 0) break;
        text.append(input_.data(), n);
    }
    std::string kept;
    std::size_t start = 0;
    for (auto end = text.find('\n'); start < text.size(); end = text.find('\n', start)) {
        const std::string line = text.substr(start, end - start);
        if (worth_relaying(line)) kept += "  passt: " + line + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (!kept.empty()) kept.pop_back();
    return kept;
}

std::optional<int> passt_process::poll() {
    return child_ ? child_->poll() : std::nullopt;
}

void passt_process::stop() {
    if (child_) child_->signal(SIGTERM);
}

void passt_process::do_read() {
    messages_.async_read_some(boost::asio::buffer(input_),
                              std::bind_front(&passt_process::on_read, this));
}

void passt_process::on_read(boost::system::error_code ec, std::size_t n) {
    if (ec) return;
    relay(std::string_view(input_.data(), n));
    do_read();
}

// Whole lines to stderr, prefixed, the noise left out.
void passt_process::relay(std::string_view text) {
    partial_line_.append(text);
    for (auto end = partial_line_.find('\n'); end != std::string::npos;
         end = partial_line_.find('\n')) {
        const std::string line = partial_line_.substr(0, end);
        partial_line_.erase(0, end + 1);
        lease_reader_.line(line);
        if (worth_relaying(line)) std::cerr << "launcher: passt: " << line << "\n";
    }
}

}  // namespace launcher
