// One VM run, from binding QEMU's sockets to QEMU's exit.
#include "supervisor/supervisor.hpp"

#include "qemu/qemu_argv.hpp"
#include "settings/setting_specs.hpp"
#include "warm/warm_resume.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>

extern char** environ;

namespace launcher {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t scrollback_bytes = 64 * 1024;
constexpr std::size_t keyboard_queue_bytes = 64 * 1024;
constexpr auto quit_grace = 5s;     // after QMP quit, before SIGKILL
constexpr auto drain_time = 300ms;  // last serial bytes after QEMU exits

constexpr std::size_t stdout_queue_bytes = 256 * 1024;
constexpr const char* recording_path = "recordings/console.cast";  // in the data folder

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

}  // namespace

supervisor::supervisor(const vm_settings& vm)
    : vm_(vm),
      signals_(io_, SIGTERM, SIGINT, SIGCHLD),
      timer_(io_),
      dir_(vm.runtime_dir),
      mirror_(std::make_shared<stdout_mirror>(io_, 1, stdout_queue_bytes)),
      hub_(scrollback_bytes, std::bind_front(&supervisor::mirror, this),
           std::bind_front(&supervisor::type, this)),
      serial_(std::make_shared<unix_channel>(io_, dir_.path("serial.sock"), "serial line",
                                             keyboard_queue_bytes)),
      monitor_(std::make_shared<unix_channel>(io_, dir_.path("qmp.sock"), "QMP", 65536)),
      agent_(std::make_shared<unix_channel>(io_, dir_.path("qga.sock"), "guest agent", 65536)),
      qmp_(std::make_unique<qmp_client>(monitor_, agent_)),
      agent_commands_(agent_, vm.guest_password, vm.guest_ssh_key),
      readiness_(vm.ready_pattern),
      pinger_(agent_, std::bind_front(&supervisor::may_ping, this),
              std::bind_front(&supervisor::on_ping, this)),
      telnet_(telnet_server::on_loopback(io_, static_cast<unsigned short>(vm.telnet_port), hub_,
                                         static_cast<std::size_t>(vm.telnet_max_clients))) {
    if (!vm.telnet_socket.empty())
        telnet_unix_ = telnet_server::on_unix_socket(
            io_, vm.telnet_socket, hub_, static_cast<std::size_t>(vm.telnet_max_clients));
    if (vm.network == network_mode::passt) passt_ = std::make_unique<passt_process>(io_, vm);
    serial_->on_data(std::bind_front(&supervisor::on_serial, this));
    qmp_->on_agent_open(std::bind_front(&supervisor::on_agent_open, this));
    agent_->on_data(std::bind_front(&supervisor::on_agent_data, this));
    qmp_->on_agent_close(std::bind_front(&supervisor::on_agent_close, this));
    qmp_->on_event(std::bind_front(&supervisor::on_qmp_event, this));
    qmp_->on_ready(std::bind_front(&supervisor::on_qmp_ready, this));
    if (!vm.status_socket.empty())
        status_ = std::make_shared<status_server>(io_, vm.status_socket,
                                                  std::bind_front(&supervisor::status_reply, this));
}

void supervisor::mirror(std::string_view bytes) {
    mirror_->write(bytes);
    if (recording_) recording_->output(bytes);
}

void supervisor::type(std::string_view keys) {
    serial_->send(keys);
    if (recording_ && vm_.recording_input) recording_->input(keys);
}

// The recording is the console's history, not the VM's: when it cannot be
// kept, the VM runs without it.
void supervisor::open_recording() {
    if (vm_.recording_max_mib == 0) {
        std::cerr << "launcher: console recording: off (VM_RECORDING_MAX=0)\n";
        return;
    }
    // The image's snapshot boot is a build step: the data image carries no recording.
    if (!vm_.save_snapshot.empty()) return;
    const auto path = (std::filesystem::path(vm_.data_dir) / recording_path).string();
    try {
        recording_ = std::make_unique<console_recording>(
            io_, path, static_cast<std::size_t>(vm_.recording_max_mib) * 1024 * 1024);
        std::cerr << "launcher: console recording: " << path << ", " << recording_->opening()
                  << "; up to " << vm_.recording_max_mib << " MiB a part (VM_RECORDING_MAX), "
                  << (vm_.recording_input ? "keys typed too" : "output only") << "\n";
    } catch (const std::exception& e) {
        std::cerr << "launcher: console recording: off: " << e.what() << "\n";
        return;
    }
    if (vm_.recording_socket.empty()) return;
    recording_server_ = std::make_shared<recording_server>(io_, vm_.recording_socket, *recording_);
    recording_server_->start();
    std::cerr << "launcher: console recording on " << vm_.recording_socket << "\n";
}

