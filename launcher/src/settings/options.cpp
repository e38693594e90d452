// The settings' sources in order of precedence: defaults, environment, vm.conf, flags (CLI11).
#include "settings/options.hpp"

#include "project_version.hpp"
#include "settings/conf_file.hpp"
#include "settings/setting_specs.hpp"
#include "settings/settings_builder.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace launcher {
namespace {

constexpr const char* footer_text =
    "Each flag has an environment variable twin (shown in brackets).\n"
    "Precedence, lowest first: defaults, environment, $VM_DATA_DIR/vm.conf\n"
    "(or config.sh when there is no vm.conf: KEY=VALUE lines, # comments,\n"
    "optional quotes and 'export', never run by a shell), flags.\n"
    "Relative paths are taken from the data directory.";

bool given_as_flag(const sourced_value& value) {
    return value.origin.rfind("--", 0) == 0;
}

}  // namespace

env_lookup process_environment() {
    return [](const std::string& key) -> std::optional<std::string> {
        const char* value = std::getenv(key.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

void apply_data_dir_conf(raw_settings& layered) {
    const std::filesystem::path data_dir = layered.at("VM_DATA_DIR").value;
    if (!std::filesystem::is_directory(data_dir)) return;  // reported by validation
    for (const auto& entry : read_data_dir_conf(data_dir)) {
        const setting_spec* spec = find_spec(entry.key);
        // Its value is never shown: a misspelt key may hold a secret.
        if (spec == nullptr) throw settings_error(entry.origin + ": unknown variable " + entry.key);
        if (entry.key == "VM_DATA_DIR") {
            throw settings_error(entry.origin +
                                 ": VM_DATA_DIR cannot be set inside the data "
                                 "directory");
        }
        auto& current = layered.at(entry.key);
        if (!given_as_flag(current)) current = {entry.value, entry.origin};
    }
}

std::variant<vm_settings, int> load_settings(int argc, const char* const* argv,
                                             const env_lookup& env) {
    CLI::App app{
        "Runs a RISC-V virtual machine in QEMU and serves its serial console "
        "as telnet on 127.0.0.1.",
        "launcher"};
    app.footer(footer_text);
    std::map<std::string, std::string> flag_values;
    std::map<std::string, CLI::Option*> flags;
    for (const auto& spec : setting_specs()) {
        const std::string help = help_text(spec) + " [" + spec.key +
                                 ", default: " + (*spec.fallback ? spec.fallback : "none") + "]";
        flags[spec.key] = app.add_option(spec.flag, flag_values[spec.key], help);
    }
    bool dry_run = false;
    app.add_flag("--dry-run", dry_run, "Print QEMU's argv, one argument per line, and exit");
    std::string save_snapshot;
    app.add_option("--save-snapshot", save_snapshot,
                   "Boot cold, wait for the ready point named in this snapshot.conf, save the "
                   "VM into its qcow2 disk, write warm-start.conf in the data directory, exit")
        ->check(CLI::ExistingFile);
    app.set_version_flag("--version", "launcher " QEMU_RISCV64_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    // Layer the sources: default, then environment, then flag.
    raw_settings layered;
    for (const auto& spec : setting_specs()) {
        sourced_value value{spec.fallback, "default"};
        if (auto from_env = env(spec.key)) value = {*from_env, "environment"};
        if (flags[spec.key]->count() > 0) {
            value = {flag_values[spec.key], spec.flag};
            if (spec.secret) {
                std::cerr << "launcher: warning: " << spec.flag << " shows its value in the "
                          << "process list (/proc/PID/cmdline); use " << spec.key << "_FILE\n";
            }
        }
        layered[spec.key] = value;
    }
    try {
        apply_data_dir_conf(layered);
    } catch (const conf_error& e) {
        throw settings_error(e.what());
    }
    vm_settings vm = build_settings(layered, dry_run);
    vm.save_snapshot = save_snapshot;
    // A snapshot is always taken from a cold boot.
    if (!save_snapshot.empty()) {
        vm.warm_start = false;
        vm.hibernate = hibernate_mode::off;
    }
    return vm;
}

}  // namespace launcher
