#pragma once
// warm-start.conf in the data directory: which snapshot the disk holds and
// what a resume must match (written by `launcher --save-snapshot`), plus what
// the launcher does to the guest after resuming it (from the image's
// snapshot.conf). KEY=VALUE lines, read like vm.conf.
#include <string>

namespace launcher {

inline constexpr const char* manifest_name = "warm-start.conf";
inline constexpr const char* screen_name = "warm-start.screen";
inline constexpr const char* hook_name = "warm-start.hook";

// What QEMU ran when the snapshot was taken; equal records can resume.
struct machine_record {
    std::string qemu_version;  // QEMU_VERSION: first line of `qemu --version`
    std::string machine;       // MACHINE: -machine and -cpu values
    int cpu_count = 0;         // CPU_COUNT: -smp
    int memory_mib = 0;        // MEMORY: -m, MiB
    std::string devices;       // DEVICES: the -device drivers, in order
    std::string bios;          // BIOS: "default", "none" or SIZE:HASH of the file
    std::string kernel;        // KERNEL: SIZE:HASH, empty for none
    std::string initrd;        // INITRD: SIZE:HASH, empty for none
    std::string append;        // APPEND: the kernel command line
};

// The image's part: when to take the snapshot, what to do after a resume.
struct snapshot_recipe {
    std::string ready_pattern;  // READY_PATTERN: console text of the ready point
    bool wait_agent = false;    // WAIT_AGENT: also wait for the guest agent (yes/no)
    int quiet_seconds = 3;      // QUIET_SECONDS: console silent this long first
    int timeout_seconds = 900;  // TIMEOUT_SECONDS: give up past this
    // RESUME_AGENT_SCRIPT: a shell script run with /bin/sh -c through guest-exec,
    // 64 bytes of host entropy on its stdin; in snapshot.conf relative to its
    // folder, in the manifest the copy in the data directory (warm-start.hook).
    std::string resume_agent_script;
    // RESUME_CONSOLE: typed at the console, {epoch} = the host's time,
    // {machine_id} = a new machine-id (32 hex digits).
    std::string resume_console;
    // RESUME_HOSTNAME: typed before RESUME_CONSOLE when VM_HOSTNAME is set,
    // {hostname} = its value (RESUME_AGENT_SCRIPT gets it as $1).
    std::string resume_hostname;
};

struct warm_manifest {
    std::string snapshot = "warm";  // SNAPSHOT: the qcow2 internal snapshot's name
    std::string saved_at;           // SAVED_AT: UTC time of the snapshot
    std::string disk;               // DISK: the drive holding it, relative to the data dir
    std::string disk_fingerprint;   // DISK_FINGERPRINT: qcow2 metadata right after the save
    bool agent = false;             // AGENT: the guest agent was running at the snapshot
    std::string lease;              // LEASE: passt's DHCP lease then ("address netmask router")
    machine_record machine;
    snapshot_recipe recipe;
};

// The present time as SAVED_AT records it, e.g. "2026-11-29T04:10:00Z".
std::string utc_now();

// Throws conf_error naming the file and line on a bad line or value.
snapshot_recipe read_recipe(const std::string& path);
warm_manifest read_manifest(const std::string& path);
// Written to `path` through a temporary file, so a reader never sees half of it;
// `header` is its opening comment, one or more "# " lines.
inline constexpr const char* warm_manifest_header =
    "# Written by `launcher --save-snapshot`: the VM snapshot inside the disk and\n"
    "# what a warm start must match (launcher/README.md, \"Warm start\").\n";
void write_manifest(const std::string& path, const warm_manifest& manifest,
                    const char* header = warm_manifest_header);

}  // namespace launcher
