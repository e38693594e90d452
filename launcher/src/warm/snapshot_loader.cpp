// A warm start's resume: loadvm over QMP, then cont, or a reset and a cold boot.
#include "warm/snapshot_loader.hpp"

#include <functional>
#include <sstream>

namespace launcher {

std::vector<std::string> paused_for_resume(std::vector<std::string> argv) {
    argv.emplace_back("-S");
    return argv;
}

std::string loadvm_failure(const std::string& output) {
    // HMP's loadvm ends a failure with "Error: ..."; other lines (QEMU's own
    // error reports before it, or warnings on success) are its details.
    if (output.find("Error: ") == std::string::npos) return {};
    std::istringstream lines(output);
    std::string reason;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("Error: ", 0) == 0) line.erase(0, 7);
        if (!line.empty()) reason += (reason.empty() ? "" : "; ") + line;
    }
    return reason;
}

snapshot_loader::snapshot_loader(qmp_client& qmp, std::string snapshot, resumed_handler on_resumed,
                                 cold_handler on_cold)
    : qmp_(qmp),
      snapshot_(std::move(snapshot)),
      on_resumed_(std::move(on_resumed)),
      on_cold_(std::move(on_cold)) {}

void snapshot_loader::start() {
    qmp_.human_command("loadvm " + snapshot_, std::bind_front(&snapshot_loader::on_loaded, this));
}

void snapshot_loader::on_loaded(const std::string& output) {
    const std::string reason = loadvm_failure(output);
    if (reason.empty()) {
        if (!before_running_) return run_guest(on_resumed_);
        return before_running_(std::bind_front(&snapshot_loader::resume, this));
    }
    // A failed load may have left part of the state in the machine: a reset
    // puts back the firmware, kernel and initrd and every device, as at power-on.
    qmp_.execute("{\"execute\": \"system_reset\"}\n",
                 std::bind_front(&snapshot_loader::on_reset, this, reason));
}

void snapshot_loader::resume() {
    run_guest(on_resumed_);
}

void snapshot_loader::on_reset(const std::string& reason, std::string_view) {
    run_guest(std::bind_front(on_cold_, reason));
}

void snapshot_loader::run_guest(const std::function<void()>& then) {
    qmp_.execute("{\"execute\": \"cont\"}\n", [then](std::string_view) { then(); });
}

}  // namespace launcher
