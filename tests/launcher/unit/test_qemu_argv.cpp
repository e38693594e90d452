// QEMU's argv: CPU features, qcow2 vs raw, an append with spaces, forwards.
#include "catch.hpp"
#include "qemu/passt_process.hpp"
#include "qemu/qemu_argv.hpp"
#include "temp_dir.hpp"

#include <algorithm>

using launcher::build_qemu_argv;

namespace {

// The argument after `option` (its first occurrence whose value holds `part`).
std::string value_of(const std::vector<std::string>& argv, const std::string& option,
                     const std::string& part = "") {
    for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] == option && argv[i + 1].find(part) != std::string::npos) return argv[i + 1];
    }
    return "(absent)";
}

launcher::vm_settings basic_vm() {
    launcher::vm_settings vm;
    vm.qemu = "/usr/bin/qemu-system-riscv64";
    vm.bios = "/fw/fw_jump.elf";
    vm.kernel = "/data/Image";
    return vm;
}

const launcher::runtime_paths paths = launcher::make_runtime_paths("/run/l");

}  // namespace

TEST_CASE("the machine, CPU, memory and firmware", "[argv]") {
    auto vm = basic_vm();
    vm.cpu_count = 4;
    vm.memory_mib = 1024;
    auto argv = build_qemu_argv(vm, paths);
    CHECK(argv[0] == "/usr/bin/qemu-system-riscv64");
    CHECK(value_of(argv, "-machine") == "virt");
    CHECK(value_of(argv, "-cpu") == "rv64");
    CHECK(value_of(argv, "-smp") == "4");
    CHECK(value_of(argv, "-m") == "1024");
    CHECK(value_of(argv, "-bios") == "/fw/fw_jump.elf");
    CHECK(value_of(argv, "-kernel") == "/data/Image");
    CHECK(std::count(argv.begin(), argv.end(), "-nographic") == 1);
    CHECK(value_of(argv, "-initrd") == "(absent)");
    CHECK(value_of(argv, "-append") == "(absent)");
    vm.cpu_features = "v=true,vlen=256";
    argv = build_qemu_argv(vm, paths);
    CHECK(value_of(argv, "-cpu") == "rv64,v=true,vlen=256");
}

TEST_CASE("a kernel command line with spaces stays one argument", "[argv]") {
    auto vm = basic_vm();
    vm.append = "console=ttyS0 rdinit=/init quiet";
    const auto argv = build_qemu_argv(vm, paths);
    CHECK(value_of(argv, "-append") == "console=ttyS0 rdinit=/init quiet");
}

TEST_CASE("VM_HOSTNAME reaches the kernel as systemd.hostname=, and only with a kernel", "[argv]") {
    auto vm = basic_vm();
    vm.hostname = "vm-2";
    CHECK(value_of(build_qemu_argv(vm, paths), "-append") == "systemd.hostname=vm-2");
    vm.append = "console=ttyS0 rdinit=/init";
    CHECK(value_of(build_qemu_argv(vm, paths), "-append") ==
          "console=ttyS0 rdinit=/init systemd.hostname=vm-2");
    vm.kernel.clear();
    vm.append.clear();
    CHECK(value_of(build_qemu_argv(vm, paths), "-append") == "(absent)");
}

TEST_CASE("raw and qcow2 drives are told apart by the qcow2 magic", "[argv]") {
    launcher_test::temp_dir dir;
    auto vm = basic_vm();
    vm.drive = dir.write("disk.img", std::string(4096, '\0'));
    CHECK(launcher::detect_drive_format(vm.drive) == "raw");
    CHECK(value_of(build_qemu_argv(vm, paths), "-drive") ==
          "file=" + vm.drive + ",format=raw,file.locking=on,if=none,id=disk0");
    vm.drive =
        dir.write("disk.qcow2", std::string("QFI\xfb\0\0\0\x03", 8) + std::string(100, '\0'));
    CHECK(launcher::detect_drive_format(vm.drive) == "qcow2");
    CHECK(value_of(build_qemu_argv(vm, paths), "-drive").find("format=qcow2") != std::string::npos);
    CHECK(launcher::detect_drive_format(dir.write("tiny", "QF")) == "raw");
}

TEST_CASE("commas in paths are doubled for QEMU", "[argv]") {
    auto vm = basic_vm();
    vm.drive = "/data/a,b.img";
    CHECK(value_of(build_qemu_argv(vm, paths), "-drive").rfind("file=/data/a,,b.img,", 0) == 0);
}

TEST_CASE("user networking is restricted, forwards become hostfwd rules", "[argv][network]") {
    auto vm = basic_vm();
    vm.forwards = {{2222, 22}, {8000, 8000}};
    // Unrestricted, libslirp maps 10.0.2.2 (and the rest of 10.0.2.0/24) to the host's loopback.
    CHECK(value_of(build_qemu_argv(vm, paths), "-netdev") ==
          "user,id=net0,restrict=on,ipv6=off,hostfwd=tcp::2222-:22,hostfwd=tcp::8000-:8000");
    vm.forwards.clear();
    const auto argv = build_qemu_argv(vm, paths);
    CHECK(value_of(argv, "-netdev") == "user,id=net0,restrict=on,ipv6=off");
    CHECK(value_of(argv, "-device", "virtio-net") == "virtio-net-pci,netdev=net0,romfile=");
}

