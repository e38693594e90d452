#include "settings/value_parsers.hpp"

#include "qemu/qemu_process.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace launcher {
namespace {

// Every field, empty ones included ("a," gives "a" and "").
std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto end = text.find(separator); end != std::string::npos;
         end = text.find(separator, start)) {
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
}

std::uint16_t parse_port(const std::string& text) {
    const bool digits =
        !text.empty() && text.size() <= 5 &&
        std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
    const int port = digits ? std::stoi(text) : 0;
    if (port < 1 || port > 65535) {
        throw std::invalid_argument("'" + text + "' is not a port (1 to 65535)");
    }
    return static_cast<std::uint16_t>(port);
}

// Runs argv with `input` on its stdin (small: it must fit in a pipe) and
// returns what it printed on stdout and stderr; empty on failure.
std::string capture_output(const std::vector<std::string>& args, const std::string& input = {}) {
    int pipe_fds[2];
    int input_fds[2];
    if (::pipe(pipe_fds) != 0) return {};
    if (::pipe(input_fds) != 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return {};
    }
    // Written before the child starts, then closed: the child reads it, then end of file.
    const bool written =
        ::write(input_fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size());
    ::close(input_fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input_fds[0], 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    const std::vector<char*> argv = c_string_pointers(args);
    // The same scrubbed environment QEMU runs with: no secrets.
    const auto env_strings = qemu_environment(environ);
    const std::vector<char*> envp = c_string_pointers(env_strings);
    pid_t pid = 0;
    const int spawned =
        written ? posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) : -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(input_fds[0]);
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; spawned == 0 && (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    if (spawned == 0) ::waitpid(pid, &status, 0);
    return output;
}

}  // namespace

std::vector<port_forward> parse_forward_ports(const std::string& text) {
    std::vector<port_forward> forwards;
    if (text.empty()) return forwards;
    for (const auto& item : split(text, ',')) {
        const auto colon = item.find(':');
        const std::string guest = colon == std::string::npos ? item : item.substr(colon + 1);
        const std::string host = colon == std::string::npos ? item : item.substr(0, colon);
        forwards.push_back({parse_port(host), parse_port(guest)});
    }
    return forwards;
}

std::vector<port_range> parse_port_ranges(const std::string& text) {
    std::vector<port_range> ranges;
    if (text.empty()) return ranges;
    for (const auto& item : split(text, ',')) {
        const auto dash = item.find('-');
        const std::uint16_t first = parse_port(item.substr(0, dash));
        const std::uint16_t last =
            dash == std::string::npos ? first : parse_port(item.substr(dash + 1));
        if (last < first) throw std::invalid_argument("'" + item + "' ends before it starts");
        ranges.push_back({first, last});
    }
    return ranges;
}

std::vector<std::uint16_t> parse_port_list(const std::string& text) {
    std::vector<std::uint16_t> ports;
    if (text.empty()) return ports;
    for (const auto& item : split(text, ','))
        ports.push_back(parse_port(item));
    return ports;
}

network_mode parse_network_mode(const std::string& text) {
    if (text == "user") return network_mode::user;
    if (text == "passt") return network_mode::passt;
    if (text == "none") return network_mode::none;
    throw std::invalid_argument("expected 'user', 'passt' or 'none'");
}

std::vector<std::string> parse_cpu_feature_names(const std::string& text) {
    static const std::regex feature("([A-Za-z][A-Za-z0-9_.-]*)(=[A-Za-z0-9_.]+)?");
    std::vector<std::string> names;
    if (text.empty()) return names;
    for (const auto& item : split(text, ',')) {
        std::smatch match;
        if (!std::regex_match(item, match, feature)) {
            throw std::invalid_argument("'" + item +
                                        "' is not a CPU property (name or name=value)");
        }
        names.push_back(match[1]);
    }
    return names;
}

std::vector<std::string> query_cpu_properties(const std::string& qemu) {
    std::vector<std::string> names;
    // QEMU 8 and later list the extensions (v, zba, ...) only to QMP's
    // qom-list-properties; 7.2 lists them all in the device's help too.
    static const char properties_request[] =
        "{\"execute\": \"qmp_capabilities\"}\n"
        "{\"execute\": \"qom-list-properties\", \"arguments\": "
        "{\"typename\": \"rv64-riscv-cpu\"}}\n"
        "{\"execute\": \"quit\"}\n";
    std::stringstream replies(capture_output(
        {qemu, "-machine", "none", "-nodefaults", "-display", "none", "-qmp", "stdio"},
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
    std::stringstream lines(
        capture_output({qemu, "-machine", "none", "-device", "rv64-riscv-cpu,help"}));
    std::smatch match;
    for (std::string line; std::getline(lines, line);) {
        if (std::regex_search(line, match, property_line)) names.push_back(match[1]);
    }
    return names;
}

std::string query_qemu_version(const std::string& qemu) {
    const std::string output = capture_output({qemu, "--version"});
    return output.substr(0, output.find('\n'));
}

std::string find_executable(const std::string& name) {
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0 ? name : std::string{};
    }
    const char* path = std::getenv("PATH");
    for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

}  // namespace launcher
