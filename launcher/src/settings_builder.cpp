#include "settings_builder.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <regex>

#include "value_parsers.hpp"

namespace launcher {
namespace {

namespace fs = std::filesystem;

// Reads one raw setting and reports its problems with its name and origin.
class setting_reader {
public:
    explicit setting_reader(const raw_settings& raw) : raw_(raw) {}

    const std::string& text(const std::string& key) const { return raw_.at(key).value; }
    bool is_default(const std::string& key) const { return raw_.at(key).origin == "default"; }

    [[noreturn]] void fail(const std::string& key, const std::string& reason) const {
        const auto& item = raw_.at(key);
        throw settings_error(key + "='" + item.value + "' (from " + item.origin + "): " + reason);
    }

    // The same CLI11 validators a flag would pass.
    void check(const std::string& key, const CLI::Validator& validator) const {
        std::string value = text(key);
        const std::string problem = validator(value);
        if (!problem.empty()) fail(key, problem);
    }

    int integer(const std::string& key, int low, int high) const {
        check(key, CLI::Range(low, high));
        return std::stoi(text(key));
    }

    // A file path, relative ones taken from the data directory; empty stays empty.
    std::string file(const std::string& key, const fs::path& data_dir) const {
        if (text(key).empty()) return {};
        const fs::path path =
            fs::path(text(key)).is_absolute() ? fs::path(text(key)) : data_dir / text(key);
        std::string resolved = path.lexically_normal().string();
        const std::string problem = CLI::ExistingFile(resolved);
        if (!problem.empty()) fail(key, problem);
        return resolved;
    }

private:
    const raw_settings& raw_;
};

void check_cpu_features(const setting_reader& in, const vm_settings& vm) {
    std::vector<std::string> names;
    try {
        names = parse_cpu_feature_names(vm.cpu_features);
    } catch (const std::invalid_argument& e) {
        in.fail("VM_CPU_FEATURES", e.what());
    }
    if (names.empty()) return;
    const auto known = query_cpu_properties(vm.qemu);
    if (known.empty())
        in.fail("VM_CPU_FEATURES", vm.qemu + " did not list its rv64 CPU properties");
    for (const auto& name : names) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            in.fail("VM_CPU_FEATURES",
                    "'" + name + "' is not a property of " + vm.qemu + "'s rv64 CPU");
        }
    }
}

void read_paths(const setting_reader& in, vm_settings& vm) {
    const fs::path data_dir = vm.data_dir;
    const std::string bios = in.text("VM_BIOS");
    vm.bios = (bios == "default" || bios == "none") ? bios : in.file("VM_BIOS", data_dir);
    if (vm.bios.empty()) in.fail("VM_BIOS", "a firmware file, 'default' or 'none' is needed");
    vm.kernel = in.file("VM_KERNEL", data_dir);
    vm.initrd = in.file("VM_INITRD", data_dir);
    // The default disk.img is optional; a named drive must exist.
    const bool default_drive_missing =
        in.is_default("VM_DRIVE") && !fs::exists(data_dir / in.text("VM_DRIVE"));
    vm.drive = default_drive_missing ? std::string{} : in.file("VM_DRIVE", data_dir);
}

void read_runtime(const setting_reader& in, vm_settings& vm) {
    vm.qemu = find_executable(in.text("VM_QEMU"));
    if (vm.qemu.empty()) in.fail("VM_QEMU", "no such executable (PATH searched)");
    in.check("VM_RUNTIME_DIR", CLI::ExistingDirectory);
    vm.runtime_dir = in.text("VM_RUNTIME_DIR");
    if (::access(vm.runtime_dir.c_str(), W_OK) != 0) in.fail("VM_RUNTIME_DIR", "not writable");
    vm.status_socket = in.text("VM_STATUS_SOCKET");
    // sockaddr_un holds 108 bytes with the terminator.
    if (vm.status_socket.size() >= 108) in.fail("VM_STATUS_SOCKET", "path too long for a socket");
    vm.guest_password = in.text("VM_GUEST_PASSWORD");
    vm.guest_ssh_key = in.text("VM_GUEST_SSH_KEY");
    const std::string warm = in.text("VM_WARM_START");
    if (warm != "auto" && warm != "off") in.fail("VM_WARM_START", "expected auto or off");
    vm.warm_start = warm == "auto";
}

}  // namespace

vm_settings build_settings(const raw_settings& raw, bool dry_run) {
    const setting_reader in(raw);
    vm_settings vm;
    vm.dry_run = dry_run;
    in.check("VM_DATA_DIR", CLI::ExistingDirectory);
    vm.data_dir = fs::absolute(in.text("VM_DATA_DIR")).lexically_normal().string();
    vm.cpu_count = in.integer("VM_CPU_COUNT", 1, 512);
    vm.memory_mib = in.integer("VM_MEMORY", 16, 1048576);
    vm.telnet_port = in.integer("VM_TELNET_PORT", 0, 65535);
    vm.shutdown_timeout_s = in.integer("VM_SHUTDOWN_TIMEOUT", 0, 3600);
    try {
        vm.forwards = parse_forward_ports(in.text("VM_FORWARD_PORTS"));
    } catch (const std::invalid_argument& e) {
        in.fail("VM_FORWARD_PORTS", e.what());
    }
    vm.append = in.text("VM_APPEND");
    vm.ready_pattern = in.text("VM_READY_PATTERN");
    try {
        std::regex check(vm.ready_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        in.fail("VM_READY_PATTERN", std::string("not a regular expression: ") + e.what());
    }
    read_paths(in, vm);
    read_runtime(in, vm);
    vm.cpu_features = in.text("VM_CPU_FEATURES");
    check_cpu_features(in, vm);
    return vm;
}

}  // namespace launcher
