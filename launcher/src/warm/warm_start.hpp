#pragma once
// Warm start: whether this run resumes the data image's snapshot (QEMU
// loadvm, snapshot_loader) or boots cold, and the one-line reason when it boots cold.
#include "settings/settings.hpp"
#include "warm/warm_manifest.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace launcher {

struct warm_plan {
    bool resume = false;
    std::string reason;  // why the boot is cold, e.g. "snapshot made with 2 CPUs, asked for 4"
    warm_manifest manifest;
    std::uint64_t state_bytes = 0;  // the snapshot's saved VM state
    bool rearm_timers = false;      // QEMU loses the CPUs' timers at the load (timer_rearmer.hpp)
};

// Whether `qemu_version` (the first line of `qemu --version`) puts the RISC-V
// timers (ACLINT mtimer, stimecmp) into a snapshot: QEMU 10.2 and later. An older
// one loses the timer interrupts pending at the save, so a resumed guest's CPU
// may wait for one that never comes. An unreadable version counts as new.
bool snapshot_keeps_timers(const std::string& qemu_version);

// What `argv` (QEMU's cold-boot command line for `vm`) runs, as the manifest records it.
machine_record record_machine(const vm_settings& vm, const std::vector<std::string>& argv);

// The first difference between `plan.manifest` and this run: the machine, then
// the disk (which must hold the snapshot untouched; plan.state_bytes is filled
// in). Empty when the snapshot may be resumed. Shared with hibernate_plan.
std::string snapshot_mismatch(warm_plan& plan, const vm_settings& vm,
                              const std::vector<std::string>& argv);

// Resume only when VM_WARM_START=auto, the data directory has a manifest,
// everything it records matches this run, and the disk holds the snapshot
// with its metadata as it was right after the save (nothing written since:
// resuming would roll the disk back).
warm_plan plan_warm_start(const vm_settings& vm, const std::vector<std::string>& argv);

}  // namespace launcher
