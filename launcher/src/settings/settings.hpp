#pragma once
// What the launcher runs: one validated record built from defaults,
// environment, the data directory's vm.conf and command-line flags.
#include <cstdint>
#include <string>
#include <vector>

namespace launcher {

// The guest's network (VM_NETWORK).
enum class network_mode {
    user,   // QEMU user networking, restricted: only VM_FORWARD_PORTS reach the guest
    passt,  // passt: the guest takes the host's address, every unreserved port reaches it
    none,   // no network card
};

// VM_HIBERNATE: whether SIGTERM saves the running guest beside its disk.
enum class hibernate_mode {
    automatic,  // on where the data folder outlives the process (hibernate_plan.hpp)
    on,
    off,
};

// One guest TCP port reachable from outside: host side on all addresses.
struct port_forward {
    std::uint16_t host_port = 0;
    std::uint16_t guest_port = 0;
};

// Host ports first..last forwarded to the same guest ports (passt mode).
struct port_range {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};

struct vm_settings {
    int cpu_count = 2;               // VM_CPU_COUNT: virtual CPUs (-smp)
    int memory_mib = 2048;           // VM_MEMORY: guest RAM in MiB (-m)
    std::string cpu_features;        // VM_CPU_FEATURES: appended to -cpu rv64
    std::string bios;                // VM_BIOS: absolute path, or "default"/"none"
    std::string kernel;              // VM_KERNEL: absolute path, empty for none
    std::string initrd;              // VM_INITRD: absolute path, empty for none
    std::string drive;               // VM_DRIVE: absolute path, empty for none
    std::string append;              // VM_APPEND: kernel command line, one argument
    std::string hostname;            // VM_HOSTNAME: the guest's name, empty for the image's
    std::string data_dir = "/data";  // VM_DATA_DIR: base of relative paths
    int telnet_port = 10023;         // VM_TELNET_PORT: on 127.0.0.1; 0 picks a free one
    std::string telnet_socket;       // VM_TELNET_SOCKET: the console on a unix socket too
    int telnet_max_clients = 64;     // VM_TELNET_MAX_CLIENTS: more are refused
    network_mode network = network_mode::user;  // VM_NETWORK: user, passt or none
    std::vector<port_forward> forwards;         // VM_FORWARD_PORTS: "[host:]guest,..."
    std::vector<port_range> passt_ports;        // VM_PASST_PORTS: forwarded as they are (passt)
    std::vector<std::uint16_t> pod_ports;       // VM_POD_PORTS: never forwarded (passt)
    std::string passt;                          // VM_PASST: passt binary, resolved (passt mode)
    int shutdown_timeout_s = 25;                // VM_SHUTDOWN_TIMEOUT: grace for the guest to stop
    std::string qemu;                           // VM_QEMU: qemu-system-riscv64 binary, resolved
    std::vector<std::string> qemu_env;          // VM_QEMU_ENV: extra variables QEMU inherits
    std::string runtime_dir = "/tmp";           // VM_RUNTIME_DIR: the run's sockets go below
    std::string ready_pattern = "login:";       // VM_READY_PATTERN: serial line that means "up"
    std::string status_socket;                  // VM_STATUS_SOCKET: "ready"/"booting"/"unready"
    std::string guest_password;  // VM_GUEST_PASSWORD[_FILE]: root's, via the guest agent
    std::string guest_ssh_key;   // VM_GUEST_SSH_KEY[_FILE]: root's, via the guest agent
    bool warm_start = true;      // VM_WARM_START: auto (true) or off
    // VM_HIBERNATE: auto, on or off
    hibernate_mode hibernate = hibernate_mode::automatic;
    int recording_max_mib = 4;     // VM_RECORDING_MAX: the console's recording, 0 for none
    bool recording_input = false;  // VM_RECORDING_INPUT: keys typed are recorded too
    std::string recording_socket;  // VM_RECORDING_SOCKET: the recording served there
    std::string save_snapshot;     // --save-snapshot: the image's snapshot.conf
    bool dry_run = false;          // --dry-run: print QEMU's argv and exit
};

}  // namespace launcher
