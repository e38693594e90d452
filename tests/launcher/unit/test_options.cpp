// Settings: defaults < environment < vm.conf < flags, and bad input.
#include "catch.hpp"
#include "settings/options.hpp"
#include "settings/setting_specs.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <map>
#include <variant>

using launcher::settings_error;
using launcher::vm_settings;

namespace {

// A data directory with every file a VM needs, and a fake QEMU that lists
// two rv64 CPU properties the way `-device rv64-riscv-cpu,help` does.
struct fixture {
    launcher_test::temp_dir dir;
    std::map<std::string, std::string> env;

    fixture() {
        dir.write("fw.bin", "firmware");
        dir.write("Image", "kernel");
        dir.write("other-Image", "kernel");
        const auto qemu =
            dir.write("fake-qemu", "#!/bin/sh\necho '  v=<bool>'\necho '  vlen=<uint16>'\n");
        ::chmod(qemu.c_str(), 0755);
        env = {{"VM_DATA_DIR", dir.path().string()},
               {"VM_BIOS", "fw.bin"},
               {"VM_KERNEL", "Image"},
               {"VM_QEMU", qemu},
               {"VM_RUNTIME_DIR", dir.path().string()}};
    }

    std::variant<vm_settings, int> load(const std::vector<std::string>& flags = {}) const {
        std::vector<const char*> argv{"launcher"};
        for (const auto& flag : flags)
            argv.push_back(flag.c_str());
        const auto lookup = [this](const std::string& key) -> std::optional<std::string> {
            const auto found = env.find(key);
            if (found == env.end()) return std::nullopt;
            return found->second;
        };
        return launcher::load_settings(static_cast<int>(argv.size()), argv.data(), lookup);
    }

    vm_settings settings(const std::vector<std::string>& flags = {}) const {
        return std::get<vm_settings>(load(flags));
    }

