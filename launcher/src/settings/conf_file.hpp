#pragma once
// vm.conf and config.sh: KEY=VALUE lines read as data, never run by a shell.
#include <filesystem>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace launcher {

// One assignment from a configuration file, with where it came from.
struct conf_entry {
    std::string key;
    std::string value;
    std::string origin;  // "path:line", for error messages
};

// A line that is not an assignment, or a value with an unclosed quote.
class conf_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses `KEY=VALUE` lines: `#` comments, blank lines, an optional leading
// `export `, values optionally in single or double quotes. `name` labels errors.
std::vector<conf_entry> parse_conf(std::istream& in, const std::string& name);

// The data directory's vm.conf, else its config.sh, else nothing.
std::vector<conf_entry> read_data_dir_conf(const std::filesystem::path& data_dir);

}  // namespace launcher
