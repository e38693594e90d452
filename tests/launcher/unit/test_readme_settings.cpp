// launcher/README.md's settings table checked against setting_specs(): the
// variables in order, each one's flag and default, and a numeric one's range.
#include "catch.hpp"
#include "settings/setting_specs.hpp"

#include <fstream>
#include <string>
#include <vector>

namespace {

// One row of the README's table, each cell trimmed; the backticks stay.
struct readme_row {
    std::string variable;
    std::string flag;
    std::string fallback;
    std::string meaning;
};

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// "| a | b |" -> {"a", "b"}.
std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> found;
    std::size_t start = 1;
    for (auto end = line.find('|', start); end != std::string::npos; end = line.find('|', start)) {
        found.push_back(trimmed(line.substr(start, end - start)));
        start = end + 1;
    }
    return found;
}

// The rows of the table under "| Variable | Flag | Default | Meaning |" that
// name a variable (the flag-only rows, --dry-run and the like, are left out).
std::vector<readme_row> readme_settings(const std::string& path) {
    std::ifstream readme(path);
    std::vector<readme_row> rows;
    std::string line;
    while (std::getline(readme, line) && line != "| Variable | Flag | Default | Meaning |") {
    }
    std::getline(readme, line);  // |---|---|---|---|
    while (std::getline(readme, line) && line.rfind('|', 0) == 0) {
        const auto row = cells(line);
        if (row.size() == 4 && !row[0].empty()) rows.push_back({row[0], row[1], row[2], row[3]});
    }
    return rows;
}

std::string code(const std::string& text) {
    return "`" + text + "`";
}

// The Default cell as the README writes a spec's default: `none` when it is
// empty; VM_DRIVE's disk.img is used only when the file is there, and says so.
std::string default_cell(const launcher::setting_spec& spec) {
    if (*spec.fallback == '\0') return "none";
    if (std::string(spec.key) == "VM_DRIVE") return code(spec.fallback) + " when present";
    return code(spec.fallback);
}

}  // namespace

TEST_CASE("the README's settings table says what setting_specs says", "[readme]") {
    const auto rows = readme_settings(LAUNCHER_README);
    std::vector<std::string> readme_variables;
    readme_variables.reserve(rows.size());
    for (const auto& row : rows)
        readme_variables.push_back(row.variable);
    std::vector<std::string> spec_variables;
    spec_variables.reserve(launcher::setting_specs().size());
    for (const auto& spec : launcher::setting_specs())
        spec_variables.push_back(code(spec.key));
    REQUIRE(readme_variables == spec_variables);

    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& spec = launcher::setting_specs()[i];
        const auto& row = rows[i];
        CAPTURE(row.variable);
        CHECK(row.flag == code(spec.flag));
        CHECK(row.fallback == default_cell(spec));
        if (!spec.range) continue;
        const std::string range = launcher::range_text(*spec.range);
        CAPTURE(row.meaning, range);
        CHECK(row.meaning.find(range) != std::string::npos);
    }
}