void supervisor::mark(const std::string& label) {
    if (recording_) recording_->mark(label);
}

// Only a running guest's open agent, and never in the middle of another exchange.
bool supervisor::may_ping() const {
    return qmp_->agent_running() && !agent_commands_.active() && !readiness_.paused();
}

void supervisor::on_serial(std::string_view bytes) {
    hub_.publish(bytes);
    readiness_.feed(bytes);
    note_ready();
    if (saver_) saver_->on_output(bytes);
}

void supervisor::on_agent_open() {
    // The agent is the sign only for a guest without a ready pattern: a pattern such as
    // "login:" waits for the guest's own prompt, which may come after its agent starts.
    if (vm_.ready_pattern.empty()) readiness_.mark_ready("the guest agent opened its port");
    note_ready();
    if (agent_commands_.wanted()) agent_commands_.start();
    if (saver_) saver_->on_agent_open();
}

// The agent's bytes go to both of its users; each picks out its own replies.
void supervisor::on_agent_data(std::string_view bytes) {
    agent_commands_.on_data(bytes);
    pinger_.on_data(bytes);
}

void supervisor::on_agent_close() {
    readiness_.set_agent_silent(false, "the guest agent closed its port");
}

void supervisor::on_qmp_event(const std::string& event) {
    readiness_.qmp_event(event);
}

void supervisor::on_qmp_ready() {
    if (loader_) return loader_->start();
    if (delete_stale_snapshot_) delete_hibernate_snapshot({});
}

std::string supervisor::status_reply() const {
    status_report report;
    report.word = readiness_.status();
    if (qemu_ && !shutting_down_) report.qemu = read_process_stats(qemu_->pid());
    report.guest_start = guest_start_;
    report.guest_start_seconds = guest_start_seconds_;
    report.uptime_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    report.telnet_clients = hub_.client_count();
    report.telnet_clients_dropped = hub_.dropped_count();
    report.stdout_dropped_bytes = mirror_->dropped_bytes();
    report.cpu_count = static_cast<std::uint64_t>(vm_.cpu_count);
    report.memory_mib = static_cast<std::uint64_t>(vm_.memory_mib);
    return format_status(report);
}

void supervisor::note_ready() {
    if (guest_start_seconds_ || !readiness_.booted() || guest_start_.empty()) return;
    guest_start_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - qemu_started_).count();
}

int supervisor::run() {
    runtime_paths paths = make_runtime_paths(dir_.base());
    for (const auto& channel : {serial_, monitor_, agent_})
        channel->start();
    telnet_->start();
    std::cerr << "launcher: serial console on telnet 127.0.0.1:" << telnet_->port() << "\n";
    if (status_) {
        status_->start();
        std::cerr << "launcher: status on " << vm_.status_socket << "\n";
    }
    if (telnet_unix_) {
        telnet_unix_->start();
        std::cerr << "launcher: serial console on telnet unix:" << vm_.telnet_socket << "\n";
    }
    // passt starts with QEMU, once it is known whether a hibernated guest resumes.
    if (passt_) paths.passt_socket = passt_->socket_path();
    wait_signal();
    open_recording();
    pinger_.start();
    cold_argv_ = build_qemu_argv(vm_, paths);
    hibernate_ = resolve_hibernate(vm_);
    std::cerr << "launcher: hibernate on SIGTERM: " << (hibernate_.on ? "on" : "off") << " ("
              << hibernate_.why << ")\n";
    if (vm_.drive.empty()) {
        start_qemu();
    } else {
        // One VM per disk: wait while another launcher or QEMU has it.
        lock_ = std::make_unique<disk_lock>(io_, vm_.drive);
        lock_->acquire(std::bind_front(&supervisor::start_qemu, this));
    }
    io_.run();
    recording_.reset();
    mirror_->close();
    std::cerr << "launcher: exiting with status " << exit_code_ << " (launcher CPU "
              << cpu_milliseconds() << " ms)\n";
    return exit_code_;
}

