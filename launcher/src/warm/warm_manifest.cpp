// warm-start.conf and snapshot.conf read and written.
#include "warm/warm_manifest.hpp"

#include "settings/conf_file.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

namespace launcher {
namespace {

using field_setter = std::function<void(const std::string& value)>;

int to_int(const conf_entry& entry) {
    try {
        std::size_t used = 0;
        const int value = std::stoi(entry.value, &used);
        if (used == entry.value.size() && value >= 0) return value;
    } catch (const std::exception&) {
    }
    throw conf_error(entry.origin + ": " + entry.key + "='" + entry.value +
                     "' is not a whole number");
}

bool to_bool(const conf_entry& entry) {
    if (entry.value == "yes") return true;
    if (entry.value == "no") return false;
    throw conf_error(entry.origin + ": " + entry.key + "='" + entry.value + "' is not yes or no");
}

std::map<std::string, std::function<void(const conf_entry&)>> recipe_fields(snapshot_recipe& r) {
    return {
        {"READY_PATTERN",
         [&r](const conf_entry& e) {
             r.ready_pattern = e.value;
         }},
        {"WAIT_AGENT",
         [&r](const conf_entry& e) {
             r.wait_agent = to_bool(e);
         }},
        {"QUIET_SECONDS",
         [&r](const conf_entry& e) {
             r.quiet_seconds = to_int(e);
         }},
        {"TIMEOUT_SECONDS",
         [&r](const conf_entry& e) {
             r.timeout_seconds = to_int(e);
         }},
        {"RESUME_AGENT_SCRIPT",
         [&r](const conf_entry& e) {
             r.resume_agent_script = e.value;
         }},
        {"RESUME_CONSOLE",
         [&r](const conf_entry& e) {
             r.resume_console = e.value;
         }},
    };
}

std::map<std::string, std::function<void(const conf_entry&)>> manifest_fields(warm_manifest& m) {
    auto fields = recipe_fields(m.recipe);
    machine_record& k = m.machine;
    fields.insert({
        {"SNAPSHOT",
         [&m](const conf_entry& e) {
             m.snapshot = e.value;
         }},
        {"SAVED_AT",
         [&m](const conf_entry& e) {
             m.saved_at = e.value;
         }},
        {"DISK",
         [&m](const conf_entry& e) {
             m.disk = e.value;
         }},
        {"DISK_FINGERPRINT",
         [&m](const conf_entry& e) {
             m.disk_fingerprint = e.value;
         }},
        {"AGENT",
         [&m](const conf_entry& e) {
             m.agent = to_bool(e);
         }},
        {"QEMU_VERSION",
         [&k](const conf_entry& e) {
             k.qemu_version = e.value;
         }},
        {"MACHINE",
         [&k](const conf_entry& e) {
             k.machine = e.value;
         }},
        {"CPU_COUNT",
         [&k](const conf_entry& e) {
             k.cpu_count = to_int(e);
         }},
        {"MEMORY",
         [&k](const conf_entry& e) {
             k.memory_mib = to_int(e);
         }},
        {"DEVICES",
         [&k](const conf_entry& e) {
             k.devices = e.value;
         }},
        {"BIOS",
         [&k](const conf_entry& e) {
             k.bios = e.value;
         }},
        {"KERNEL",
         [&k](const conf_entry& e) {
             k.kernel = e.value;
         }},
        {"INITRD",
         [&k](const conf_entry& e) {
             k.initrd = e.value;
         }},
        {"APPEND",
         [&k](const conf_entry& e) {
             k.append = e.value;
         }},
    });
    return fields;
}

template <typename Fields>
void read_fields(const std::string& path, Fields fields) {
    std::ifstream in(path);
    if (!in) throw conf_error(path + ": cannot be read");
    for (const auto& entry : parse_conf(in, path)) {
        const auto field = fields.find(entry.key);
        if (field == fields.end()) throw conf_error(entry.origin + ": unknown key " + entry.key);
        field->second(entry);
    }
}

// Single quotes keep every byte but a quote literal; the reader takes them as they are.
std::string quoted(const std::string& value) {
    if (value.find('\'') != std::string::npos) throw std::runtime_error("quote in " + value);
    return "'" + value + "'";
}

}  // namespace

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return text;
}

snapshot_recipe read_recipe(const std::string& path) {
    snapshot_recipe recipe;
    read_fields(path, recipe_fields(recipe));
    if (recipe.ready_pattern.empty()) throw conf_error(path + ": READY_PATTERN is missing");
    // The hook script lives beside snapshot.conf.
    if (!recipe.resume_agent_script.empty()) {
        const auto script = std::filesystem::path(path).parent_path() / recipe.resume_agent_script;
        if (!std::filesystem::is_regular_file(script)) {
            throw conf_error(path + ": RESUME_AGENT_SCRIPT='" + recipe.resume_agent_script +
                             "': no file " + script.string());
        }
        recipe.resume_agent_script = script.string();
    }
    return recipe;
}

warm_manifest read_manifest(const std::string& path) {
    warm_manifest manifest;
    read_fields(path, manifest_fields(manifest));
    return manifest;
}

void write_manifest(const std::string& path, const warm_manifest& m, const char* header) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary);
        const machine_record& k = m.machine;
        const snapshot_recipe& r = m.recipe;
        out << header << "SNAPSHOT=" << quoted(m.snapshot) << "\nSAVED_AT=" << quoted(m.saved_at)
            << "\nDISK=" << quoted(m.disk) << "\nDISK_FINGERPRINT=" << quoted(m.disk_fingerprint)
            << "\nAGENT=" << (m.agent ? "yes" : "no") << "\nQEMU_VERSION=" << quoted(k.qemu_version)
            << "\nMACHINE=" << quoted(k.machine) << "\nCPU_COUNT=" << k.cpu_count
            << "\nMEMORY=" << k.memory_mib << "\nDEVICES=" << quoted(k.devices)
            << "\nBIOS=" << quoted(k.bios) << "\nKERNEL=" << quoted(k.kernel)
            << "\nINITRD=" << quoted(k.initrd) << "\nAPPEND=" << quoted(k.append)
            << "\n# After a resume\nREADY_PATTERN=" << quoted(r.ready_pattern)
            << "\nWAIT_AGENT=" << (r.wait_agent ? "yes" : "no")
            << "\nRESUME_AGENT_SCRIPT=" << quoted(r.resume_agent_script)
            << "\nRESUME_CONSOLE=" << quoted(r.resume_console) << "\n";
        if (!out.flush()) throw std::runtime_error(temporary + ": cannot be written");
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace launcher
