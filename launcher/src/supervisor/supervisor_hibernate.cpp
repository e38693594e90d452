// The supervisor's hibernate steps: resume or discard at start, save at SIGTERM.
#include "qemu/qemu_argv.hpp"
#include "supervisor/supervisor.hpp"
#include "warm/qcow2_file.hpp"
#include "warm/warm_resume.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace launcher {
namespace {

namespace fs = std::filesystem;

// After a resume, through the guest agent: the network asked again (the pod,
// and with passt its address, may be new), as the images' resume hooks do.
constexpr const char* renew_network_script =
    "for link in /sys/class/net/*; do name=${link##*/}; [ \"$name\" = lo ] && continue; "
    "if command -v networkctl >/dev/null; then networkctl reconfigure \"$name\"; "
    "elif command -v udhcpc >/dev/null; then udhcpc -i \"$name\" -n -q; fi; done; true";

std::string one_decimal(double seconds) {
    const int tenths = static_cast<int>(seconds * 10);
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

std::string mebibytes(std::uint64_t bytes) {
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

}  // namespace

std::optional<std::vector<std::string>> supervisor::plan_hibernate_boot(
    const std::vector<std::string>& cold_argv) {
    hibernated_ = plan_hibernate(vm_, cold_argv, hibernate_.on);
    if (!hibernated_.resume) {
        if (hibernated_.discard_reason.empty()) return std::nullopt;
        consume_hibernate_manifest(vm_.data_dir);
        delete_stale_snapshot_ = hibernated_.delete_snapshot;
        std::cerr << "launcher: cold boot: the hibernated state is discarded: "
                  << hibernated_.discard_reason << "\n";
        return cold_argv;
    }
    // Used at most once: gone from the folder before QEMU even reads it, so a
    // crash from here on boots cold.
    std::ifstream screen(fs::path(vm_.data_dir) / hibernate_screen_name, std::ios::binary);
    hibernated_screen_.assign(std::istreambuf_iterator<char>(screen), {});
    consume_hibernate_manifest(vm_.data_dir);
    const warm_manifest& manifest = hibernated_.saved.manifest;
    std::cerr << "launcher: hibernate: resuming the guest saved at " << manifest.saved_at << " ("
              << mebibytes(hibernated_.saved.state_bytes) << " of VM state)\n";
    loader_ = std::make_unique<snapshot_loader>(
        *qmp_, hibernate_snapshot, std::bind_front(&supervisor::on_hibernate_resumed, this),
        std::bind_front(&supervisor::on_hibernate_resume_failed, this));
    if (hibernated_.saved.rearm_timers) {
        std::cerr << "launcher: hibernate: " << manifest.machine.qemu_version
                  << " leaves the RISC-V timers out of snapshots (fixed in QEMU 10.2): each "
                     "CPU's timer is armed again through QEMU's gdbstub after the load\n";
        rearmer_ = std::make_unique<timer_rearmer>(io_, *qmp_, dir_.path("gdb.sock"), "hibernate",
                                                   "VM_HIBERNATE");
    }
    loader_->before_running(std::bind_front(&supervisor::before_hibernated_run, this));
    return paused_for_resume(cold_argv);
}

// Loaded, still paused: the snapshot leaves the disk before the guest runs.
void supervisor::before_hibernated_run(std::function<void()> run) {
    if (!rearmer_) return delete_hibernate_snapshot(std::move(run));
    delete_hibernate_snapshot(std::bind_front(&supervisor::rearm_timers, this, std::move(run)));
}

void supervisor::delete_hibernate_snapshot(std::function<void()> then) {
    qmp_->human_command(
        std::string("delvm ") + hibernate_snapshot,
        std::bind_front(&supervisor::on_hibernate_snapshot_deleted, this, std::move(then)));
}

void supervisor::on_hibernate_snapshot_deleted(const std::function<void()>& then,
                                               const std::string& output) {
    const std::string problem = loadvm_failure(output);
    if (!problem.empty()) {
        std::cerr << "launcher: hibernate: snapshot '" << hibernate_snapshot << "' stays in "
                  << vm_.drive << " (" << problem
                  << "); without its manifest it is never resumed\n";
    }
    if (then) then();
}

// The guest runs on from where it was stopped: its console as it was, the
// present time and the network through its agent, or a word on the clock.
void supervisor::on_hibernate_resumed() {
    guest_started_ = true;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started_;
    const warm_manifest& manifest = hibernated_.saved.manifest;
    const long away = seconds_since(manifest.saved_at);
    hub_.publish("\r\n[launcher: hibernate: the guest resumed in " + one_decimal(took.count()) +
                 " s, as it was at " + manifest.saved_at + "; its console then:]\r\n" +
                 hibernated_screen_);
    readiness_.mark_ready("the guest resumed from its hibernated state");
    note_ready();
    mark("resumed: hibernated at " + manifest.saved_at + ", in " + one_decimal(took.count()) +
         " s");
    std::cerr << "launcher: hibernate: resumed in " << one_decimal(took.count()) << " s (saved "
              << away << " s before)\n";
    if (passt_) announce_guest();
    if (!manifest.agent) {
        std::cerr << "launcher: hibernate: the guest has no guest agent: its clock is about "
                  << away << " s behind until the guest sets it"
                  << (lease_given_ ? "; it keeps its address, which passt gives it again\n" : "\n");
        return;
    }
    qmp_->assume_agent_running();
    agent_commands_.add_once(set_time_command(std::chrono::system_clock::now()),
                             "clock set to the host's", "guest-set-time");
    agent_commands_.add_once(exec_script_command(renew_network_script, ""), "network asked again",
                             "network");
    agent_commands_.start();
}

// A new passt learns the guest's MAC from the frames the guest sends, and a
// resumed guest that is idle sends none, so a connection from outside may
// find it unreachable until it does. QEMU's announce-self sends frames from
// the guest's NIC at once, as QEMU does after a migration.
void supervisor::announce_guest() {
    qmp_->execute(
        "{\"execute\": \"announce-self\", \"arguments\": "
        "{\"initial\": 50, \"max\": 550, \"rounds\": 5, \"step\": 100}}\n",
        [](std::string_view reply) {
            if (reply.find("\"error\"") != std::string_view::npos)
                std::cerr << "launcher: hibernate: QEMU's announce-self failed: " << reply << "\n";
        });
}

// A guest without an agent cannot be asked to take a new lease after its
// resume: passt hands it the one it holds (the pod's old address), and
// forwards this host's ports to it as before.
std::optional<dhcp_lease> supervisor::lease_to_give() const {
    const warm_manifest& manifest = hibernated_.saved.manifest;
    if (!hibernated_.resume || manifest.agent || manifest.lease.empty()) return std::nullopt;
    try {
        return parse_lease(manifest.lease);
    } catch (const std::invalid_argument& e) {
        std::cerr << "launcher: hibernate: LEASE='" << manifest.lease << "' in "
                  << hibernate_manifest_name << " left unused (" << e.what()
                  << "): passt gives the guest this host's address\n";
        return std::nullopt;
    }
}

void supervisor::on_hibernate_resume_failed(const std::string& reason) {
    guest_started_ = true;
    guest_start_ = "cold";
    mark("start: cold boot (the hibernated state did not load)");
    std::cerr << "launcher: cold boot: QEMU could not load the hibernated state (" << reason
              << "): discarded; the machine was reset and boots from scratch\n";
    delete_hibernate_snapshot({});
}

std::string supervisor::hibernate_obstacle() const {
    if (vm_.drive.empty()) return "no disk: VM_DRIVE is empty";
    if (detect_drive_format(vm_.drive) != "qcow2")
        return vm_.drive + " is raw: the state is saved inside a qcow2 disk";
    if (vm_.shutdown_timeout_s == 0) return "VM_SHUTDOWN_TIMEOUT=0 leaves no time to save";
    if (!qmp_->monitor_ready()) return "QEMU's monitor is not up yet";
    if (!guest_started_) return "the guest is still being resumed";
    return {};
}

void supervisor::hibernate() {
    agent_at_save_ = qmp_->agent_running();
    std::cerr << "launcher: hibernate: pausing the guest and saving it into " << vm_.drive
              << " (up to " << vm_.shutdown_timeout_s << " s, VM_SHUTDOWN_TIMEOUT)\n";
    hibernator_ =
        std::make_unique<hibernator>(io_, *qmp_, std::chrono::seconds(vm_.shutdown_timeout_s),
                                     std::bind_front(&supervisor::on_hibernated, this));
    hibernator_->start();
}

void supervisor::on_hibernated(hibernate_outcome outcome, const std::string& reason) {
    switch (outcome) {
        case hibernate_outcome::saved:
            // hibernate.conf is written once QEMU has closed the disk (finish()).
            hibernate_saved_ = true;
            saved_at_ = utc_now();
            return stop_qemu();
        case hibernate_outcome::failed:
            std::cerr << "launcher: hibernate: failed (" << reason
                      << "): the guest runs again and is powered off instead\n";
            return power_off();
        case hibernate_outcome::timed_out:
            // QEMU answers nothing while savevm runs: it can only be killed.
            std::cerr << "launcher: hibernate: " << reason
                      << ": QEMU killed, nothing saved; the disk keeps what the guest had written "
                         "and the next start boots cold\n";
            qemu_->signal(SIGKILL);
            return;
    }
}

void supervisor::keep_hibernated_state(int status) {
    const auto fail = [](const std::string& why) {
        std::cerr << "launcher: hibernate: " << why
                  << ": no state kept, the next start boots cold\n";
    };
    if (status != 0) return fail("QEMU " + describe_wait_status(status) + " after the save");
    warm_manifest manifest;
    manifest.snapshot = hibernate_snapshot;
    manifest.saved_at = saved_at_;
    manifest.disk = fs::path(vm_.drive).lexically_relative(vm_.data_dir).string();
    manifest.agent = agent_at_save_;
    if (const auto lease = passt_ ? passt_->lease() : std::nullopt)
        manifest.lease = lease_text(*lease);
    manifest.machine = record_machine(vm_, cold_argv_);
    try {
        // QEMU has flushed and closed the disk: its metadata now is the save's.
        const auto disk = read_qcow2(vm_.drive);
        const qcow2_snapshot* saved = disk ? disk->find(hibernate_snapshot) : nullptr;
        if (saved == nullptr) return fail(vm_.drive + " holds no snapshot after savevm");
        manifest.disk_fingerprint = disk->metadata_fingerprint;
        write_hibernate_manifest(
            vm_.data_dir, manifest,
            replayable_screen(hub_.history().contents(), hub_.history().capacity()));
        mark("hibernated: saved in " + one_decimal(hibernator_->seconds()) + " s");
        std::cerr << "launcher: hibernate: saved in " << one_decimal(hibernator_->seconds())
                  << " s (" << mebibytes(saved->vm_state_bytes) << " of VM state in " << vm_.drive
                  << "); the next start resumes it\n";
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

}  // namespace launcher
