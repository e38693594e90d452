#pragma once
// Parsers for the structured settings; each throws std::invalid_argument
// with a reason that the caller prefixes with the variable and value.
#include <string>
#include <vector>

#include "settings/settings.hpp"

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

// The properties QEMU's rv64 CPU accepts (QMP's qom-list-properties and
// `-device rv64-riscv-cpu,help`); empty when the binary cannot be asked.
std::vector<std::string> query_cpu_properties(const std::string& qemu);

// The first line of `qemu --version`, e.g. "QEMU emulator version 7.2.22 (...)".
std::string query_qemu_version(const std::string& qemu);

// `name` as an executable path: itself when it holds a '/', else found in PATH;
// empty when there is none.
std::string find_executable(const std::string& name);

}  // namespace launcher
