// The warm-start decision: resume the snapshot, or boot cold and say why.
#include "warm/warm_start.hpp"

#include "settings/conf_file.hpp"
#include "settings/qemu_probe.hpp"
#include "warm/fingerprint.hpp"
#include "warm/qcow2_file.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>

namespace launcher {
namespace {

namespace fs = std::filesystem;

// The value after `flag` in argv, or empty.
std::string value_of(const std::vector<std::string>& argv, const std::string& flag) {
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] == flag) return argv[i + 1];
    }
    return {};
}

// The drivers of every -device and the type of every -netdev, in order: the
// guest-visible hardware and the network backends, whose state a snapshot
// holds too (user networking's slirp has its own, which passt's stream lacks).
std::string device_drivers(const std::vector<std::string>& argv) {
    std::string drivers;
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] != "-device" && argv[i] != "-netdev") continue;
        const std::string kind = argv[i] == "-netdev" ? "netdev:" : "";
        drivers +=
            (drivers.empty() ? "" : " ") + kind + argv[i + 1].substr(0, argv[i + 1].find(','));
    }
    return drivers;
}

std::string firmware_record(const std::string& bios) {
    return bios == "default" || bios == "none" ? bios : file_fingerprint(bios);
}

std::string optional_file_record(const std::string& path) {
    return path.empty() ? std::string{} : file_fingerprint(path);
}

std::string plural(int n, const std::string& unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string quote(const std::string& text) {
    return "'" + text + "'";
}

// The first difference between the saved record and this run, cheapest checks first.
std::string machine_mismatch(const machine_record& saved, const vm_settings& vm,
                             const std::vector<std::string>& argv) {
    if (saved.cpu_count != vm.cpu_count) {
        return "snapshot made with " + plural(saved.cpu_count, "CPU") + ", asked for " +
               std::to_string(vm.cpu_count);
    }
    if (saved.memory_mib != vm.memory_mib) {
        return "snapshot made with " + std::to_string(saved.memory_mib) +
               " MiB of memory, asked for " + std::to_string(vm.memory_mib);
    }
    const machine_record now = [&] {
        machine_record r;
        r.machine = value_of(argv, "-machine") + " " + value_of(argv, "-cpu");
        r.devices = device_drivers(argv);
        return r;
    }();
    if (saved.machine != now.machine) {
        return "snapshot made with machine " + quote(saved.machine) + ", asked for " +
               quote(now.machine);
    }
    if (saved.append != vm.append) {
        return "snapshot made with VM_APPEND=" + quote(saved.append) + ", asked for " +
               quote(vm.append);
    }
    if (saved.devices != now.devices) {
        return "snapshot made with devices " + quote(saved.devices) + ", this launcher has " +
               quote(now.devices);
    }
    const std::string version = query_qemu_version(vm.qemu);
    if (saved.qemu_version != version) {
        return "snapshot made by " + quote(saved.qemu_version) + ", " + vm.qemu + " is " +
               quote(version);
    }
    const struct {
        const char* key;
        const std::string& saved;
        std::function<std::string()> now;
    } files[] = {
        {"VM_BIOS", saved.bios,
         [&] {
             return firmware_record(vm.bios);
         }},
        {"VM_KERNEL", saved.kernel,
         [&] {
             return optional_file_record(vm.kernel);
         }},
        {"VM_INITRD", saved.initrd,
         [&] {
             return optional_file_record(vm.initrd);
         }},
    };
    for (const auto& file : files) {
        if (file.saved != file.now()) {
            return std::string("snapshot made with another ") + file.key + " (size:hash " +
                   quote(file.saved) + ", " + file.now() + " now)";
        }
    }
    return {};
}

// Whether the disk still holds the snapshot, untouched since the save.
std::string disk_mismatch(warm_plan& plan, const vm_settings& vm, const fs::path& data_dir) {
    const warm_manifest& m = plan.manifest;
    const std::string expected = (data_dir / m.disk).lexically_normal().string();
    if (vm.drive != expected) {
        return "the snapshot is in " + expected + ", VM_DRIVE is " + quote(vm.drive);
    }
    const auto disk = read_qcow2(vm.drive);
    if (!disk) return vm.drive + " is not qcow2 (a snapshot needs qcow2)";
    const qcow2_snapshot* snapshot = disk->find(m.snapshot);
    if (snapshot == nullptr) return vm.drive + " holds no snapshot " + quote(m.snapshot);
    if (disk->metadata_fingerprint != m.disk_fingerprint) {
        return vm.drive + " was written after the snapshot (resuming would roll it back)";
    }
    plan.state_bytes = snapshot->vm_state_bytes;
    return {};
}

}  // namespace

std::string snapshot_mismatch(warm_plan& plan, const vm_settings& vm,
                              const std::vector<std::string>& argv) {
    std::string reason = machine_mismatch(plan.manifest.machine, vm, argv);
    if (reason.empty()) reason = disk_mismatch(plan, vm, vm.data_dir);
    return reason;
}

machine_record record_machine(const vm_settings& vm, const std::vector<std::string>& argv) {
    machine_record r;
    r.qemu_version = query_qemu_version(vm.qemu);
    r.machine = value_of(argv, "-machine") + " " + value_of(argv, "-cpu");
    r.cpu_count = vm.cpu_count;
    r.memory_mib = vm.memory_mib;
    r.devices = device_drivers(argv);
    r.bios = firmware_record(vm.bios);
    r.kernel = optional_file_record(vm.kernel);
    r.initrd = optional_file_record(vm.initrd);
    r.append = vm.append;
    return r;
}

bool snapshot_keeps_timers(const std::string& qemu_version) {
    int major = 0;
    int minor = 0;
    if (std::sscanf(qemu_version.c_str(), "QEMU emulator version %d.%d", &major, &minor) != 2)
        return true;
    return major > 10 || (major == 10 && minor >= 2);
}

warm_plan plan_warm_start(const vm_settings& vm, const std::vector<std::string>& argv) {
    warm_plan plan;
    if (!vm.warm_start) {
        plan.reason = "VM_WARM_START=off";
        return plan;
    }
    const fs::path data_dir = vm.data_dir;
    const fs::path manifest = data_dir / manifest_name;
    if (!fs::exists(manifest)) {
        plan.reason = "the data image has no snapshot (no " + manifest.string() + ")";
        return plan;
    }
    try {
        plan.manifest = read_manifest(manifest.string());
        plan.reason = snapshot_mismatch(plan, vm, argv);
    } catch (const std::exception& e) {
        plan.reason = e.what();
    }
    plan.resume = plan.reason.empty();
    plan.rearm_timers = plan.resume && !snapshot_keeps_timers(plan.manifest.machine.qemu_version);
    return plan;
}

}  // namespace launcher
