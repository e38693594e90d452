#pragma once
// One VM run: listens for the serial line, QMP and guest agent, serves the
// console over telnet, starts QEMU, hands root's credentials to the guest
// agent, follows the guest's readiness, and turns SIGTERM into a guest shutdown
// or, with hibernate on, a save that the next start resumes.
#include "agent/agent_commands.hpp"
#include "agent/agent_pinger.hpp"
#include "asio.hpp"
#include "health/process_stats.hpp"
#include "health/readiness.hpp"
#include "health/status_server.hpp"
#include "process/child_process.hpp"
#include "qemu/disk_lock.hpp"
#include "qemu/passt_process.hpp"
#include "qemu/qmp_client.hpp"
#include "qemu/run_directory.hpp"
#include "qemu/unix_channel.hpp"
#include "relay/console_hub.hpp"
#include "relay/console_recording.hpp"
#include "relay/recording_server.hpp"
#include "relay/stdout_mirror.hpp"
#include "relay/telnet_server.hpp"
#include "settings/settings.hpp"
#include "warm/hibernate_plan.hpp"
#include "warm/hibernator.hpp"
#include "warm/snapshot_loader.hpp"
#include "warm/snapshot_saver.hpp"
#include "warm/timer_rearmer.hpp"
#include "warm/warm_start.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

class supervisor {
public:
    // Binds every socket; throws naming the setting when one cannot be bound.
    explicit supervisor(const vm_settings& vm);

    // Starts QEMU and runs until it has exited; returns the launcher's exit code.
    int run();

private:
    // The hub's output mirror and keyboard.
    void mirror(std::string_view bytes);
    void type(std::string_view keys);
    // The console's recording (VM_RECORDING_MAX), and a marker in it.
    void open_recording();
    void mark(const std::string& label);
    // What the serial line, QMP and the guest agent report.
    void on_serial(std::string_view bytes);
    void on_agent_open();
    void on_agent_data(std::string_view bytes);
    void on_agent_close();
    void on_qmp_event(const std::string& event);
    void on_qmp_ready();
    // Whether the agent may be pinged now; the status socket's reply.
    bool may_ping() const;
    std::string status_reply() const;
    // After a ready signal: the first one fixes guest_start_seconds.
    void note_ready();
    // The disk is this launcher's (disk_lock): QEMU starts.
    void start_qemu();
    void wait_signal();
    void on_signal(boost::system::error_code ec, int signal_number);
    // The argv QEMU gets: cold, paused for a resume (-S) or cold to save a snapshot.
    std::vector<std::string> plan_boot(const std::vector<std::string>& cold_argv);
    // The snapshot is loaded and the guest runs again.
    void on_resumed();
    // Hibernate at start: the argv of a resume, or of a cold boot that discards
    // the saved state; nullopt when there is none (warm start decides).
    std::optional<std::vector<std::string>> plan_hibernate_boot(
        const std::vector<std::string>& cold_argv);
    void on_hibernate_resumed();
    // Frames from the guest's NIC, so that a new passt learns where the guest is.
    void announce_guest();
    // The address passt gives a resuming guest without an agent: the one it holds.
    std::optional<dhcp_lease> lease_to_give() const;
    void on_hibernate_resume_failed(const std::string& reason);
    // Between the load and cont: delvm hibernate, then the timers, then `run`.
    void before_hibernated_run(std::function<void()> run);
    // delvm hibernate, then `then` (may be empty).
    void delete_hibernate_snapshot(std::function<void()> then);
    void on_hibernate_snapshot_deleted(const std::function<void()>& then,
                                       const std::string& output);
    // Hibernate at SIGTERM: why it cannot be tried (empty when it can).
    std::string hibernate_obstacle() const;
    void hibernate();
    void on_hibernated(hibernate_outcome outcome, const std::string& reason);
    // QEMU has closed the disk after the save: hibernate.conf is written.
    void keep_hibernated_state(int status);
    // Before a snapshot: the guest agent writes the guest's filesystems to its disk.
    void flush_guest(std::function<void()> then);
    // QEMU could not load the snapshot: the machine was reset and boots cold.
    void on_resume_failed(const std::string& reason);
    // Before the resumed guest runs: its CPUs' timers armed again, then `then`.
    void rearm_timers(std::function<void()> then);
    // The agent's ping: answered, or left unanswered.
    void on_ping(bool answering);
    void on_child_exit();
    void on_passt_exit(int status);
    void begin_shutdown();
    void on_shutdown_timeout(boost::system::error_code ec);
    // The guest agent powers the guest off; without one QEMU is stopped.
    void power_off();
    void stop_qemu();
    void on_quit_grace(boost::system::error_code ec);
    void stop_consoles();
    void finish(int status);
    void on_drained(boost::system::error_code ec);

    const vm_settings& vm_;
    boost::asio::io_context io_{1};
    boost::asio::signal_set signals_;
    boost::asio::steady_timer timer_;
    run_directory dir_;
    std::shared_ptr<stdout_mirror> mirror_;
    console_hub hub_;
    std::shared_ptr<unix_channel> serial_;
    std::shared_ptr<unix_channel> monitor_;
    std::shared_ptr<unix_channel> agent_;
    std::unique_ptr<qmp_client> qmp_;
    agent_commands agent_commands_;
    readiness readiness_;
    agent_pinger pinger_;
    std::shared_ptr<status_server> status_;  // null without VM_STATUS_SOCKET
    std::shared_ptr<telnet_server> telnet_;
    std::shared_ptr<telnet_server> telnet_unix_;  // VM_TELNET_SOCKET, when set
    std::unique_ptr<passt_process> passt_;        // VM_NETWORK=passt only
    std::optional<child_process> qemu_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point qemu_started_;
    std::string guest_start_;                    // cold, warm or hibernate, once QEMU starts
    std::optional<double> guest_start_seconds_;  // QEMU's start to the first ready
    std::vector<std::string> cold_argv_;
    warm_plan warm_;
    std::unique_ptr<snapshot_loader> loader_;  // a warm start only
    std::unique_ptr<timer_rearmer> rearmer_;   // a warm start on QEMU before 10.2 only
    std::unique_ptr<snapshot_saver> saver_;
    std::unique_ptr<disk_lock> lock_;  // a run with a disk only
    hibernate_choice hibernate_;
    hibernate_plan hibernated_;                           // the saved state found at start
    std::string hibernated_screen_;                       // its console, replayed after the resume
    bool delete_stale_snapshot_ = false;                  // discarded: delvm once QMP is up
    std::unique_ptr<hibernator> hibernator_;              // SIGTERM with hibernate on
    std::unique_ptr<console_recording> recording_;        // none with VM_RECORDING_MAX=0
    std::shared_ptr<recording_server> recording_server_;  // VM_RECORDING_SOCKET, with a recording
    bool hibernate_saved_ = false;                        // savevm hibernate succeeded
    bool agent_at_save_ = false;
    std::optional<dhcp_lease> lease_given_;  // passt's lease for a resuming guest
    std::string saved_at_;
    bool guest_started_ = false;  // running, not paused for a load
    bool shutting_down_ = false;
    bool start_failed_ = false;  // passt died before the guest was up: exit non-zero
    int exit_code_ = 1;
};

}  // namespace launcher
