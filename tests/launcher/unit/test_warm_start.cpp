// Warm start: the manifest round trip, the cold-boot reasons, and the
// qcow2 reader against a file written here byte by byte.
#include "catch.hpp"
#include "qcow2_fixture.hpp"
#include "temp_dir.hpp"
#include "warm/fingerprint.hpp"
#include "warm/qcow2_file.hpp"
#include "warm/warm_resume.hpp"
#include "warm/warm_start.hpp"

#include <fstream>

namespace {

launcher::warm_manifest sample_manifest() {
    launcher::warm_manifest m;
    m.saved_at = "2026-11-29T04:00:00Z";
    m.disk = "disk.img";
    m.disk_fingerprint = "0123456789abcdef";
    m.agent = true;
    m.machine.qemu_version = "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)";
    m.machine.machine = "virt rv64,v=true";
    m.machine.cpu_count = 2;
    m.machine.memory_mib = 2048;
    m.machine.devices = "virtio-blk-pci virtio-net-pci";
    m.machine.bios = "default";
    m.machine.append = "root=/dev/vda rw console=ttyS0";
    m.recipe.ready_pattern = "login: ";
    m.recipe.resume_agent_script = "warm-start.hook";
    m.recipe.resume_console = "date -s @{epoch} >/dev/null";
    return m;
}

launcher::vm_settings settings_in(const launcher_test::temp_dir& dir) {
    launcher::vm_settings vm;
    vm.data_dir = dir.path().string();
    vm.qemu = "/bin/true";
    vm.bios = "default";
    vm.drive = (dir.path() / "disk.img").string();
    vm.append = "root=/dev/vda rw console=ttyS0";
    return vm;
}

const std::vector<std::string> argv = {"qemu",
                                       "-machine",
                                       "virt",
                                       "-cpu",
                                       "rv64,v=true",
                                       "-device",
                                       "virtio-blk-pci,drive=disk0",
                                       "-device",
                                       "virtio-net-pci,netdev=net0"};

}  // namespace

TEST_CASE("the manifest reads back what was written", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = (dir.path() / launcher::manifest_name).string();
    launcher::write_manifest(path, sample_manifest());
    const auto m = launcher::read_manifest(path);
    CHECK(m.snapshot == "warm");
    CHECK(m.saved_at == "2026-11-29T04:00:00Z");
    CHECK(m.agent);
    CHECK(m.machine.qemu_version == sample_manifest().machine.qemu_version);
    CHECK(m.machine.cpu_count == 2);
    CHECK(m.machine.memory_mib == 2048);
    CHECK(m.machine.devices == "virtio-blk-pci virtio-net-pci");
    CHECK(m.recipe.resume_console == "date -s @{epoch} >/dev/null");
}

TEST_CASE("a bad manifest line is named with its file and line", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = dir.write("warm-start.conf", "SNAPSHOT=warm\nCPU_COUNT=two\n");
    std::string message;
    try {
        launcher::read_manifest(path);
    } catch (const std::exception& e) {
        message = e.what();
    }
    CHECK(message.find("warm-start.conf:2") != std::string::npos);
    CHECK(message.find("CPU_COUNT='two'") != std::string::npos);
}

TEST_CASE("each difference from the snapshot gives its one-line reason", "[warm]") {
    launcher_test::temp_dir dir;
    launcher::write_manifest((dir.path() / launcher::manifest_name).string(), sample_manifest());
    auto vm = settings_in(dir);
    SECTION("off") {
        vm.warm_start = false;
        CHECK(launcher::plan_warm_start(vm, argv).reason == "VM_WARM_START=off");
    }
    SECTION("CPUs") {
        vm.cpu_count = 4;
        CHECK(launcher::plan_warm_start(vm, argv).reason ==
              "snapshot made with 2 CPUs, asked for 4");
    }
    SECTION("memory") {
        vm.memory_mib = 1024;
        CHECK(launcher::plan_warm_start(vm, argv).reason ==
              "snapshot made with 2048 MiB of memory, asked for 1024");
    }
    SECTION("CPU features") {
        auto other = argv;
        other[4] = "rv64";
        CHECK(launcher::plan_warm_start(vm, other).reason ==
              "snapshot made with machine 'virt rv64,v=true', asked for 'virt rv64'");
    }
    SECTION("devices") {
        auto other = argv;
        other.insert(other.end(), {"-device", "virtio-rng-pci"});
        CHECK(launcher::plan_warm_start(vm, other).reason.rfind("snapshot made with devices", 0) ==
              0);
    }
    SECTION("QEMU version (/bin/true prints none)") {
        const auto plan = launcher::plan_warm_start(vm, argv);
        CHECK_FALSE(plan.resume);
        CHECK(plan.reason.rfind("snapshot made by 'QEMU emulator version 7.2", 0) == 0);
    }
}

