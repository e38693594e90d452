#pragma once
// Validation: turns layered setting texts into vm_settings, or throws
// settings_error naming the variable, the value and where it came from.
#include "settings/raw_settings.hpp"
#include "settings/settings.hpp"

namespace launcher {

vm_settings build_settings(const raw_settings& raw, bool dry_run);

}  // namespace launcher
