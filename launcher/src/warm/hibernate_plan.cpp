// Hibernate at start: VM_HIBERNATE resolved, and resume or discard the saved state.
#include "warm/hibernate_plan.hpp"

#include "warm/qcow2_file.hpp"

#include <fcntl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace launcher {
namespace {

namespace fs = std::filesystem;

constexpr long tmpfs_magic = 0x01021994;
constexpr long ramfs_magic = 0x858458f6;

// Whether `dir` is `top` or below it (both made absolute and normal).
bool below(const fs::path& dir, const std::string& top) {
    if (top.empty()) return false;
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(top, ec);
    if (ec) return false;
    const auto rel = dir.lexically_relative(base);
    return !rel.empty() && *rel.begin() != "..";
}

// Why the data folder is gone in practice after this process (a reboot clears
// it, or it was made for one run); empty when it is a folder that stays.
std::string temporary_folder(const std::string& data_dir, const std::string& tmpdir) {
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(data_dir, ec);
    for (const std::string& top : {std::string("/tmp"), std::string("/var/tmp"),
                                   std::string("/dev/shm"), std::string("/run"), tmpdir}) {
        if (below(dir, top)) return "the data folder " + dir.string() + " is below " + top;
    }
    struct statfs info {};
    if (::statfs(data_dir.c_str(), &info) == 0 && (static_cast<long>(info.f_type) == tmpfs_magic ||
                                                   static_cast<long>(info.f_type) == ramfs_magic))
        return "the data folder " + dir.string() + " is in memory (tmpfs)";
    return {};
}

void sync_path(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Whether the drive is qcow2 and holds the hibernate snapshot (a save that
// ended before its manifest leaves one behind).
bool drive_holds_snapshot(const std::string& drive) {
    if (drive.empty()) return false;
    try {
        const auto disk = read_qcow2(drive);
        return disk && disk->find(hibernate_snapshot) != nullptr;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

hibernate_choice resolve_hibernate(const vm_settings& vm, bool in_pod, const std::string& tmpdir) {
    switch (vm.hibernate) {
        case hibernate_mode::on:
            return {true, "VM_HIBERNATE=on"};
        case hibernate_mode::off:
            return {false, "VM_HIBERNATE=off"};
        case hibernate_mode::automatic:
            break;
    }
    if (in_pod)
        return {false,
                "VM_HIBERNATE=auto in a Kubernetes pod (KUBERNETES_SERVICE_HOST is set): "
                "the chart sets on where the data folder is a volume claim"};
    const std::string temporary = temporary_folder(vm.data_dir, tmpdir);
    if (!temporary.empty()) return {false, "VM_HIBERNATE=auto and " + temporary};
    return {true,
            "VM_HIBERNATE=auto and the data folder " + vm.data_dir + " outlives this process"};
}

hibernate_choice resolve_hibernate(const vm_settings& vm) {
    const char* pod = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* tmpdir = std::getenv("TMPDIR");
    return resolve_hibernate(vm, pod != nullptr && *pod != '\0', tmpdir == nullptr ? "" : tmpdir);
}

hibernate_plan plan_hibernate(const vm_settings& vm, const std::vector<std::string>& argv,
                              bool hibernate_on) {
    hibernate_plan plan;
    const fs::path manifest = fs::path(vm.data_dir) / hibernate_manifest_name;
    plan.delete_snapshot = drive_holds_snapshot(vm.drive);
    if (!fs::exists(manifest)) {
        if (plan.delete_snapshot)
            plan.discard_reason = vm.drive + " holds snapshot '" + hibernate_snapshot +
                                  "' without " + manifest.string() + " (a save that did not end)";
        return plan;
    }
    if (!hibernate_on) {
        plan.discard_reason = "VM_HIBERNATE is off";
        return plan;
    }
    try {
        plan.saved.manifest = read_manifest(manifest.string());
        if (plan.saved.manifest.snapshot != hibernate_snapshot)
            throw std::runtime_error(manifest.string() + " names snapshot '" +
                                     plan.saved.manifest.snapshot + "'");
        plan.discard_reason = snapshot_mismatch(plan.saved, vm, argv);
    } catch (const std::exception& e) {
        plan.discard_reason = e.what();
    }
    plan.resume = plan.discard_reason.empty();
    plan.saved.resume = plan.resume;
    plan.saved.rearm_timers =
        plan.resume && !snapshot_keeps_timers(plan.saved.manifest.machine.qemu_version);
    return plan;
}

void consume_hibernate_manifest(const std::string& data_dir) {
    const fs::path dir = data_dir;
    std::error_code ignored;
    fs::remove(dir / hibernate_manifest_name, ignored);
    fs::remove(dir / hibernate_screen_name, ignored);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
}

void write_hibernate_manifest(const std::string& data_dir, const warm_manifest& manifest,
                              const std::string& screen) {
    const fs::path dir = data_dir;
    const fs::path screen_path = dir / hibernate_screen_name;
    std::ofstream(screen_path, std::ios::binary) << screen;
    sync_path(screen_path, O_RDONLY);
    const fs::path path = dir / hibernate_manifest_name;
    write_manifest(path.string(), manifest,
                   "# Written by the launcher on SIGTERM: the guest saved as snapshot "
                   "'hibernate' inside\n# its disk, and what the next start must match to "
                   "resume it (launcher/README.md,\n# \"Hibernate\"). Used once.\n");
    sync_path(path, O_RDONLY);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
}

long seconds_since(const std::string& saved_at) {
    std::tm parts{};
    if (::strptime(saved_at.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts) == nullptr) return 0;
    return static_cast<long>(std::time(nullptr) - ::timegm(&parts));
}

}  // namespace launcher
