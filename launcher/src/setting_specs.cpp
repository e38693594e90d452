#include "setting_specs.hpp"

namespace launcher {

const std::vector<setting_spec>& setting_specs() {
    static const std::vector<setting_spec> specs = {
        {"VM_CPU_COUNT", "--cpus", "2", "Virtual CPUs (-smp), 1 to 512"},
        {"VM_MEMORY", "--memory", "2048", "Guest memory in MiB (-m), 16 to 1048576"},
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
        {"VM_DATA_DIR", "--data-dir", "/data",
         "Data directory: holds vm.conf (or config.sh); relative paths start here"},
        {"VM_TELNET_PORT", "--telnet-port", "10023",
         "Serial console telnet port on 127.0.0.1; 0 picks a free port"},
        {"VM_FORWARD_PORTS", "--forward-ports", "",
         "Guest TCP ports forwarded from all host addresses: [hostPort:]guestPort,..."},
        {"VM_SHUTDOWN_TIMEOUT", "--shutdown-timeout", "25",
         "Seconds the guest gets to power off after SIGTERM before QEMU is stopped"},
        {"VM_QEMU", "--qemu", "qemu-system-riscv64", "QEMU binary, a path or a name in PATH"},
        {"VM_QEMU_ENV", "--qemu-env", "",
         "Names of extra environment variables QEMU inherits, comma-separated (it gets only "
         "PATH, HOME, USER, LANG, LC_*, TZ and TMPDIR otherwise)"},
        {"VM_RUNTIME_DIR", "--runtime-dir", "/tmp",
         "Writable directory for the QMP, serial and guest-agent sockets"},
        {"VM_TELNET_MAX_CLIENTS", "--telnet-max-clients", "64",
         "Most telnet clients of the serial console at once; more are refused, 1 to 10000"},
        {"VM_READY_PATTERN", "--ready-pattern", "login:",
         "Regex (ECMAScript) that marks the guest as up when a line of its serial output "
         "matches; empty: the guest agent opening its port does"},
        {"VM_STATUS_SOCKET", "--status-socket", "",
         "Unix socket that answers each connection with one line, 'ready' or 'booting' "
         "(the console's /readyz asks it); empty for none"},
        {"VM_GUEST_PASSWORD", "--guest-password", "",
         "Root's password, set through the QEMU guest agent once it answers (as a flag it "
         "shows in the process list: prefer VM_GUEST_PASSWORD_FILE)",
         true},
        {"VM_GUEST_PASSWORD_FILE", "--guest-password-file", "",
         "File holding root's password (its first line), instead of VM_GUEST_PASSWORD"},
        {"VM_GUEST_SSH_KEY", "--guest-ssh-key", "",
         "Root's SSH authorized key(s), added through the QEMU guest agent once it answers", true},
        {"VM_GUEST_SSH_KEY_FILE", "--guest-ssh-key-file", "",
         "File of root's SSH authorized key(s), one per line, instead of VM_GUEST_SSH_KEY"},
    };
    return specs;
}

const setting_spec* find_spec(const std::string& key) {
    for (const auto& spec : setting_specs()) {
        if (key == spec.key) return &spec;
    }
    return nullptr;
}

}  // namespace launcher
