// QEMU's argv: CPU features, qcow2 vs raw, an append with spaces, forwards.
#include <algorithm>

#include "catch.hpp"
#include "qemu_argv.hpp"
#include "temp_dir.hpp"

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

TEST_CASE("raw and qcow2 drives are told apart by the qcow2 magic", "[argv]") {
    launcher_test::temp_dir dir;
    auto vm = basic_vm();
    vm.drive = dir.write("disk.img", std::string(4096, '\0'));
    CHECK(launcher::detect_drive_format(vm.drive) == "raw");
    CHECK(value_of(build_qemu_argv(vm, paths), "-drive") ==
          "file=" + vm.drive + ",format=raw,if=none,id=disk0");
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

TEST_CASE("guest port forwards become hostfwd rules", "[argv]") {
    auto vm = basic_vm();
    vm.forwards = {{2222, 22}, {8000, 8000}};
    CHECK(value_of(build_qemu_argv(vm, paths), "-netdev") ==
          "user,id=net0,hostfwd=tcp::2222-:22,hostfwd=tcp::8000-:8000");
    vm.forwards.clear();
    CHECK(value_of(build_qemu_argv(vm, paths), "-netdev") == "user,id=net0");
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
