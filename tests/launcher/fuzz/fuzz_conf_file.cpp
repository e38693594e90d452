// vm.conf / config.sh and the value parsers: any bytes give entries or a
// conf_error / invalid_argument, never a crash.
#include "settings/conf_file.hpp"
#include "settings/value_parsers.hpp"

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        std::istringstream in(text);
        for (const auto& entry : launcher::parse_conf(in, "vm.conf")) {
            // Each value through the parsers a setting may use.
            try {
                launcher::parse_forward_ports(entry.value);
            } catch (const std::invalid_argument&) {
            }
            try {
                launcher::parse_cpu_feature_names(entry.value);
            } catch (const std::invalid_argument&) {
            }
        }
    } catch (const launcher::conf_error&) {
    }
    return 0;
}
