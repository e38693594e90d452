#pragma once
// QEMU's command line, built as a vector: no shell, no word splitting.
#include "settings/settings.hpp"

#include <string>
#include <vector>

namespace launcher {

// The run-time files QEMU is pointed at; the launcher listens on the sockets.
struct runtime_paths {
    std::string serial_socket;  // the guest's ttyS0
    std::string qmp_socket;     // QMP control monitor
    std::string agent_socket;   // virtio-serial port org.qemu.guest_agent.0
    std::string passt_socket;   // passt's end of the network card (VM_NETWORK=passt)
};

// The socket names inside a run directory `dir`.
runtime_paths make_runtime_paths(const std::string& dir);

// "qcow2" when the file starts with the qcow2 magic "QFI\xfb", else "raw".
std::string detect_drive_format(const std::string& path);

// The full argv, argv[0] being the QEMU binary.
std::vector<std::string> build_qemu_argv(const vm_settings& vm, const runtime_paths& paths);

}  // namespace launcher
