// The table of every setting: variable, flag, default, range and help.
#include "settings/setting_specs.hpp"

namespace launcher {

const std::vector<setting_spec>& setting_specs() {
    static const std::vector<setting_spec> specs = {
        {"VM_CPU_COUNT", "--cpus", "2", "Virtual CPUs (-smp)", setting_range{1, 512}},
        {"VM_MEMORY", "--memory", "2048", "Guest memory in MiB (-m)", setting_range{16, 1048576}},
        {"VM_CPU_FEATURES", "--cpu-features", "",
         "rv64 CPU properties appended to -cpu rv64, e.g. v=true,vlen=256"},
        {"VM_BIOS", "--bios", default_bios,
         "Firmware (-bios): a file, or 'default'/'none' as QEMU takes them"},
        {"VM_KERNEL", "--kernel", default_kernel, "Kernel or U-Boot (-kernel); empty for none"},
        {"VM_INITRD", "--initrd", "", "Initial ramdisk (-initrd); empty for none"},
        {"VM_DRIVE", "--drive", "disk.img",
         "Disk image, raw or qcow2 (detected), as virtio-blk; the default only when "
         "present; empty for none"},
        {"VM_APPEND", "--append", "", "Kernel command line (-append), one argument"},
        {"VM_HOSTNAME", "--hostname", "",
         "The guest's host name: systemd.hostname= on a cold boot's kernel command line, and "
         "given to the image's resume step after a warm start; empty: the image's own"},
        {"VM_DATA_DIR", "--data-dir", "/data",
         "Data directory: holds vm.conf (or config.sh); relative paths start here"},
        {"VM_TELNET_PORT", "--telnet-port", "10023",
         "Serial console telnet port on 127.0.0.1 (0 picks a free port)", setting_range{0, 65535}},
        {"VM_TELNET_SOCKET", "--telnet-socket", "",
         "Unix socket serving the serial console as telnet too (mode 0660); empty for none"},
        {"VM_NETWORK", "--network", "user",
         "Guest network: 'user' (QEMU user networking, restricted: the guest reaches nothing "
         "outside, VM_FORWARD_PORTS reach it), 'passt' (the guest takes the host's address, "
         "every port of VM_PASST_PORTS but VM_POD_PORTS reaches it) or 'none'"},
        {"VM_FORWARD_PORTS", "--forward-ports", "",
         "Guest TCP ports reachable on every host address: [hostPort:]guestPort,..."},
        {"VM_PASST_PORTS", "--passt-ports", "1024-49151",
         "passt mode: host ports forwarded, TCP and UDP, to the same guest port: "
         "first[-last],...; empty for none; cut to what the open-file hard limit allows"},
        {"VM_POD_PORTS", "--pod-ports", "8080",
         "passt mode: host ports left to the pod's own servers, never forwarded to the guest "
         "(the telnet port is always left): port,..."},
        {"VM_PASST", "--passt", "passt",
         "passt binary (VM_NETWORK=passt), a path or a name in PATH"},
        {"VM_SHUTDOWN_TIMEOUT", "--shutdown-timeout", "25",
         "Seconds the guest gets to power off after SIGTERM before QEMU is stopped",
         setting_range{0, 3600}},
        {"VM_QEMU", "--qemu", "qemu-system-riscv64", "QEMU binary, a path or a name in PATH"},
        {"VM_QEMU_ENV", "--qemu-env", "",
         "Names of extra environment variables QEMU inherits, comma-separated (it gets only "
         "PATH, HOME, USER, LANG, LC_*, TZ and TMPDIR otherwise)"},
        {"VM_RUNTIME_DIR", "--runtime-dir", "/tmp",
         "Writable directory for the QMP, serial and guest-agent sockets"},
        {"VM_TELNET_MAX_CLIENTS", "--telnet-max-clients", "64",
         "Most telnet clients of the serial console at once; more are refused",
         setting_range{1, 10000}},
        {"VM_READY_PATTERN", "--ready-pattern", "login:",
         "Regex (ECMAScript) that marks the guest as up when a line of its serial output "
         "matches; empty: the guest agent opening its port does"},
        {"VM_STATUS_SOCKET", "--status-socket", "",
         "Unix socket that answers each connection with a first line 'ready', 'booting' or "
         "'unready', then 'name value' lines (QEMU's CPU time and RSS, the guest's start); "
         "the console's /readyz and /metrics ask it; empty for none"},
        {"VM_GUEST_PASSWORD", "--guest-password", "",
         "Root's password, set through the QEMU guest agent once it answers (as a flag it "
         "shows in the process list: prefer VM_GUEST_PASSWORD_FILE)",
         std::nullopt, true},
        {"VM_GUEST_PASSWORD_FILE", "--guest-password-file", "",
         "File holding root's password (its first line), instead of VM_GUEST_PASSWORD"},
        {"VM_GUEST_SSH_KEY", "--guest-ssh-key", "",
         "Root's SSH authorized key(s), added through the QEMU guest agent once it answers",
         std::nullopt, true},
        {"VM_GUEST_SSH_KEY_FILE", "--guest-ssh-key-file", "",
         "File of root's SSH authorized key(s), one per line, instead of VM_GUEST_SSH_KEY"},
        {"VM_WARM_START", "--warm-start", "auto",
         "auto: resume the data image's snapshot when the disk is fresh and the settings "
         "match; off: always boot cold"},
        {"VM_HIBERNATE", "--hibernate", "auto",
         "on: SIGTERM saves the running guest into its qcow2 disk and the next start resumes it; "
         "off: SIGTERM powers it off; auto: on unless in a Kubernetes pod "
         "(KUBERNETES_SERVICE_HOST set) or the data folder is temporary (below /tmp, /var/tmp, "
         "/dev/shm, /run or TMPDIR, or on tmpfs)"},
        {"VM_RECORDING_MAX", "--recording-max", "4",
         "MiB of the serial console recorded, from QEMU's first byte, as asciicast v2 in "
         "recordings/console.cast of the data folder (continued across restarts, a marker "
         "where the guest starts or resumes); past it the file becomes console.1.cast and a new "
         "one starts; 0: no recording",
         setting_range{0, 4096}},
        {"VM_RECORDING_INPUT", "--recording-input", "off",
         "on: the recording holds the keys typed into the console too (passwords typed at a "
         "prompt among them); off: only what the guest prints"},
        {"VM_RECORDING_SOCKET", "--recording-socket", "",
         "Unix socket (mode 0660) that answers each connection with the recording as one "
         "asciicast v2 file, as it is then, and closes; the console's /recording.cast asks it; "
         "empty for none"},
    };
    return specs;
}

const setting_spec* find_spec(const std::string& key) {
    for (const auto& spec : setting_specs()) {
        if (key == spec.key) return &spec;
    }
    return nullptr;
}

std::string range_text(const setting_range& range) {
    return std::to_string(range.low) + " to " + std::to_string(range.high);
}

std::string help_text(const setting_spec& spec) {
    std::string help = spec.help;
    if (spec.range) help += ", " + range_text(*spec.range);
    return help;
}

}  // namespace launcher
