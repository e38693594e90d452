#pragma once
// `launcher --save-snapshot`: boots cold, waits for the image's ready point
// (its console text, a quiet console, the guest agent if asked; then the
// agent flushes the guest's filesystems to its disk), saves the VM
// into its qcow2 disk (savevm over QMP) and has QEMU quit; once QEMU is gone
// the supervisor writes the manifest with what the snapshot needs to match.
#include "asio.hpp"
#include "qemu/qmp_client.hpp"
#include "settings/settings.hpp"
#include "warm/warm_manifest.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace launcher {

class snapshot_saver {
public:
    // Runs its argument once the guest's filesystems are on its disk.
    using flush_guest = std::function<void(std::function<void()> then)>;

    // `stop_qemu` is called when the snapshot is saved, or when saving failed.
    // `flush` (WAIT_AGENT=yes) runs before the save: the disk in the image is
    // then what the guest wrote, not a crash image, for a copy that boots cold.
    snapshot_saver(boost::asio::io_context& io, snapshot_recipe recipe, qmp_client& qmp,
                   std::function<void()> stop_qemu, flush_guest flush);

    // Starts the overall timeout.
    void start();
    // Guest output from the serial line.
    void on_output(std::string_view bytes);
    // The guest agent's port opened.
    void on_agent_open();

    const snapshot_recipe& recipe() const { return recipe_; }
    // QEMU has exited: writes warm-start.conf and warm-start.screen into the
    // data directory when the snapshot was saved; false (logged) otherwise.
    bool finish(const vm_settings& vm, const std::vector<std::string>& cold_argv, int status);

private:
    // The end of the console output at the snapshot, replayed after a resume.
    std::string screen() const;
    void on_deadline(boost::system::error_code ec);
    void arm_quiet_timer();
    void on_quiet(boost::system::error_code ec);
    void save();
    void on_saved(const std::string& problem);
    void give_up(const std::string& why);

    snapshot_recipe recipe_;
    qmp_client& qmp_;
    std::function<void()> stop_qemu_;
    flush_guest flush_;
    boost::asio::steady_timer quiet_;
    boost::asio::steady_timer deadline_;
    std::string tail_;  // the last console output, raw
    bool ready_seen_ = false;
    bool agent_open_ = false;
    bool saving_ = false;
    bool saved_ = false;
    std::chrono::steady_clock::time_point save_started_;
};

}  // namespace launcher
