// Asks the QEMU binary for its rv64 CPU's properties and its version.
#include "settings/qemu_probe.hpp"

#include "process/child_process.hpp"

#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

extern char** environ;

namespace launcher {
namespace {

// QEMU's output for `args`, run as QEMU itself runs: the same scrubbed
// environment, no secrets.
std::string ask_qemu(const std::vector<std::string>& args, const std::string& input = {}) {
    return capture_output(args, qemu_environment(environ), input);
}

}  // namespace

std::vector<std::string> query_cpu_properties(const std::string& qemu) {
    std::vector<std::string> names;
    // QEMU 8 and later list the extensions (v, zba, ...) only to QMP's
    // qom-list-properties; 7.2 lists them all in the device's help too.
    static const char properties_request[] =
        "{\"execute\": \"qmp_capabilities\"}\n"
        "{\"execute\": \"qom-list-properties\", \"arguments\": "
        "{\"typename\": \"rv64-riscv-cpu\"}}\n"
        "{\"execute\": \"quit\"}\n";
    std::stringstream replies(
        ask_qemu({qemu, "-machine", "none", "-nodefaults", "-display", "none", "-qmp", "stdio"},
                 properties_request));
    for (std::string line; std::getline(replies, line);) {
        const auto reply = nlohmann::json::parse(line, nullptr, false);
        if (!reply.is_object() || !reply.contains("return") || !reply["return"].is_array())
            continue;
        for (const auto& property : reply["return"]) {
            if (property.is_object() && property.contains("name") && property["name"].is_string())
                names.push_back(property["name"].get<std::string>());
        }
    }
    static const std::regex property_line(R"(^\s+([A-Za-z0-9_.-]+)=<)");
    std::stringstream lines(ask_qemu({qemu, "-machine", "none", "-device", "rv64-riscv-cpu,help"}));
    std::smatch match;
    for (std::string line; std::getline(lines, line);) {
        if (std::regex_search(line, match, property_line)) names.push_back(match[1]);
    }
    return names;
}

std::string query_qemu_version(const std::string& qemu) {
    const std::string output = ask_qemu({qemu, "--version"});
    return output.substr(0, output.find('\n'));
}

}  // namespace launcher