void supervisor::start_qemu() {
    const auto argv = plan_boot(cold_argv_);
    if (passt_) {
        lease_given_ = lease_to_give();
        passt_->start(telnet_->port(), lease_given_);
    }
    qemu_started_ = std::chrono::steady_clock::now();
    qemu_.emplace(argv, qemu_environment(environ, vm_.qemu_env),
                  child_stdio{-1, -1, "launcher: cannot execute QEMU\n"});
    guest_started_ = !loader_;
    guest_start_ = !loader_ ? "cold" : hibernated_.resume ? "hibernate" : "warm";
    mark(guest_start_ == "cold"   ? "start: cold boot"
         : guest_start_ == "warm" ? "start: resuming the data image's snapshot"
                                  : "start: resuming the hibernated guest");
    std::cerr << "launcher: QEMU started (pid " << qemu_->pid() << ")\n";
}

std::vector<std::string> supervisor::plan_boot(const std::vector<std::string>& cold_argv) {
    if (!vm_.save_snapshot.empty()) {
        saver_ = std::make_unique<snapshot_saver>(io_, read_recipe(vm_.save_snapshot), *qmp_,
                                                  std::bind_front(&supervisor::stop_qemu, this),
                                                  std::bind_front(&supervisor::flush_guest, this));
        saver_->start();
        std::cerr << "launcher: cold boot to save a snapshot at '" << saver_->recipe().ready_pattern
                  << "'\n";
        return cold_argv;
    }
    // A state hibernated by the last stop wins over the image's snapshot.
    if (auto argv = plan_hibernate_boot(cold_argv)) return *argv;
    warm_ = plan_warm_start(vm_, cold_argv);
    if (!warm_.resume) {
        std::cerr << "launcher: cold boot: " << warm_.reason << "\n";
        if (!vm_.hostname.empty() && (vm_.kernel.empty() || vm_.kernel == default_kernel)) {
            std::cerr << "launcher: VM_HOSTNAME=" << vm_.hostname
                      << " reaches no kernel command line (VM_KERNEL is U-Boot or empty: the "
                         "disk's own boot configuration starts Linux): the guest keeps the name "
                         "it gives itself\n";
        }
        return cold_argv;
    }
    std::cerr << "launcher: warm start: resuming snapshot '" << warm_.manifest.snapshot << "' of "
              << warm_.manifest.saved_at << " (" << warm_.state_bytes / (1024 * 1024)
              << " MiB of VM state)\n";
    loader_ = std::make_unique<snapshot_loader>(
        *qmp_, warm_.manifest.snapshot, std::bind_front(&supervisor::on_resumed, this),
        std::bind_front(&supervisor::on_resume_failed, this));
    if (warm_.rearm_timers) {
        std::cerr << "launcher: warm start: " << warm_.manifest.machine.qemu_version
                  << " leaves the RISC-V timers out of snapshots (fixed in QEMU 10.2): each "
                     "CPU's timer is armed again through QEMU's gdbstub after the load\n";
        rearmer_ = std::make_unique<timer_rearmer>(io_, *qmp_, dir_.path("gdb.sock"));
        loader_->before_running(std::bind_front(&supervisor::rearm_timers, this));
    }
    return paused_for_resume(cold_argv);
}

void supervisor::rearm_timers(std::function<void()> then) {
    rearmer_->start(std::move(then));
}

// Freezing a filesystem writes everything it holds to the disk; it is thawed
// at once, before the snapshot, so the saved guest runs on normally.
void supervisor::flush_guest(std::function<void()> then) {
    agent_commands_.add_once(fsfreeze_command(true), "filesystems written to the disk (frozen)",
                             "guest-fsfreeze-freeze");
    agent_commands_.add_once(fsfreeze_command(false), "filesystems thawed", "guest-fsfreeze-thaw");
    agent_commands_.after_exchange(std::move(then));
    agent_commands_.start();
}

