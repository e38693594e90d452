// vm.conf and config.sh read as KEY=VALUE data.
#include "settings/conf_file.hpp"

#include <cctype>
#include <fstream>

namespace launcher {
namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

bool is_key(const std::string& key) {
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
    for (const char c : key) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

// A quoted value ends at its closing quote; only a comment may follow it.
// Errors name the key, never the value: it may be a secret.
std::string unquote(const std::string& raw, const std::string& key, const std::string& where) {
    const char quote = raw[0];
    const auto close = raw.find(quote, 1);
    if (close == std::string::npos) {
        throw conf_error(where + ": unclosed " + std::string(1, quote) + " in the value of " + key);
    }
    const std::string rest = trim(raw.substr(close + 1));
    if (!rest.empty() && rest[0] != '#') {
        throw conf_error(where + ": unexpected text after the quoted value of " + key);
    }
    return raw.substr(1, close - 1);
}

// An unquoted value ends where a shell comment (" #") starts.
std::string plain_value(const std::string& raw) {
    const auto comment = raw.find(" #");
    return trim(comment == std::string::npos ? raw : raw.substr(0, comment));
}

conf_entry parse_line(const std::string& text, const std::string& where) {
    std::string line = text;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
        throw conf_error(where + ": expected KEY=VALUE, found a line without '='");
    }
    const std::string key = line.substr(0, eq);
    if (!is_key(key)) {
        throw conf_error(where + ": '" + key + "' is not a variable name");
    }
    const std::string raw = trim(line.substr(eq + 1));
    const bool quoted = !raw.empty() && (raw[0] == '"' || raw[0] == '\'');
    return {key, quoted ? unquote(raw, key, where) : plain_value(raw), where};
}

}  // namespace

std::vector<conf_entry> parse_conf(std::istream& in, const std::string& name) {
    std::vector<conf_entry> entries;
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
        const std::string line = trim(text);
        if (line.empty() || line[0] == '#') continue;
        entries.push_back(parse_line(line, name + ":" + std::to_string(number)));
    }
    return entries;
}

std::vector<conf_entry> read_data_dir_conf(const std::filesystem::path& data_dir) {
    for (const char* file : {"vm.conf", "config.sh"}) {
        const auto path = data_dir / file;
        if (!std::filesystem::is_regular_file(path)) continue;
        std::ifstream in(path);
        if (!in) throw conf_error(path.string() + ": cannot be read");
        return parse_conf(in, path.string());
    }
    return {};
}

}  // namespace launcher
