#pragma once
// A warm start's resume: QEMU starts paused (-S), the launcher loads the
// snapshot over QMP (loadvm) and lets the guest run. When QEMU cannot load it
// (a damaged snapshot, a missing tag, QEMU refusing the state) the machine is
// reset and started instead: a cold boot in the same run, with QEMU's reason.
#include "qemu/qmp_client.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// The cold-boot argv of a run that resumes: QEMU waits, paused, for the loader.
std::vector<std::string> paused_for_resume(std::vector<std::string> argv);

// The one line of a monitor command's output that says why it failed, e.g.
// "Not a migration stream; Error -22 while loading VM state"; empty when it did not.
std::string loadvm_failure(const std::string& output);

class snapshot_loader {
public:
    using resumed_handler = std::function<void()>;
    using cold_handler = std::function<void(const std::string& reason)>;

    snapshot_loader(qmp_client& qmp, std::string snapshot, resumed_handler on_resumed,
                    cold_handler on_cold);

    // A step between a successful loadvm and the cont; it calls `run` when done.
    using loaded_step = std::function<void(std::function<void()> run)>;
    void before_running(loaded_step step) { before_running_ = std::move(step); }

    // QMP is ready: loadvm, then cont; or system_reset, then cont.
    void start();

private:
    void on_loaded(const std::string& output);
    void resume();
    void on_reset(const std::string& reason, std::string_view reply);
    void run_guest(const std::function<void()>& then);

    qmp_client& qmp_;
    std::string snapshot_;
    resumed_handler on_resumed_;
    cold_handler on_cold_;
    loaded_step before_running_;
};

}  // namespace launcher