void supervisor::on_resume_failed(const std::string& reason) {
    guest_started_ = true;
    warm_.resume = false;
    guest_start_ = "cold";
    mark("start: cold boot (the snapshot did not load)");
    std::cerr << "launcher: cold boot: QEMU could not load snapshot '" << warm_.manifest.snapshot
              << "' (" << reason << "): the machine was reset and boots from scratch\n";
}

// The guest runs from the snapshot: show its screen, give it the present time,
// fresh entropy and its resume hook, then root's credentials as after a cold boot.
void supervisor::on_resumed() {
    guest_started_ = true;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started_;
    const warm_manifest& manifest = warm_.manifest;
    std::ifstream screen(std::filesystem::path(vm_.data_dir) / screen_name, std::ios::binary);
    hub_.publish(resume_banner(manifest, took.count()) +
                 std::string(std::istreambuf_iterator<char>(screen), {}));
    // The snapshot was taken at the guest's ready point.
    readiness_.mark_ready("the guest resumed from the data image's snapshot");
    note_ready();
    mark("resumed: the data image's snapshot");
    std::cerr << "launcher: warm start: resumed in " << static_cast<int>(took.count() * 10) / 10.0
              << " s\n";
    const auto now = std::chrono::system_clock::now();
    const std::string line = console_line(manifest.recipe, vm_.hostname, now, random_machine_id());
    if (!line.empty()) hub_.type(line);
    const bool names_guest = manifest.agent ? !manifest.recipe.resume_agent_script.empty()
                                            : !manifest.recipe.resume_hostname.empty();
    if (!vm_.hostname.empty() && !names_guest) {
        std::cerr << "launcher: warm start: the image gives no step to set VM_HOSTNAME="
                  << vm_.hostname << " after a resume ("
                  << (manifest.agent ? "RESUME_AGENT_SCRIPT" : "RESUME_HOSTNAME")
                  << " in its snapshot.conf): the guest keeps the snapshot's name\n";
    }
    if (!manifest.agent) return;
    qmp_->assume_agent_running();
    agent_commands_.add_once(set_time_command(now), "clock set to the host's", "guest-set-time");
    if (!manifest.recipe.resume_agent_script.empty()) {
        std::ifstream hook(std::filesystem::path(vm_.data_dir) /
                           manifest.recipe.resume_agent_script);
        const std::string script(std::istreambuf_iterator<char>(hook), {});
        const std::vector<std::string> args{vm_.hostname};
        agent_commands_.add_once(exec_script_command(script, host_entropy(64), args),
                                 "resume hook " + manifest.recipe.resume_agent_script + " started",
                                 "resume hook");
    }
    agent_commands_.start();
}

void supervisor::wait_signal() {
    signals_.async_wait(std::bind_front(&supervisor::on_signal, this));
}

void supervisor::on_signal(boost::system::error_code ec, int signal_number) {
    if (ec) return;
    if (signal_number == SIGCHLD) {
        on_child_exit();
    } else if (!shutting_down_) {
        std::cerr << "launcher: " << ::strsignal(signal_number) << ": shutting the guest down\n";
        begin_shutdown();
    } else if (hibernator_ && hibernator_->saving()) {
        // Cut short, the save would be lost; it has its own limit.
        std::cerr << "launcher: second signal: the save goes on (at most " << vm_.shutdown_timeout_s
                  << " s, VM_SHUTDOWN_TIMEOUT)\n";
    } else {
        std::cerr << "launcher: second signal: stopping QEMU now\n";
        stop_qemu();
    }
    wait_signal();
}

void supervisor::on_ping(bool answering) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(pinger_.timeout());
    readiness_.set_agent_silent(!answering, answering
                                                ? "the guest agent answers its ping"
                                                : "the guest agent did not answer its ping in " +
                                                      std::to_string(seconds.count()) + " s");
}

void supervisor::on_child_exit() {
    if (const auto status = qemu_ ? qemu_->poll() : std::nullopt) {
        const std::string what = "QEMU " + describe_wait_status(*status);
        if (!shutting_down_ && *status != 0) {
            std::cerr << "launcher: " << what << " on its own\n";
        } else {
            std::cerr << "launcher: " << what << "\n";
        }
        finish(*status);
    }
    if (const auto status = passt_ ? passt_->poll() : std::nullopt) on_passt_exit(*status);
}

