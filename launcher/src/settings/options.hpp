#pragma once
// Reads the launcher's settings: defaults < environment < vm.conf < flags.
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

#include "settings/settings.hpp"

namespace launcher {

// A setting's text before validation, and where it came from.
struct sourced_value {
    std::string value;
    std::string origin;  // "default", "environment", "--memory", "/data/vm.conf:3"
};
using raw_settings = std::map<std::string, sourced_value>;

// Looks a variable up in the environment (injectable for tests).
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
env_lookup process_environment();

// Bad input: the message names the variable (or file and line) and the value.
class settings_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The validated settings, or the exit code when CLI11 ended the run
// (--help prints and gives 0; an unknown flag prints and gives non-zero).
std::variant<vm_settings, int> load_settings(int argc, const char* const* argv,
                                             const env_lookup& env);

// The merge step alone: layers vm.conf/config.sh of the data directory over
// `layered` (defaults and environment) except where a flag was given.
void apply_data_dir_conf(raw_settings& layered);

}  // namespace launcher