TEST_CASE("QEMU before 10.2 is known to lose the guest's pending timers on a resume", "[warm]") {
    using launcher::snapshot_keeps_timers;
    CHECK_FALSE(
        snapshot_keeps_timers("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"));
    CHECK_FALSE(
        snapshot_keeps_timers("QEMU emulator version 10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)"));
    CHECK_FALSE(snapshot_keeps_timers("QEMU emulator version 10.1.0"));
    CHECK(snapshot_keeps_timers("QEMU emulator version 10.2.0"));
    CHECK(snapshot_keeps_timers("QEMU emulator version 11.1.3 (Debian 1:11.1.3+ds-1~bpo13+1)"));
    CHECK(snapshot_keeps_timers("not a version line"));
}

TEST_CASE("no manifest: cold, and the reason names the file", "[warm]") {
    launcher_test::temp_dir dir;
    const auto plan = launcher::plan_warm_start(settings_in(dir), argv);
    CHECK_FALSE(plan.resume);
    CHECK(plan.reason.find("no snapshot") != std::string::npos);
    CHECK(plan.reason.find("warm-start.conf") != std::string::npos);
}

TEST_CASE("the qcow2 reader finds snapshots and fingerprints the refcounts", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = dir.write("disk.img", launcher_test::tiny_qcow2("warm"));
    const auto summary = launcher::read_qcow2(path);
    REQUIRE(summary);
    CHECK(summary->virtual_bytes == 1 << 20);
    REQUIRE(summary->find("warm") != nullptr);
    CHECK(summary->find("warm")->vm_state_bytes == 4096);
    CHECK(summary->find("cold") == nullptr);
    // A write after the snapshot copies a cluster: its refcount drops to 1.
    const auto written =
        launcher::read_qcow2(dir.write("disk.img", launcher_test::tiny_qcow2("warm", 1)));
    CHECK(written->metadata_fingerprint != summary->metadata_fingerprint);
    CHECK_FALSE(launcher::read_qcow2(dir.write("raw.img", std::string(4096, '\0'))));
}

TEST_CASE(
    "after a resume: the clock, the hook with its argument, the console line with the host name "
    "and a new machine-id",
    "[warm]") {
    const std::chrono::system_clock::time_point now{std::chrono::seconds(1700000000)};
    CHECK(launcher::set_time_command(now) ==
          "{\"execute\": \"guest-set-time\", \"arguments\": {\"time\": 1700000000000000000}}\n");
    CHECK(launcher::exec_command("/x", "abc") ==
          "{\"execute\": \"guest-exec\", \"arguments\": {\"path\": \"/x\", \"input-data\": "
          "\"YWJj\"}}\n");
    CHECK(launcher::exec_script_command("echo \"$1\"\n", "") ==
          "{\"execute\": \"guest-exec\", \"arguments\": {\"path\": \"/bin/sh\", \"arg\": [\"-c\", "
          "\"echo \\\"$1\\\"\\u000a\", \"warm-start.hook\"], \"input-data\": \"\"}}\n");
    CHECK(launcher::exec_script_command("echo \"$1\"", "", {"vm-2"}) ==
          "{\"execute\": \"guest-exec\", \"arguments\": {\"path\": \"/bin/sh\", \"arg\": [\"-c\", "
          "\"echo \\\"$1\\\"\", \"warm-start.hook\", \"vm-2\"], \"input-data\": \"\"}}\n");
    launcher::snapshot_recipe recipe;
    recipe.resume_console = "date -s @{epoch}; echo {machine_id} >/etc/machine-id";
    const std::string id = "0123456789abcdef0123456789abcdef";
    CHECK(launcher::console_line(recipe, "", now, id) ==
          "date -s @1700000000; echo " + id + " >/etc/machine-id\r");
    recipe.resume_hostname = "hostname {hostname} && echo {hostname}";
    CHECK(launcher::console_line(recipe, "vm-2", now, id) ==
          "hostname vm-2 && echo vm-2; date -s @1700000000; echo " + id + " >/etc/machine-id\r");
    recipe.resume_console.clear();
    CHECK(launcher::console_line(recipe, "", now, id).empty());
    const std::string fresh = launcher::random_machine_id();
    CHECK(fresh.size() == 32);
    CHECK(fresh.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(fresh != launcher::random_machine_id());
    CHECK(launcher::host_entropy(64).size() == 64);
    CHECK(launcher::host_entropy(64) != launcher::host_entropy(64));
}
