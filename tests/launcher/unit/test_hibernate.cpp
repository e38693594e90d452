// Hibernate: VM_HIBERNATE resolved, hibernate.conf written and consumed, and
// whether a start resumes the saved state or discards it, with its reason.
#include "catch.hpp"
#include "qcow2_fixture.hpp"
#include "temp_dir.hpp"
#include "warm/hibernate_plan.hpp"
#include "warm/qcow2_file.hpp"

#include <filesystem>

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> argv = {
    "qemu",    "-machine",    "virt", "-cpu", "rv64", "-device", "virtio-blk-pci,drive=disk0",
    "-netdev", "user,id=net0"};

launcher::vm_settings settings_in(const launcher_test::temp_dir& dir) {
    launcher::vm_settings vm;
    vm.data_dir = dir.path().string();
    vm.qemu = "/bin/true";  // prints no version: the record's is empty too
    vm.bios = "default";
    vm.drive = (dir.path() / "disk.img").string();
    return vm;
}

// What the launcher writes after a save over the fixture disk holding snapshot 'hibernate'.
void save(const launcher_test::temp_dir& dir, const launcher::vm_settings& vm) {
    launcher::warm_manifest m;
    m.snapshot = launcher::hibernate_snapshot;
    m.saved_at = "2026-12-06T14:00:00Z";
    m.disk = "disk.img";
    m.machine = launcher::record_machine(vm, argv);
    m.disk_fingerprint = launcher::read_qcow2(vm.drive)->metadata_fingerprint;
    launcher::write_hibernate_manifest(vm.data_dir, m, "root@guest:~# ");
    (void)dir;
}

}  // namespace

TEST_CASE("VM_HIBERNATE=auto is on only for a folder that outlives the process", "[hibernate]") {
    launcher::vm_settings vm;
    vm.data_dir = "/";
    SECTION("on and off are taken as they are") {
        vm.hibernate = launcher::hibernate_mode::on;
        CHECK(launcher::resolve_hibernate(vm, true, "").on);
        vm.hibernate = launcher::hibernate_mode::off;
        CHECK_FALSE(launcher::resolve_hibernate(vm, false, "").on);
    }
    SECTION("auto: a host folder") {
        const auto choice = launcher::resolve_hibernate(vm, false, "");
        CHECK(choice.on);
        CHECK(choice.why == "VM_HIBERNATE=auto and the data folder / outlives this process");
    }
    SECTION("auto: in a pod the chart decides") {
        CHECK_FALSE(launcher::resolve_hibernate(vm, true, "").on);
    }
    SECTION("auto: below /tmp or TMPDIR") {
        vm.data_dir = "/tmp/x/guest";
        const auto choice = launcher::resolve_hibernate(vm, false, "");
        CHECK_FALSE(choice.on);
        CHECK(choice.why.find("is below /tmp") != std::string::npos);
        vm.data_dir = "/srv/scratch/guest";
        CHECK_FALSE(launcher::resolve_hibernate(vm, false, "/srv/scratch").on);
        CHECK(launcher::resolve_hibernate(vm, false, "/srv/other").on);
    }
}

TEST_CASE("a saved state resumes once, over the disk and settings it was saved with",
          "[hibernate]") {
    launcher_test::temp_dir dir;
    dir.write("disk.img", launcher_test::tiny_qcow2("hibernate"));
    auto vm = settings_in(dir);
    save(dir, vm);
    const fs::path manifest = dir.path() / launcher::hibernate_manifest_name;
    REQUIRE(fs::exists(manifest));
    CHECK(fs::exists(dir.path() / launcher::hibernate_screen_name));
    SECTION("everything matches: resume") {
        const auto plan = launcher::plan_hibernate(vm, argv, true);
        CHECK(plan.resume);
        CHECK(plan.discard_reason.empty());
        CHECK(plan.delete_snapshot);
        CHECK(plan.saved.state_bytes == 4096);
        CHECK(plan.saved.manifest.saved_at == "2026-12-06T14:00:00Z");
        // Consumed: the next start finds nothing to resume.
        launcher::consume_hibernate_manifest(vm.data_dir);
        CHECK_FALSE(fs::exists(manifest));
        CHECK_FALSE(fs::exists(dir.path() / launcher::hibernate_screen_name));
    }
    SECTION("hibernate off") {
        const auto plan = launcher::plan_hibernate(vm, argv, false);
        CHECK_FALSE(plan.resume);
        CHECK(plan.discard_reason == "VM_HIBERNATE is off");
    }
    SECTION("another CPU count") {
        vm.cpu_count = 4;
        CHECK(launcher::plan_hibernate(vm, argv, true).discard_reason ==
              "snapshot made with 2 CPUs, asked for 4");
    }
    SECTION("another memory size") {
        vm.memory_mib = 1024;
        CHECK(launcher::plan_hibernate(vm, argv, true).discard_reason ==
              "snapshot made with 2048 MiB of memory, asked for 1024");
    }
    SECTION("another network mode") {
        auto other = argv;
        other.back() = "stream,id=net0,addr.type=unix";
        CHECK(launcher::plan_hibernate(vm, other, true)
                  .discard_reason.rfind("snapshot made with devices", 0) == 0);
    }
    SECTION("the disk written after the save") {
        dir.write("disk.img", launcher_test::tiny_qcow2("hibernate", 1));
        CHECK(launcher::plan_hibernate(vm, argv, true).discard_reason ==
              vm.drive + " was written after the snapshot (resuming would roll it back)");
    }
    SECTION("the snapshot gone from the disk") {
        dir.write("disk.img", launcher_test::tiny_qcow2("other"));
        const auto plan = launcher::plan_hibernate(vm, argv, true);
        CHECK(plan.discard_reason == vm.drive + " holds no snapshot 'hibernate'");
        CHECK_FALSE(plan.delete_snapshot);
    }
    SECTION("a manifest cut short (a crash while it was written)") {
        dir.write(launcher::hibernate_manifest_name, "");
        CHECK(launcher::plan_hibernate(vm, argv, true).discard_reason ==
              manifest.string() + " names snapshot 'warm'");
    }
}

TEST_CASE("a snapshot left without its manifest is discarded and deleted", "[hibernate]") {
    launcher_test::temp_dir dir;
    dir.write("disk.img", launcher_test::tiny_qcow2("hibernate"));
    const auto vm = settings_in(dir);
    const auto plan = launcher::plan_hibernate(vm, argv, true);
    CHECK_FALSE(plan.resume);
    CHECK(plan.delete_snapshot);
    CHECK(plan.discard_reason.find("(a save that did not end)") != std::string::npos);
}

TEST_CASE("no saved state: nothing to say, warm start decides", "[hibernate]") {
    launcher_test::temp_dir dir;
    dir.write("disk.img", launcher_test::tiny_qcow2("warm"));
    const auto plan = launcher::plan_hibernate(settings_in(dir), argv, true);
    CHECK_FALSE(plan.resume);
    CHECK(plan.discard_reason.empty());
    CHECK_FALSE(plan.delete_snapshot);
}

TEST_CASE("the time away is counted from SAVED_AT", "[hibernate]") {
    CHECK(launcher::seconds_since(launcher::utc_now()) <= 1);
    CHECK(launcher::seconds_since("2000-01-01T00:00:00Z") > 800000000);
    CHECK(launcher::seconds_since("yesterday") == 0);
}
