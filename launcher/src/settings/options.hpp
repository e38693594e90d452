#pragma once
// Reads the launcher's settings: defaults < environment < vm.conf < flags.
#include "settings/raw_settings.hpp"
#include "settings/settings.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace launcher {

// Looks a variable up in the environment (injectable for tests).
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
env_lookup process_environment();

// The validated settings, or the exit code when CLI11 ended the run
// (--help prints and gives 0; an unknown flag prints and gives non-zero).
std::variant<vm_settings, int> load_settings(int argc, const char* const* argv,
                                             const env_lookup& env);

// The merge step alone: layers vm.conf/config.sh of the data directory over
// `layered` (defaults and environment) except where a flag was given.
void apply_data_dir_conf(raw_settings& layered);

}  // namespace launcher