// passt ends with QEMU (--one-off). On its own while the guest boots (its
// sandbox refused, say), the start failed: nothing in the guest is worth
// keeping yet, and a guest reported ready without its network would hide it.
// Later, stopping would lose the guest's work: it runs on without a network.
void supervisor::on_passt_exit(int status) {
    const std::string what = "launcher: passt " + describe_wait_status(status);
    if (shutting_down_) {
        std::cerr << what << "\n";
    } else if (!readiness_.booted()) {
        std::cerr << what << " while the guest was booting: stopping QEMU (VM_NETWORK=passt)\n";
        start_failed_ = true;
        shutting_down_ = true;
        stop_consoles();
        stop_qemu();
    } else {
        std::cerr << what << ": the guest has no network any more\n";
    }
}

// Hibernate when it is on and possible; else the guest is powered off.
void supervisor::begin_shutdown() {
    shutting_down_ = true;
    pinger_.stop();
    stop_consoles();
    if (status_) status_->stop();
    if (!qemu_) {
        // Still waiting for the disk: nothing runs yet.
        lock_->cancel();
        std::cerr << "launcher: stopped before QEMU started\n";
        return finish(0);
    }
    if (hibernate_.on) {
        const std::string obstacle = hibernate_obstacle();
        if (obstacle.empty()) return hibernate();
        std::cerr << "launcher: hibernate: not possible (" << obstacle
                  << "): powering the guest off instead\n";
    }
    power_off();
}

// The guest agent, when the guest runs one, powers the guest off cleanly;
// without one nothing can ask the guest, so QEMU is stopped at once.
void supervisor::power_off() {
    if (!qmp_->agent_running()) {
        std::cerr << "launcher: no guest agent: stopping QEMU\n";
        return stop_qemu();
    }
    std::cerr << "launcher: asking the guest agent to power the guest off (up to "
              << vm_.shutdown_timeout_s << " s)\n";
    qmp_->request_guest_shutdown();
    timer_.expires_after(std::chrono::seconds(vm_.shutdown_timeout_s));
    timer_.async_wait(std::bind_front(&supervisor::on_shutdown_timeout, this));
}

void supervisor::on_shutdown_timeout(boost::system::error_code ec) {
    if (ec) return;
    std::cerr << "launcher: the guest did not power off in " << vm_.shutdown_timeout_s
              << " s: stopping QEMU\n";
    stop_qemu();
}

// QMP quit (or SIGTERM without QMP), then SIGKILL if QEMU lingers.
void supervisor::stop_qemu() {
    if (!qemu_) return finish(0);  // still waiting for the disk
    if (qmp_->monitor_ready()) {
        qmp_->quit();
    } else {
        qemu_->signal(SIGTERM);
    }
    timer_.expires_after(quit_grace);
    timer_.async_wait(std::bind_front(&supervisor::on_quit_grace, this));
}

void supervisor::on_quit_grace(boost::system::error_code ec) {
    if (!ec) qemu_->signal(SIGKILL);
}

void supervisor::stop_consoles() {
    telnet_->stop();
    if (telnet_unix_) telnet_unix_->stop();
    if (recording_server_) recording_server_->stop();
}

// QEMU is gone: let the last serial bytes through, then end the run.
void supervisor::finish(int status) {
    const bool died = WIFSIGNALED(status) && !shutting_down_;
    exit_code_ = exit_code_for(status);
    if (died && exit_code_ == 0) exit_code_ = 1;
    if (saver_ && !saver_->finish(vm_, cold_argv_, status)) exit_code_ = 1;
    if (hibernate_saved_) keep_hibernated_state(status);
    if (start_failed_) exit_code_ = 1;
    shutting_down_ = true;
    pinger_.stop();
    stop_consoles();
    if (status_) status_->stop();
    if (passt_) passt_->stop();
    timer_.expires_after(drain_time);
    timer_.async_wait(std::bind_front(&supervisor::on_drained, this));
}

void supervisor::on_drained(boost::system::error_code) {
    io_.stop();
}

}  // namespace launcher
