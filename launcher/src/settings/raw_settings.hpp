#pragma once
// The settings before validation: each variable's text and where it came
// from, as options gathers them and settings_builder checks them.
#include <map>
#include <stdexcept>
#include <string>

namespace launcher {

// A setting's text before validation, and where it came from.
struct sourced_value {
    std::string value;
    std::string origin;  // "default", "environment", "--memory", "/data/vm.conf:3"
};
using raw_settings = std::map<std::string, sourced_value>;

// Bad input: the message names the variable (or file and line) and the value.
class settings_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace launcher
