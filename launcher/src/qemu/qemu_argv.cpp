// QEMU's argv, built from the settings as a vector.
#include "qemu/qemu_argv.hpp"

#include <fstream>

namespace launcher {
namespace {

// QEMU option values separate fields with ',': a literal comma is doubled.
std::string escape_commas(const std::string& value) {
    std::string escaped;
    for (const char c : value) {
        escaped += c;
        if (c == ',') escaped += ',';
    }
    return escaped;
}

void add(std::vector<std::string>& argv, std::initializer_list<std::string> args) {
    argv.insert(argv.end(), args);
}

void add_boot_files(std::vector<std::string>& argv, const vm_settings& vm) {
    add(argv, {"-bios", vm.bios});
    if (!vm.kernel.empty()) add(argv, {"-kernel", vm.kernel});
    if (!vm.initrd.empty()) add(argv, {"-initrd", vm.initrd});
    // The host name rides on the kernel command line, where systemd (and the
    // busybox guest's init) read it; a guest without -kernel boots its own.
    std::string append = vm.append;
    if (!vm.kernel.empty() && !vm.hostname.empty())
        append += (append.empty() ? "" : " ") + std::string("systemd.hostname=") + vm.hostname;
    if (!append.empty()) add(argv, {"-append", append});
}

void add_drive(std::vector<std::string>& argv, const vm_settings& vm) {
    if (vm.drive.empty()) return;
    // QEMU's image lock on, not left to its default (auto): a second QEMU on the
    // same disk fails to start rather than share it (disk_lock.hpp waits before).
    add(argv, {"-drive",
               "file=" + escape_commas(vm.drive) + ",format=" + detect_drive_format(vm.drive) +
                   ",file.locking=on,if=none,id=disk0",
               "-device", "virtio-blk-pci,drive=disk0"});
}

// The network card and what is behind it. User networking runs restricted:
// without it, every address of QEMU's 10.0.2.0/24 but the DNS alias reaches
// the host's loopback (libslirp's host alias), and the guest could type into
// the serial console's telnet port. Restricted, the guest reaches nothing but
// DHCP; the forwards still reach the guest.
void add_network(std::vector<std::string>& argv, const vm_settings& vm,
                 const runtime_paths& paths) {
    std::string netdev;
    switch (vm.network) {
        case network_mode::none:
            return add(argv, {"-nic", "none"});
        case network_mode::passt:
            netdev = "stream,id=net0,server=off,addr.type=unix,addr.path=" +
                     escape_commas(paths.passt_socket);
            break;
        case network_mode::user:
            netdev = "user,id=net0,restrict=on,ipv6=off";
            for (const auto& forward : vm.forwards) {
                netdev += ",hostfwd=tcp::" + std::to_string(forward.host_port) +
                          "-:" + std::to_string(forward.guest_port);
            }
            break;
    }
    // No option ROM: riscv firmware never runs it, and it needs Debian's ipxe-qemu.
    add(argv, {"-netdev", netdev, "-device", "virtio-net-pci,netdev=net0,romfile="});
}

// QEMU connects to sockets the launcher already listens on: no output is lost.
void add_channels(std::vector<std::string>& argv, const runtime_paths& paths) {
    add(argv, {"-chardev", "socket,id=serial0,path=" + escape_commas(paths.serial_socket),
               "-serial", "chardev:serial0", "-monitor", "none"});
    add(argv, {"-chardev", "socket,id=qmp0,path=" + escape_commas(paths.qmp_socket), "-mon",
               "chardev=qmp0,mode=control"});
    add(argv, {"-chardev", "socket,id=qga0,path=" + escape_commas(paths.agent_socket), "-device",
               "virtio-serial-pci,id=vser0", "-device",
               "virtserialport,bus=vser0.0,chardev=qga0,id=qga-port,name=org.qemu.guest_agent.0"});
}

}  // namespace

runtime_paths make_runtime_paths(const std::string& dir) {
    return {dir + "/serial.sock", dir + "/qmp.sock", dir + "/qga.sock", dir + "/passt.sock"};
}

std::string detect_drive_format(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, sizeof magic);
    const bool qcow2 = in.gcount() == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' &&
                       static_cast<unsigned char>(magic[3]) == 0xfb;
    return qcow2 ? "qcow2" : "raw";
}

std::vector<std::string> build_qemu_argv(const vm_settings& vm, const runtime_paths& paths) {
    std::vector<std::string> argv{vm.qemu, "-machine", "virt"};
    const std::string cpu = vm.cpu_features.empty() ? "rv64" : "rv64," + vm.cpu_features;
    add(argv, {"-cpu", cpu, "-smp", std::to_string(vm.cpu_count), "-m",
               std::to_string(vm.memory_mib), "-nographic"});
    add_boot_files(argv, vm);
    add_drive(argv, vm);
    add_network(argv, vm, paths);
    add_channels(argv, paths);
    return argv;
}

}  // namespace launcher
