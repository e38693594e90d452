#pragma once
// Hibernate's start side: whether SIGTERM saves the guest (VM_HIBERNATE), and
// whether this start resumes a state saved by the last stop (hibernate.conf
// beside the disk, snapshot 'hibernate' inside it) or discards it, and why.
#include "settings/settings.hpp"
#include "warm/warm_start.hpp"

#include <string>
#include <vector>

namespace launcher {

inline constexpr const char* hibernate_manifest_name = "hibernate.conf";
inline constexpr const char* hibernate_screen_name = "hibernate.screen";
inline constexpr const char* hibernate_snapshot = "hibernate";

// VM_HIBERNATE resolved for this run.
struct hibernate_choice {
    bool on = false;
    std::string why;  // e.g. "VM_HIBERNATE=auto and /data outlives this process"
};

// `in_pod`: KUBERNETES_SERVICE_HOST is set; `tmpdir`: TMPDIR, or empty. auto is
// on unless in a pod (the chart says on or off there) or the data folder is
// temporary: below /tmp, /var/tmp, /dev/shm, /run or TMPDIR, or on tmpfs/ramfs.
hibernate_choice resolve_hibernate(const vm_settings& vm, bool in_pod, const std::string& tmpdir);
// The same, with KUBERNETES_SERVICE_HOST and TMPDIR from the environment.
hibernate_choice resolve_hibernate(const vm_settings& vm);

struct hibernate_plan {
    bool resume = false;
    // The saved state is discarded: this says why (empty when there was none).
    std::string discard_reason;
    // The disk holds a snapshot 'hibernate' to delete (delvm) once QEMU runs.
    bool delete_snapshot = false;
    warm_plan saved;  // the manifest, the state's size, whether timers need re-arming
};

// Resume when hibernate is on, hibernate.conf reads and everything it records
// matches this run (warm start's checks: CPUs, memory, machine, devices and
// network backend, QEMU version, firmware/kernel/initrd, the disk's metadata).
hibernate_plan plan_hibernate(const vm_settings& vm, const std::vector<std::string>& argv,
                              bool hibernate_on);

// Removes hibernate.conf and hibernate.screen and syncs the folder: once this
// returns, a crash can no longer lead to the same state being resumed twice.
void consume_hibernate_manifest(const std::string& data_dir);

// Writes `manifest` as hibernate.conf (and `screen` beside it), each synced to
// the disk before the folder: a reader sees all of it or nothing.
void write_hibernate_manifest(const std::string& data_dir, const warm_manifest& manifest,
                              const std::string& screen);

// Seconds since `saved_at` ("2026-12-06T14:00:00Z"); 0 when unreadable.
long seconds_since(const std::string& saved_at);

}  // namespace launcher
