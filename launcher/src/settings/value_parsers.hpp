#pragma once
// Parsers for the structured settings; each throws std::invalid_argument
// with a reason that the caller prefixes with the variable and value. They
// read text (and PATH) only: what QEMU itself says is settings/qemu_probe's.
#include "settings/settings.hpp"

#include <string>
#include <vector>

namespace launcher {

// "2222:22,8080" -> {2222->22, 8080->8080}; every port 1..65535.
std::vector<port_forward> parse_forward_ports(const std::string& text);

// "1024-49151,60000" -> {1024..49151, 60000..60000}; every port 1..65535.
std::vector<port_range> parse_port_ranges(const std::string& text);

// "8080,9090" -> {8080, 9090}.
std::vector<std::uint16_t> parse_port_list(const std::string& text);

// "user", "passt" or "none".
network_mode parse_network_mode(const std::string& text);

// "v=true,vlen=256" -> {"v", "vlen"}: the property names, syntax checked.
std::vector<std::string> parse_cpu_feature_names(const std::string& text);

// `name` as an executable path: itself when it holds a '/', else found in PATH;
// empty when there is none.
std::string find_executable(const std::string& name);

}  // namespace launcher