    std::string error(const std::vector<std::string>& flags = {}) const {
        try {
            load(flags);
        } catch (const settings_error& e) {
            return e.what();
        }
        return "no error";
    }
};

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("built-in defaults", "[options]") {
    fixture f;
    const auto vm = f.settings();
    CHECK(vm.cpu_count == 2);
    CHECK(vm.memory_mib == 2048);
    CHECK(vm.telnet_port == 10023);
    CHECK(vm.shutdown_timeout_s == 25);
    CHECK(vm.drive.empty());  // no disk.img in the data directory
    CHECK(vm.kernel == (f.dir.path() / "Image").string());
    f.dir.write("disk.img", "raw disk");
    CHECK(f.settings().drive == (f.dir.path() / "disk.img").string());
}

TEST_CASE("precedence: defaults < environment < vm.conf < flags", "[options]") {
    fixture f;
    f.env["VM_MEMORY"] = "512";
    f.env["VM_CPU_COUNT"] = "3";
    f.env["VM_APPEND"] = "from env";
    CHECK(f.settings().memory_mib == 512);
    f.dir.write("vm.conf", "VM_MEMORY=1024\nVM_CPU_COUNT=4\nVM_KERNEL=other-Image\n");
    auto vm = f.settings();
    CHECK(vm.memory_mib == 1024);
    CHECK(vm.cpu_count == 4);
    CHECK(vm.append == "from env");
    CHECK(vm.kernel == (f.dir.path() / "other-Image").string());
    vm = f.settings({"--memory", "768", "--append", "from flag"});
    CHECK(vm.memory_mib == 768);
    CHECK(vm.cpu_count == 4);
    CHECK(vm.append == "from flag");
}

TEST_CASE("config.sh is read when there is no vm.conf", "[options]") {
    fixture f;
    f.dir.write("config.sh", "export VM_CPU_COUNT=6\n");
    CHECK(f.settings().cpu_count == 6);
    f.dir.write("vm.conf", "VM_MEMORY=256\n");
    const auto vm = f.settings();
    CHECK(vm.cpu_count == 2);
    CHECK(vm.memory_mib == 256);
}

TEST_CASE("bad values name the variable, the value and the source", "[options]") {
    fixture f;
    SECTION("VM_MEMORY=lots") {
        f.env["VM_MEMORY"] = "lots";
        const auto message = f.error();
        CHECK(mentions(message, "VM_MEMORY='lots'"));
        CHECK(mentions(message, "environment"));
    }
    SECTION("VM_CPU_COUNT=0") {
        CHECK(mentions(f.error({"--cpus", "0"}), "VM_CPU_COUNT='0' (from --cpus)"));
    }
    SECTION("a kernel that does not exist") {
        f.env["VM_KERNEL"] = "/no/such/kernel";
        CHECK(mentions(f.error(), "VM_KERNEL='/no/such/kernel'"));
    }
    SECTION("a bad value from vm.conf names its line") {
        f.dir.write("vm.conf", "# memory\nVM_MEMORY=12x\n");
        const auto message = f.error();
        CHECK(mentions(message, "VM_MEMORY='12x'"));
        CHECK(mentions(message, "vm.conf:2"));
    }
    SECTION("an unknown key in vm.conf") {
        f.dir.write("vm.conf", "VM_MEMROY=512\n");
        const auto message = f.error();
        CHECK(mentions(message, "vm.conf:1: unknown variable VM_MEMROY"));
        // The value of an unknown key is never shown: it may be a misspelt secret.
        CHECK_FALSE(mentions(message, "512"));
    }
    SECTION("a line that is not KEY=VALUE") {
        f.dir.write("vm.conf", "VM_MEMORY 512\n");
        CHECK(mentions(f.error(), "vm.conf:1"));
    }
    SECTION("an unknown network mode") {
        f.env["VM_NETWORK"] = "bridge";
        CHECK(mentions(f.error(), "VM_NETWORK='bridge' (from environment): expected 'user'"));
    }
    SECTION("a forward onto the telnet port") {
        f.env["VM_FORWARD_PORTS"] = "10023:22";
        CHECK(mentions(f.error(), "host port 10023 is VM_TELNET_PORT"));
    }
    SECTION("passt mode: a forward onto a pod port, a missing passt") {
        f.env["VM_NETWORK"] = "passt";
        f.env["VM_FORWARD_PORTS"] = "8080:80";
        CHECK(mentions(f.error(), "host port 8080 is one of VM_POD_PORTS"));
        f.env["VM_FORWARD_PORTS"] = "";
        f.env["VM_PASST"] = "/no/such/passt";
        CHECK(mentions(f.error(), "VM_PASST='/no/such/passt'"));
    }
    SECTION("a bad forward port") {
        f.env["VM_FORWARD_PORTS"] = "2222:22,99999";
        CHECK(mentions(f.error(), "VM_FORWARD_PORTS='2222:22,99999'"));
    }
    SECTION("an unknown CPU property") {
        f.env["VM_CPU_FEATURES"] = "v=true,vlen=256,warp=on";
        CHECK(mentions(f.error(), "'warp' is not a property"));
    }
    SECTION("a missing data directory") {
        f.env["VM_DATA_DIR"] = "/no/such/data";
        CHECK(mentions(f.error(), "VM_DATA_DIR='/no/such/data'"));
    }
    SECTION("a host name with what a shell would read, or too long") {
        const std::vector<std::string> names{"vm;reboot",
                                             "vm 2",
                                             "-vm",
                                             "vm-",
                                             "a..b",
                                             "vm.",
                                             std::string(64, 'a'),
                                             std::string(33, 'a') + "." + std::string(31, 'b')};
        for (const auto& name : names) {
            f.env["VM_HOSTNAME"] = name;
            CHECK(mentions(f.error(),
                           "VM_HOSTNAME='" + name + "' (from environment): not a host name"));
        }
    }
    SECTION("a QEMU that does not exist") {
        f.env["VM_QEMU"] = "no-such-qemu-binary";
        CHECK(mentions(f.error(), "VM_QEMU='no-such-qemu-binary'"));
    }
}

TEST_CASE("host names a pod or a DNS name has pass", "[options]") {
    fixture f;
    const std::vector<std::string> names{"myvm-qemu-riscv64-0", "a", "vm2.lab.example.org",
                                         std::string(63, 'a'),
                                         std::string(32, 'a') + "." + std::string(31, 'b')};
    for (const auto& name : names) {
        f.env["VM_HOSTNAME"] = name;
        CHECK(f.settings().hostname == name);
    }
}

TEST_CASE("CPU features known to QEMU pass", "[options]") {
    fixture f;
    f.env["VM_CPU_FEATURES"] = "v=true,vlen=256";
    CHECK(f.settings().cpu_features == "v=true,vlen=256");
}

TEST_CASE("--help ends the run with exit code 0", "[options]") {
    fixture f;
    const auto outcome = f.load({"--help"});
    REQUIRE(std::holds_alternative<int>(outcome));
    CHECK(std::get<int>(outcome) == 0);
    const auto unknown = f.load({"--no-such-flag"});
    REQUIRE(std::holds_alternative<int>(unknown));
    CHECK(std::get<int>(unknown) != 0);
}

TEST_CASE("secrets are never shown and can come from files", "[options]") {
    fixture f;
    SECTION("a bad secret shows *** for its value") {
        f.env["VM_GUEST_PASSWORD"] = "pw-in-env";
        f.dir.write("pw", "pw-in-file\n");
        f.env["VM_GUEST_PASSWORD_FILE"] = "pw";
        const auto message = f.error();
        CHECK(mentions(message, "VM_GUEST_PASSWORD='***'"));
        CHECK(mentions(message, "give one"));
        CHECK_FALSE(mentions(message, "pw-in"));
    }
    SECTION("a misspelt secret in vm.conf") {
        f.dir.write("vm.conf", "VM_GUEST_PASWORD=\"s3cret value\"\n");
        const auto message = f.error();
        CHECK(mentions(message, "unknown variable VM_GUEST_PASWORD"));
        CHECK_FALSE(mentions(message, "s3cret"));
    }
    SECTION("an unclosed quote around a secret") {
        f.dir.write("vm.conf", "VM_GUEST_PASSWORD=\"s3cret\n");
        const auto message = f.error();
        CHECK(mentions(message, "unclosed"));
        CHECK_FALSE(mentions(message, "s3cret"));
    }
    SECTION("the password file's first line, the key file whole") {
        f.dir.write("pw", "from-file\r\nsecond line\n");
        f.dir.write("keys", "ssh-ed25519 AAAA a\nssh-rsa BBBB b\n");
        f.env["VM_GUEST_PASSWORD_FILE"] = (f.dir.path() / "pw").string();
        f.env["VM_GUEST_SSH_KEY_FILE"] = "keys";
        const auto vm = f.settings();
        CHECK(vm.guest_password == "from-file");
        CHECK(vm.guest_ssh_key == "ssh-ed25519 AAAA a\nssh-rsa BBBB b\n");
    }
    SECTION("a missing secret file is named") {
        f.env["VM_GUEST_SSH_KEY_FILE"] = "/no/such/keys";
        CHECK(mentions(f.error(), "VM_GUEST_SSH_KEY_FILE='/no/such/keys'"));
    }
    SECTION("VM_QEMU_ENV refuses a secret's name") {
        f.env["VM_QEMU_ENV"] = "LD_LIBRARY_PATH,VM_GUEST_PASSWORD";
        CHECK(mentions(f.error(), "VM_GUEST_PASSWORD holds a secret"));
    }
}

TEST_CASE("a numeric setting takes the ends of its spec's range and nothing past them",
          "[options]") {
    fixture f;
    for (const auto& spec : launcher::setting_specs()) {
        if (!spec.range) continue;
        const auto [low, high] = *spec.range;
        CAPTURE(spec.key);
        for (const int inside : {low, high}) {
            f.env[spec.key] = std::to_string(inside);
            CHECK(std::holds_alternative<vm_settings>(f.load()));
        }
        for (const int outside : {low - 1, high + 1}) {
            f.env[spec.key] = std::to_string(outside);
            const auto message = f.error();
            CHECK(mentions(message, std::string(spec.key) + "='" + std::to_string(outside) + "'"));
            CHECK(mentions(message, launcher::range_text(*spec.range)));
        }
        f.env.erase(spec.key);
    }
}

TEST_CASE("--help gives a numeric setting's range from its spec", "[options]") {
    const auto* cpus = launcher::find_spec("VM_CPU_COUNT");
    const auto* qemu = launcher::find_spec("VM_QEMU");
    REQUIRE((cpus != nullptr && qemu != nullptr));
    CHECK(launcher::help_text(*cpus) == "Virtual CPUs (-smp), 1 to 512");
    CHECK(launcher::help_text(*qemu) == qemu->help);
}
