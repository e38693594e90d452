#pragma once
// What the launcher runs: one validated record built from defaults,
// environment, the data directory's vm.conf and command-line flags.
#include <cstdint>
#include <string>
#include <vector>

namespace launcher {

// One guest TCP port reachable from outside: host side on all addresses.
struct port_forward {
    std::uint16_t host_port = 0;
    std::uint16_t guest_port = 0;
};

struct vm_settings {
    int cpu_count = 2;                     // VM_CPU_COUNT: virtual CPUs (-smp)
    int memory_mib = 2048;                 // VM_MEMORY: guest RAM in MiB (-m)
    std::string cpu_features;              // VM_CPU_FEATURES: appended to -cpu rv64
    std::string bios;                      // VM_BIOS: absolute path, or "default"/"none"
    std::string kernel;                    // VM_KERNEL: absolute path, empty for none
    std::string initrd;                    // VM_INITRD: absolute path, empty for none
    std::string drive;                     // VM_DRIVE: absolute path, empty for none
    std::string append;                    // VM_APPEND: kernel command line, one argument
    std::string data_dir = "/data";        // VM_DATA_DIR: base of relative paths
    int telnet_port = 10023;               // VM_TELNET_PORT: on 127.0.0.1; 0 picks a free one
    int telnet_max_clients = 64;           // VM_TELNET_MAX_CLIENTS: more are refused
    std::vector<port_forward> forwards;    // VM_FORWARD_PORTS: "[host:]guest,..."
    int shutdown_timeout_s = 25;           // VM_SHUTDOWN_TIMEOUT: grace for the guest to stop
    std::string qemu;                      // VM_QEMU: qemu-system-riscv64 binary, resolved
    std::vector<std::string> qemu_env;     // VM_QEMU_ENV: extra variables QEMU inherits
    std::string runtime_dir = "/tmp";      // VM_RUNTIME_DIR: the run's sockets go below
    std::string ready_pattern = "login:";  // VM_READY_PATTERN: serial line that means "up"
    std::string status_socket;             // VM_STATUS_SOCKET: answers "ready"/"booting"
    std::string guest_password;            // VM_GUEST_PASSWORD[_FILE]: root's, via the guest agent
    std::string guest_ssh_key;             // VM_GUEST_SSH_KEY[_FILE]: root's, via the guest agent
    bool dry_run = false;       // --dry-run: print QEMU's argv and exit
};

}  // namespace launcher
