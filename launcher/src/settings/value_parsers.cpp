// Parsers of the structured settings: ports, ranges, network mode, CPU feature names.
#include "settings/value_parsers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <stdexcept>

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
