// warm-start.conf and snapshot.conf: the bytes written, every field read back,
// and which keys each file takes.
#include "catch.hpp"
#include "settings/conf_file.hpp"
#include "temp_dir.hpp"
#include "warm/warm_manifest.hpp"

#include <fstream>
#include <sstream>

namespace {

// Every field set to something other than its default.
launcher::warm_manifest full_manifest() {
    launcher::warm_manifest m;
    m.snapshot = "hibernate";
    m.saved_at = "2026-11-29T04:00:00Z";
    m.disk = "disk.qcow2";
    m.disk_fingerprint = "0123456789abcdef";
    m.agent = true;
    m.machine.qemu_version = "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1)";
    m.machine.machine = "virt rv64,v=true";
    m.machine.cpu_count = 4;
    m.machine.memory_mib = 1024;
    m.machine.devices = "virtio-blk-pci virtio-net-pci";
    m.machine.bios = "default";
    m.machine.kernel = "123:abc";
    m.machine.initrd = "456:def";
    m.machine.append = "root=/dev/vda rw console=ttyS0";
    m.recipe.ready_pattern = "login: ";
    m.recipe.wait_agent = true;
    m.recipe.resume_agent_script = "warm-start.hook";
    m.recipe.resume_console = "date -s @{epoch} >/dev/null";
    return m;
}

// full_manifest() as warm-start.conf holds it, byte for byte.
constexpr const char* full_manifest_file =
    "# Written by `launcher --save-snapshot`: the VM snapshot inside the disk and\n"
    "# what a warm start must match (launcher/README.md, \"Warm start\").\n"
    "SNAPSHOT='hibernate'\n"
    "SAVED_AT='2026-11-29T04:00:00Z'\n"
    "DISK='disk.qcow2'\n"
    "DISK_FINGERPRINT='0123456789abcdef'\n"
    "AGENT=yes\n"
    "QEMU_VERSION='QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1)'\n"
    "MACHINE='virt rv64,v=true'\n"
    "CPU_COUNT=4\n"
    "MEMORY=1024\n"
    "DEVICES='virtio-blk-pci virtio-net-pci'\n"
    "BIOS='default'\n"
    "KERNEL='123:abc'\n"
    "INITRD='456:def'\n"
    "APPEND='root=/dev/vda rw console=ttyS0'\n"
    "# After a resume\n"
    "READY_PATTERN='login: '\n"
    "WAIT_AGENT=yes\n"
    "RESUME_AGENT_SCRIPT='warm-start.hook'\n"
    "RESUME_CONSOLE='date -s @{epoch} >/dev/null'\n";

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string read_error(const std::string& path, bool recipe) {
    try {
        if (recipe) {
            launcher::read_recipe(path);
        } else {
            launcher::read_manifest(path);
        }
    } catch (const launcher::conf_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("warm-start.conf is written byte for byte as before", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = (dir.path() / launcher::manifest_name).string();
    launcher::write_manifest(path, full_manifest());
    CHECK(file_text(path) == full_manifest_file);
    launcher::write_manifest(path, launcher::warm_manifest{}, "# another header\n");
    CHECK(file_text(path) ==
          "# another header\nSNAPSHOT='warm'\nSAVED_AT=''\nDISK=''\nDISK_FINGERPRINT=''\n"
          "AGENT=no\nQEMU_VERSION=''\nMACHINE=''\nCPU_COUNT=0\nMEMORY=0\nDEVICES=''\nBIOS=''\n"
          "KERNEL=''\nINITRD=''\nAPPEND=''\n# After a resume\nREADY_PATTERN=''\nWAIT_AGENT=no\n"
          "RESUME_AGENT_SCRIPT=''\nRESUME_CONSOLE=''\n");
}

TEST_CASE("every field of warm-start.conf reads back as written", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = dir.write("warm-start.conf", full_manifest_file);
    const auto m = launcher::read_manifest(path);
    const auto want = full_manifest();
    CHECK(m.snapshot == want.snapshot);
    CHECK(m.saved_at == want.saved_at);
    CHECK(m.disk == want.disk);
    CHECK(m.disk_fingerprint == want.disk_fingerprint);
    CHECK(m.agent == want.agent);
    CHECK(m.machine.qemu_version == want.machine.qemu_version);
    CHECK(m.machine.machine == want.machine.machine);
    CHECK(m.machine.cpu_count == want.machine.cpu_count);
    CHECK(m.machine.memory_mib == want.machine.memory_mib);
    CHECK(m.machine.devices == want.machine.devices);
    CHECK(m.machine.bios == want.machine.bios);
    CHECK(m.machine.kernel == want.machine.kernel);
    CHECK(m.machine.initrd == want.machine.initrd);
    CHECK(m.machine.append == want.machine.append);
    CHECK(m.recipe.ready_pattern == want.recipe.ready_pattern);
    CHECK(m.recipe.wait_agent == want.recipe.wait_agent);
    CHECK(m.recipe.resume_agent_script == want.recipe.resume_agent_script);
    CHECK(m.recipe.resume_console == want.recipe.resume_console);
    // Written again, the same bytes.
    const auto again = (dir.path() / "again.conf").string();
    launcher::write_manifest(again, m);
    CHECK(file_text(again) == full_manifest_file);
}

TEST_CASE("a hibernated guest's lease is written after AGENT, only when there is one", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = (dir.path() / "hibernate.conf").string();
    auto m = full_manifest();
    m.lease = "10.244.0.17 255.255.255.0 10.244.0.1";
    launcher::write_manifest(path, m);
    const std::string text = file_text(path);
    CHECK(text.find("AGENT=yes\nLEASE='10.244.0.17 255.255.255.0 10.244.0.1'\nQEMU_VERSION=") !=
          std::string::npos);
    CHECK(launcher::read_manifest(path).lease == m.lease);
    // Without one the file is as it always was (and warm-start.conf never has one).
    m.lease.clear();
    launcher::write_manifest(path, m);
    CHECK(file_text(path) == full_manifest_file);
    CHECK(launcher::read_manifest(path).lease.empty());
}

TEST_CASE("an image's RESUME_HOSTNAME is written last, only when it has one", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = (dir.path() / launcher::manifest_name).string();
    auto m = full_manifest();
    m.recipe.resume_hostname = "hostname {hostname}";
    launcher::write_manifest(path, m);
    CHECK(file_text(path) ==
          std::string(full_manifest_file) + "RESUME_HOSTNAME='hostname {hostname}'\n");
    CHECK(launcher::read_manifest(path).recipe.resume_hostname == m.recipe.resume_hostname);
}

TEST_CASE("snapshot.conf takes the recipe's keys only", "[warm]") {
    launcher_test::temp_dir dir;
    dir.write("hook.sh", "true\n");
    const auto path =
        dir.write("snapshot.conf",
                  "READY_PATTERN='login: '\nWAIT_AGENT=yes\nQUIET_SECONDS=5\nTIMEOUT_SECONDS=60\n"
                  "RESUME_AGENT_SCRIPT=hook.sh\nRESUME_CONSOLE='date'\n"
                  "RESUME_HOSTNAME='hostname {hostname}'\n");
    const auto recipe = launcher::read_recipe(path);
    CHECK(recipe.ready_pattern == "login: ");
    CHECK(recipe.wait_agent);
    CHECK(recipe.quiet_seconds == 5);
    CHECK(recipe.timeout_seconds == 60);
    CHECK(recipe.resume_agent_script == (dir.path() / "hook.sh").string());
    CHECK(recipe.resume_console == "date");
    CHECK(recipe.resume_hostname == "hostname {hostname}");

    dir.write("snapshot.conf", "READY_PATTERN=login\nSNAPSHOT=warm\n");
    CHECK(read_error(path, true) == path + ":2: unknown key SNAPSHOT");
    dir.write("snapshot.conf", "READY_PATTERN=login\nWAIT_AGENT=maybe\n");
    CHECK(read_error(path, true) == path + ":2: WAIT_AGENT='maybe' is not yes or no");
    dir.write("snapshot.conf", "QUIET_SECONDS=-1\n");
    CHECK(read_error(path, true) == path + ":1: QUIET_SECONDS='-1' is not a whole number");
}

TEST_CASE("warm-start.conf takes the recipe's keys too, and no other", "[warm]") {
    launcher_test::temp_dir dir;
    const auto path = dir.write("warm-start.conf", "QUIET_SECONDS=7\nTIMEOUT_SECONDS=8\n");
    const auto m = launcher::read_manifest(path);
    CHECK(m.recipe.quiet_seconds == 7);
    CHECK(m.recipe.timeout_seconds == 8);
    dir.write("warm-start.conf", "SNAPSHOT=warm\nVM_MEMORY=512\n");
    CHECK(read_error(path, false) == path + ":2: unknown key VM_MEMORY");
}