TEST_CASE("passt mode: the card is a stream socket to passt", "[argv][network]") {
    auto vm = basic_vm();
    vm.network = launcher::network_mode::passt;
    auto run = launcher::make_runtime_paths("/run/l");
    run.passt_socket = "/run/passt-1/passt.sock";
    const auto argv = build_qemu_argv(vm, run);
    CHECK(value_of(argv, "-netdev") ==
          "stream,id=net0,server=off,addr.type=unix,addr.path=/run/passt-1/passt.sock");
    for (const auto& arg : argv)
        CHECK(arg.find("user,") == std::string::npos);
}

TEST_CASE("no network: no card, and no default user-networking card either", "[argv][network]") {
    auto vm = basic_vm();
    vm.network = launcher::network_mode::none;
    const auto argv = build_qemu_argv(vm, paths);
    CHECK(value_of(argv, "-nic") == "none");
    CHECK(value_of(argv, "-netdev") == "(absent)");
}

TEST_CASE("passt's argv: no gateway mapping, every port but the pod's, the forwards", "[passt]") {
    auto vm = basic_vm();
    vm.passt = "/usr/bin/passt";
    vm.passt_ports = {{1024, 49151}};
    vm.pod_ports = {8080, 60000};
    vm.forwards = {{2222, 22}};
    const auto argv =
        launcher::build_passt_argv(vm, vm.passt_ports, "/run/p/passt.sock", 10023, "");
    const std::vector<std::string> expected{"/usr/bin/passt", "--foreground",
                                            "--one-off",      "--no-map-gw",
                                            "--socket",       "/run/p/passt.sock",
                                            "--tcp-ports",    "1024-49151,~8080,~10023,~2222",
                                            "--udp-ports",    "1024-49151,~8080,~10023",
                                            "--tcp-ports",    "2222:22"};
    CHECK(argv == expected);
    // As root, passt is told to run as nobody; no ranges and no forwards: no ports at all.
    vm.passt_ports.clear();
    vm.forwards.clear();
    const auto bare = launcher::build_passt_argv(vm, vm.passt_ports, "/s", 10023, "65534:65534");
    CHECK(value_of(bare, "--runas") == "65534:65534");
    CHECK(value_of(bare, "--tcp-ports") == "none");
    CHECK(value_of(bare, "--udp-ports") == "none");
}

TEST_CASE("passt is given the ports that fit, not VM_PASST_PORTS as asked", "[passt]") {
    auto vm = basic_vm();
    vm.passt = "/usr/bin/passt";
    vm.passt_ports = {{1024, 49151}};
    vm.pod_ports = {8080};
    const auto argv = launcher::build_passt_argv(vm, {{1024, 7007}}, "/s", 10023, "");
    CHECK(value_of(argv, "--tcp-ports") == "1024-7007");
    CHECK(value_of(argv, "--udp-ports") == "1024-7007");
}

TEST_CASE("passt's banner and syslog complaints are not relayed", "[passt]") {
    CHECK_FALSE(launcher::worth_relaying("Failed to send 47 bytes to syslog"));
    CHECK_FALSE(
        launcher::worth_relaying("You can now start qemu (>= 7.2, with commit 13c6be96618c):"));
    CHECK_FALSE(launcher::worth_relaying("   "));
    CHECK(launcher::worth_relaying("L4 socket: Too many open files"));
}

TEST_CASE("serial, QMP and guest agent go to the launcher's sockets", "[argv]") {
    const auto argv = build_qemu_argv(basic_vm(), paths);
    CHECK(value_of(argv, "-chardev", "serial0") == "socket,id=serial0,path=/run/l/serial.sock");
    CHECK(value_of(argv, "-serial") == "chardev:serial0");
    CHECK(value_of(argv, "-mon") == "chardev=qmp0,mode=control");
    CHECK(value_of(argv, "-device", "virtserialport").find("name=org.qemu.guest_agent.0") !=
          std::string::npos);
    CHECK(value_of(argv, "-fw_cfg") == "(absent)");
}

TEST_CASE("guest password and ssh key stay off QEMU's argv (the agent gets them)", "[argv]") {
    auto vm = basic_vm();
    vm.guest_password = "secret";
    vm.guest_ssh_key = "ssh-ed25519 AAAA test";
    const auto argv = build_qemu_argv(vm, paths);
    // QEMU 7.2's riscv virt machine rejects -fw_cfg on the command line.
    CHECK(std::find(argv.begin(), argv.end(), "-fw_cfg") == argv.end());
    CHECK(argv == build_qemu_argv(basic_vm(), paths));
    for (const auto& arg : argv) {
        CHECK(arg.find("secret") == std::string::npos);
        CHECK(arg.find("AAAA") == std::string::npos);
    }
}
