// Validation: the settings' texts checked and turned into vm_settings.
#include "settings/settings_builder.hpp"

#include "settings/qemu_probe.hpp"
#include "settings/setting_specs.hpp"
#include "settings/value_parsers.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

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
        const setting_spec* spec = find_spec(key);
        const std::string shown = spec && spec->secret ? "***" : item.value;
        throw settings_error(key + "='" + shown + "' (from " + item.origin + "): " + reason);
    }

    // The same CLI11 validators a flag would pass.
    void check(const std::string& key, const CLI::Validator& validator) const {
        std::string value = text(key);
        const std::string problem = validator(value);
        if (!problem.empty()) fail(key, problem);
    }

    // A numeric setting, within the range its spec gives. The message is the
    // table's own: CLI11's Range words it differently from one version to the next.
    int integer(const std::string& key) const {
        const setting_range range = find_spec(key)->range.value();
        const std::string& value = text(key);
        int number = 0;
        const char* end = value.data() + value.size();
        const auto [stop, error] = std::from_chars(value.data(), end, number);
        if (value.empty() || error != std::errc() || stop != end || number < range.low ||
            number > range.high)
            fail(key, "not a whole number from " + range_text(range));
        return number;
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

// A secret from KEY or from the file KEY_FILE names (not both). A password
// file's first line is the password; a key file is taken whole.
std::string read_secret(const setting_reader& in, const std::string& key,
                        const fs::path& data_dir) {
    constexpr std::size_t max_size = 64 * 1024;
    const std::string file_key = key + "_FILE";
    const std::string path = in.file(file_key, data_dir);
    if (path.empty()) return in.text(key);
    if (!in.text(key).empty())
        in.fail(key, "both " + key + " and " + file_key + " are set; give one");
    std::ifstream file(path, std::ios::binary);
    if (!file) in.fail(file_key, "cannot be read");  // not ours to read: never an empty secret
    std::string text(max_size + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (file.bad()) in.fail(file_key, "cannot be read");
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > max_size) in.fail(file_key, "larger than 64 KiB");
    if (key == "VM_GUEST_PASSWORD") text = text.substr(0, text.find_first_of("\r\n"));
    return text;
}

// VM_QEMU_ENV: variable names; a secret's name is refused.
std::vector<std::string> read_env_names(const setting_reader& in) {
    std::vector<std::string> names;
    std::stringstream list(in.text("VM_QEMU_ENV"));
    for (std::string name; std::getline(list, name, ',');) {
        if (name.empty()) continue;
        const bool valid = std::all_of(name.begin(), name.end(),
                                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
        if (!valid) in.fail("VM_QEMU_ENV", "'" + name + "' is not a variable name");
        const setting_spec* spec = find_spec(name);
        const bool secret = (spec && spec->secret) || name.find("PASSWORD") != std::string::npos ||
                            name.rfind("CONSOLE_AUTH", 0) == 0;
        if (secret) in.fail("VM_QEMU_ENV", name + " holds a secret and never reaches QEMU");
        names.push_back(name);
    }
    return names;
}

// A structured setting through its parser; a parse error names the setting.
template <typename Parser>
auto parse_setting(const setting_reader& in, const std::string& key, Parser parse) {
    try {
        return parse(in.text(key));
    } catch (const std::invalid_argument& e) {
        in.fail(key, e.what());
    }
}

bool contains(const std::vector<std::uint16_t>& ports, int port) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
}

void read_network(const setting_reader& in, vm_settings& vm) {
    vm.network = parse_setting(in, "VM_NETWORK", parse_network_mode);
    vm.forwards = parse_setting(in, "VM_FORWARD_PORTS", parse_forward_ports);
    vm.passt_ports = parse_setting(in, "VM_PASST_PORTS", parse_port_ranges);
    vm.pod_ports = parse_setting(in, "VM_POD_PORTS", parse_port_list);
    if (vm.network == network_mode::none && !vm.forwards.empty())
        in.fail("VM_FORWARD_PORTS", "VM_NETWORK=none gives the guest no network to forward to");
    for (const auto& forward : vm.forwards) {
        const std::string host = std::to_string(forward.host_port);
        if (forward.host_port == vm.telnet_port)
            in.fail("VM_FORWARD_PORTS", "host port " + host + " is VM_TELNET_PORT");
        if (vm.network == network_mode::passt && contains(vm.pod_ports, forward.host_port))
            in.fail("VM_FORWARD_PORTS", "host port " + host + " is one of VM_POD_PORTS");
    }
    if (vm.network != network_mode::passt) return;
    vm.passt = find_executable(in.text("VM_PASST"));
    if (vm.passt.empty())
        in.fail("VM_PASST",
                "no such executable (PATH searched): install Debian's passt, or "
                "set VM_NETWORK=user");
}

// A host name as Linux takes it (HOST_NAME_MAX 64) and DNS writes it (RFC 1123):
// dot-separated labels of letters, digits and inner hyphens. It is typed into
// a shell by the images' resume steps, so nothing else may pass.
void read_hostname(const setting_reader& in, vm_settings& vm) {
    vm.hostname = in.text("VM_HOSTNAME");
    if (vm.hostname.empty()) return;
    static const std::regex label("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    bool valid = vm.hostname.size() <= 64;
    std::stringstream labels(vm.hostname + ".");
    for (std::string part; valid && std::getline(labels, part, '.');)
        valid = std::regex_match(part, label);
    if (!valid) {
        in.fail("VM_HOSTNAME",
                "not a host name: letters, digits and inner '-' in labels of at most 63, "
                "joined by '.', 64 in all");
    }
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
    vm.qemu_env = read_env_names(in);
    vm.guest_password = read_secret(in, "VM_GUEST_PASSWORD", vm.data_dir);
    vm.guest_ssh_key = read_secret(in, "VM_GUEST_SSH_KEY", vm.data_dir);
    const std::string warm = in.text("VM_WARM_START");
    if (warm != "auto" && warm != "off") in.fail("VM_WARM_START", "expected auto or off");
    vm.warm_start = warm == "auto";
    vm.recording_max_mib = in.integer("VM_RECORDING_MAX");
    const std::string input = in.text("VM_RECORDING_INPUT");
    if (input != "on" && input != "off") in.fail("VM_RECORDING_INPUT", "expected on or off");
    vm.recording_input = input == "on";
    vm.recording_socket = in.text("VM_RECORDING_SOCKET");
    if (vm.recording_socket.size() >= 108)
        in.fail("VM_RECORDING_SOCKET", "path too long for a socket");
    const std::string hibernate = in.text("VM_HIBERNATE");
    if (hibernate != "auto" && hibernate != "on" && hibernate != "off")
        in.fail("VM_HIBERNATE", "expected auto, on or off");
    vm.hibernate = hibernate == "on"    ? hibernate_mode::on
                   : hibernate == "off" ? hibernate_mode::off
                                        : hibernate_mode::automatic;
}

}  // namespace

vm_settings build_settings(const raw_settings& raw, bool dry_run) {
    const setting_reader in(raw);
    vm_settings vm;
    vm.dry_run = dry_run;
    in.check("VM_DATA_DIR", CLI::ExistingDirectory);
    vm.data_dir = fs::absolute(in.text("VM_DATA_DIR")).lexically_normal().string();
    vm.cpu_count = in.integer("VM_CPU_COUNT");
    vm.memory_mib = in.integer("VM_MEMORY");
    vm.telnet_port = in.integer("VM_TELNET_PORT");
    vm.telnet_max_clients = in.integer("VM_TELNET_MAX_CLIENTS");
    vm.shutdown_timeout_s = in.integer("VM_SHUTDOWN_TIMEOUT");
    vm.telnet_socket = in.text("VM_TELNET_SOCKET");
    read_network(in, vm);
    vm.append = in.text("VM_APPEND");
    read_hostname(in, vm);
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
