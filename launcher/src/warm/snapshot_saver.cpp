// --save-snapshot: the ready point awaited, the guest flushed, savevm, the manifest written.
#include "warm/snapshot_saver.hpp"

#include "warm/qcow2_file.hpp"
#include "warm/warm_resume.hpp"
#include "warm/warm_start.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

namespace launcher {
namespace {

constexpr std::size_t tail_limit = 16 * 1024;
constexpr std::size_t screen_bytes = 2048;

}  // namespace

snapshot_saver::snapshot_saver(boost::asio::io_context& io, snapshot_recipe recipe, qmp_client& qmp,
                               std::function<void()> stop_qemu, flush_guest flush)
    : recipe_(std::move(recipe)),
      qmp_(qmp),
      stop_qemu_(std::move(stop_qemu)),
      flush_(std::move(flush)),
      quiet_(io),
      deadline_(io) {}

void snapshot_saver::start() {
    deadline_.expires_after(std::chrono::seconds(recipe_.timeout_seconds));
    deadline_.async_wait(std::bind_front(&snapshot_saver::on_deadline, this));
}

void snapshot_saver::on_deadline(boost::system::error_code ec) {
    if (!ec) {
        give_up("the ready point '" + recipe_.ready_pattern + "' did not come in " +
                std::to_string(recipe_.timeout_seconds) + " s");
    }
}

void snapshot_saver::on_output(std::string_view bytes) {
    if (saving_) return;
    tail_.append(bytes);
    if (tail_.size() > tail_limit) tail_.erase(0, tail_.size() - tail_limit);
    if (!ready_seen_ && tail_.find(recipe_.ready_pattern) != std::string::npos) {
        ready_seen_ = true;
        std::cerr << "launcher: snapshot: ready point '" << recipe_.ready_pattern << "' seen\n";
    }
    // Every byte of output restarts the wait for a quiet console.
    if (ready_seen_) arm_quiet_timer();
}

void snapshot_saver::on_agent_open() {
    agent_open_ = true;
    if (ready_seen_ && !saving_) arm_quiet_timer();
}

void snapshot_saver::arm_quiet_timer() {
    quiet_.expires_after(std::chrono::seconds(recipe_.quiet_seconds));
    quiet_.async_wait(std::bind_front(&snapshot_saver::on_quiet, this));
}

void snapshot_saver::on_quiet(boost::system::error_code ec) {
    if (ec || saving_) return;
    if (recipe_.wait_agent && !agent_open_) return;  // on_agent_open() re-arms
    if (!recipe_.wait_agent) return save();
    saving_ = true;  // no more quiet timers
    flush_(std::bind_front(&snapshot_saver::save, this));
}

void snapshot_saver::save() {
    saving_ = true;
    save_started_ = std::chrono::steady_clock::now();
    std::cerr << "launcher: snapshot: saving the VM\n";
    qmp_.human_command("savevm warm", std::bind_front(&snapshot_saver::on_saved, this));
}

void snapshot_saver::on_saved(const std::string& problem) {
    if (!problem.empty()) return give_up("savevm failed: " + problem);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - save_started_;
    std::cerr << "launcher: snapshot: saved in " << static_cast<int>(took.count() * 10) / 10.0
              << " s\n";
    saved_ = true;
    deadline_.cancel();
    stop_qemu_();
}

void snapshot_saver::give_up(const std::string& why) {
    std::cerr << "launcher: snapshot: " << why << "\n";
    saving_ = true;
    quiet_.cancel();
    stop_qemu_();
}

std::string snapshot_saver::screen() const {
    return replayable_screen(tail_, screen_bytes);
}

bool snapshot_saver::finish(const vm_settings& vm, const std::vector<std::string>& cold_argv,
                            int status) {
    if (!saved_ || status != 0) {
        std::cerr << "launcher: snapshot: none written\n";
        return false;
    }
    namespace fs = std::filesystem;
    warm_manifest manifest;
    manifest.saved_at = utc_now();
    manifest.disk = fs::path(vm.drive).lexically_relative(vm.data_dir).string();
    manifest.agent = agent_open_;
    manifest.recipe = recipe_;
    manifest.machine = record_machine(vm, cold_argv);
    // QEMU has flushed and closed the disk: its metadata now is the snapshot's.
    const auto disk = read_qcow2(vm.drive);
    if (!disk || disk->find(manifest.snapshot) == nullptr) {
        std::cerr << "launcher: snapshot: " << vm.drive << " holds no snapshot after savevm\n";
        return false;
    }
    manifest.disk_fingerprint = disk->metadata_fingerprint;
    const fs::path data_dir = vm.data_dir;
    std::ofstream(data_dir / screen_name, std::ios::binary) << screen();
    // The resume hook travels in the data directory, beside the manifest.
    if (!recipe_.resume_agent_script.empty()) {
        fs::copy_file(recipe_.resume_agent_script, data_dir / hook_name,
                      fs::copy_options::overwrite_existing);
        manifest.recipe.resume_agent_script = hook_name;
    }
    write_manifest((data_dir / manifest_name).string(), manifest);
    std::cerr << "launcher: snapshot: " << (data_dir / manifest_name).string() << " written ("
              << disk->find(manifest.snapshot)->vm_state_bytes / (1024 * 1024)
              << " MiB of VM state in " << vm.drive << ")\n";
    return true;
}

}  // namespace launcher
