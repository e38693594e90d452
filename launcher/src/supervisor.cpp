#include "supervisor.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>

#include "qemu_argv.hpp"

extern char** environ;

namespace launcher {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t scrollback_bytes = 64 * 1024;
constexpr std::size_t keyboard_queue_bytes = 64 * 1024;
constexpr auto quit_grace = 5s;     // after QMP quit, before SIGKILL
constexpr auto drain_time = 300ms;  // last serial bytes after QEMU exits

constexpr std::size_t stdout_queue_bytes = 256 * 1024;

// The launcher's own CPU time (user + system), for `make bench` and operators.
std::string cpu_milliseconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto us = [](const timeval& t) {
        return t.tv_sec * 1000000L + t.tv_usec;
    };
    const long total = us(usage.ru_utime) + us(usage.ru_stime);
    return std::to_string(total / 1000) + "." + std::to_string(total % 1000 / 100);
}

std::shared_ptr<telnet_server> bind_telnet(net::io_context& io, int port, console_hub& hub,
                                           int max_clients) {
    try {
        return std::make_shared<telnet_server>(io, static_cast<unsigned short>(port), hub,
                                               static_cast<std::size_t>(max_clients));
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("VM_TELNET_PORT='" + std::to_string(port) +
                                 "': cannot listen on 127.0.0.1: " + e.code().message());
    }
}

}  // namespace

supervisor::supervisor(const vm_settings& vm)
    : vm_(vm),
      signals_(io_, SIGTERM, SIGINT, SIGCHLD),
      timer_(io_),
      dir_(vm.runtime_dir),
      mirror_(std::make_shared<stdout_mirror>(io_, 1, stdout_queue_bytes)),
      hub_(
          scrollback_bytes, [this](std::string_view bytes) { mirror_->write(bytes); },
          [this](std::string_view keys) { serial_->send(keys); }),
      serial_(std::make_shared<unix_channel>(io_, dir_.path("serial.sock"), "serial line",
                                             keyboard_queue_bytes)),
      monitor_(std::make_shared<unix_channel>(io_, dir_.path("qmp.sock"), "QMP", 65536)),
      agent_(std::make_shared<unix_channel>(io_, dir_.path("qga.sock"), "guest agent", 65536)),
      qmp_(std::make_unique<qmp_client>(monitor_, agent_)),
      credentials_(agent_, vm.guest_password, vm.guest_ssh_key),
      readiness_(vm.ready_pattern),
      telnet_(bind_telnet(io_, vm.telnet_port, hub_, vm.telnet_max_clients)) {
    serial_->on_data([this](std::string_view bytes) {
        hub_.publish(bytes);
        readiness_.feed(bytes);
    });
    qmp_->on_agent_open([this] {
        // The agent is the sign only for a guest without a ready pattern: a pattern such as
        // "login:" waits for the guest's own prompt, which may come after its agent starts.
        if (vm_.ready_pattern.empty()) readiness_.mark_ready("the guest agent opened its port");
        if (credentials_.wanted()) credentials_.start();
    });
    if (!vm.status_socket.empty())
        status_ = std::make_shared<status_server>(io_, vm.status_socket,
                                                  [this] { return readiness_.ready(); });
}

int supervisor::run() {
    const runtime_paths paths = make_runtime_paths(dir_.base());
    for (const auto& channel : {serial_, monitor_, agent_})
        channel->start();
    telnet_->start();
    std::cerr << "launcher: serial console on telnet 127.0.0.1:" << telnet_->port() << "\n";
    if (status_) {
        status_->start();
        std::cerr << "launcher: status on " << vm_.status_socket << "\n";
    }
    wait_signal();
    qemu_.emplace(build_qemu_argv(vm_, paths), qemu_environment(environ, vm_.qemu_env));
    std::cerr << "launcher: QEMU started (pid " << qemu_->pid() << ")\n";
    io_.run();
    mirror_->close();
    std::cerr << "launcher: exiting with status " << exit_code_ << " (launcher CPU "
              << cpu_milliseconds() << " ms)\n";
    return exit_code_;
}

void supervisor::wait_signal() {
    signals_.async_wait([this](auto ec, int signal_number) { on_signal(ec, signal_number); });
}

void supervisor::on_signal(boost::system::error_code ec, int signal_number) {
    if (ec) return;
    if (signal_number == SIGCHLD) {
        on_child_exit();
    } else if (!shutting_down_) {
        std::cerr << "launcher: " << ::strsignal(signal_number) << ": shutting the guest down\n";
        begin_shutdown();
    } else {
        std::cerr << "launcher: second signal: stopping QEMU now\n";
        stop_qemu();
    }
    wait_signal();
}

void supervisor::on_child_exit() {
    const auto status = qemu_ ? qemu_->poll() : std::nullopt;
    if (!status) return;
    const bool asked = shutting_down_;
    const std::string what = "QEMU " + describe_wait_status(*status);
    if (!asked && *status != 0) {
        std::cerr << "launcher: " << what << " on its own\n";
    } else {
        std::cerr << "launcher: " << what << "\n";
    }
    finish(*status);
}

// The guest agent, when the guest runs one, powers the guest off cleanly;
// without one nothing can ask the guest, so QEMU is stopped at once.
void supervisor::begin_shutdown() {
    shutting_down_ = true;
    telnet_->stop();
    if (status_) status_->stop();
    if (!qmp_->agent_running()) {
        std::cerr << "launcher: no guest agent: stopping QEMU\n";
        return stop_qemu();
    }
    qmp_->request_guest_shutdown();
    timer_.expires_after(std::chrono::seconds(vm_.shutdown_timeout_s));
    timer_.async_wait([this](auto ec) {
        if (ec) return;
        std::cerr << "launcher: the guest did not power off in " << vm_.shutdown_timeout_s
                  << " s: stopping QEMU\n";
        stop_qemu();
    });
}

// QMP quit (or SIGTERM without QMP), then SIGKILL if QEMU lingers.
void supervisor::stop_qemu() {
    if (qmp_->monitor_ready()) {
        qmp_->quit();
    } else {
        qemu_->signal(SIGTERM);
    }
    timer_.expires_after(quit_grace);
    timer_.async_wait([this](auto ec) {
        if (!ec) qemu_->signal(SIGKILL);
    });
}

// QEMU is gone: let the last serial bytes through, then end the run.
void supervisor::finish(int status) {
    const bool died = WIFSIGNALED(status) && !shutting_down_;
    exit_code_ = exit_code_for(status);
    if (died && exit_code_ == 0) exit_code_ = 1;
    shutting_down_ = true;
    telnet_->stop();
    if (status_) status_->stop();
    timer_.expires_after(drain_time);
    timer_.async_wait([this](auto) { io_.stop(); });
}

}  // namespace launcher
