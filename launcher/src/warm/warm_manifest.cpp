// warm-start.conf and snapshot.conf read and written through one table of their keys.
#include "warm/warm_manifest.hpp"

#include "settings/conf_file.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <variant>
#include <vector>

namespace launcher {
namespace {

// The member a key fills: one of the manifest's own, its machine record's or its recipe's.
using field_member =
    std::variant<std::string warm_manifest::*, bool warm_manifest::*, std::string machine_record::*,
                 int machine_record::*, std::string snapshot_recipe::*, int snapshot_recipe::*,
                 bool snapshot_recipe::*>;

// Whether a key is written to the manifest: snapshot.conf's own keys never are.
enum class writing { always, when_set, never };

// One key of warm-start.conf; snapshot.conf takes the recipe's keys only.
struct manifest_field {
    const char* key;
    field_member member;
    writing written = writing::always;
};

// Every key, once, in the order the manifest is written; the recipe's come last.
const std::vector<manifest_field>& manifest_fields() {
    static const std::vector<manifest_field> fields = {
        {"SNAPSHOT", &warm_manifest::snapshot},
        {"SAVED_AT", &warm_manifest::saved_at},
        {"DISK", &warm_manifest::disk},
        {"DISK_FINGERPRINT", &warm_manifest::disk_fingerprint},
        {"AGENT", &warm_manifest::agent},
        {"LEASE", &warm_manifest::lease, writing::when_set},
        {"QEMU_VERSION", &machine_record::qemu_version},
        {"MACHINE", &machine_record::machine},
        {"CPU_COUNT", &machine_record::cpu_count},
        {"MEMORY", &machine_record::memory_mib},
        {"DEVICES", &machine_record::devices},
        {"BIOS", &machine_record::bios},
        {"KERNEL", &machine_record::kernel},
        {"INITRD", &machine_record::initrd},
        {"APPEND", &machine_record::append},
        {"READY_PATTERN", &snapshot_recipe::ready_pattern},
        {"WAIT_AGENT", &snapshot_recipe::wait_agent},
        {"QUIET_SECONDS", &snapshot_recipe::quiet_seconds, writing::never},
        {"TIMEOUT_SECONDS", &snapshot_recipe::timeout_seconds, writing::never},
        {"RESUME_AGENT_SCRIPT", &snapshot_recipe::resume_agent_script},
        {"RESUME_CONSOLE", &snapshot_recipe::resume_console},
        {"RESUME_HOSTNAME", &snapshot_recipe::resume_hostname, writing::when_set},
    };
    return fields;
}

// The value a member names in a manifest (const or not), whichever part holds it.
template <typename Manifest, typename Value>
auto& value_in(Manifest& m, Value warm_manifest::*member) {
    return m.*member;
}
template <typename Manifest, typename Value>
auto& value_in(Manifest& m, Value machine_record::*member) {
    return m.machine.*member;
}
template <typename Manifest, typename Value>
auto& value_in(Manifest& m, Value snapshot_recipe::*member) {
    return m.recipe.*member;
}

// A recipe's key: snapshot.conf takes it too.
bool in_recipe(const manifest_field& field) {
    return std::holds_alternative<std::string snapshot_recipe::*>(field.member) ||
           std::holds_alternative<int snapshot_recipe::*>(field.member) ||
           std::holds_alternative<bool snapshot_recipe::*>(field.member);
}

// The field of `key`, or nullptr when the file takes no such key.
const manifest_field* find_field(const std::string& key, bool recipe_only) {
    for (const auto& field : manifest_fields()) {
        if (key == field.key && (!recipe_only || in_recipe(field))) return &field;
    }
    return nullptr;
}

int to_int(const conf_entry& entry) {
    try {
        std::size_t used = 0;
        const int value = std::stoi(entry.value, &used);
        if (used == entry.value.size() && value >= 0) return value;
    } catch (const std::exception&) {
    }
    throw conf_error(entry.origin + ": " + entry.key + "='" + entry.value +
                     "' is not a whole number");
}

bool to_bool(const conf_entry& entry) {
    if (entry.value == "yes") return true;
    if (entry.value == "no") return false;
    throw conf_error(entry.origin + ": " + entry.key + "='" + entry.value + "' is not yes or no");
}

// A line's value into the member its key names, by the member's type.
void parse_into(std::string& value, const conf_entry& entry) {
    value = entry.value;
}

void parse_into(int& value, const conf_entry& entry) {
    value = to_int(entry);
}

void parse_into(bool& value, const conf_entry& entry) {
    value = to_bool(entry);
}

// Single quotes keep every byte but a quote literal; the reader takes them as they are.
std::string formatted(const std::string& value) {
    if (value.find('\'') != std::string::npos) throw std::runtime_error("quote in " + value);
    return "'" + value + "'";
}

std::string formatted(int value) {
    return std::to_string(value);
}

std::string formatted(bool value) {
    return value ? "yes" : "no";
}

// Fills `m` from the file's lines; `recipe_only` for snapshot.conf.
void read_fields(const std::string& path, warm_manifest& m, bool recipe_only) {
    std::ifstream in(path);
    if (!in) throw conf_error(path + ": cannot be read");
    for (const auto& entry : parse_conf(in, path)) {
        const manifest_field* field = find_field(entry.key, recipe_only);
        if (field == nullptr) throw conf_error(entry.origin + ": unknown key " + entry.key);
        std::visit([&](auto member) { parse_into(value_in(m, member), entry); }, field->member);
    }
}

// KEY=VALUE lines of every written field, the recipe's under a comment of their own.
void write_fields(std::ostream& out, const warm_manifest& m) {
    bool recipe_begun = false;
    for (const auto& field : manifest_fields()) {
        if (field.written == writing::never) continue;
        if (in_recipe(field) && !recipe_begun) out << "# After a resume\n";
        recipe_begun = recipe_begun || in_recipe(field);
        const std::string value =
            std::visit([&](auto member) { return formatted(value_in(m, member)); }, field.member);
        if (field.written == writing::when_set && value == "''") continue;
        out << field.key << '=' << value << '\n';
    }
}

}  // namespace

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return text;
}

snapshot_recipe read_recipe(const std::string& path) {
    warm_manifest read;  // only its recipe is filled
    read_fields(path, read, true);
    snapshot_recipe recipe = read.recipe;
    if (recipe.ready_pattern.empty()) throw conf_error(path + ": READY_PATTERN is missing");
    // The hook script lives beside snapshot.conf.
    if (!recipe.resume_agent_script.empty()) {
        const auto script = std::filesystem::path(path).parent_path() / recipe.resume_agent_script;
        if (!std::filesystem::is_regular_file(script)) {
            throw conf_error(path + ": RESUME_AGENT_SCRIPT='" + recipe.resume_agent_script +
                             "': no file " + script.string());
        }
        recipe.resume_agent_script = script.string();
    }
    return recipe;
}

warm_manifest read_manifest(const std::string& path) {
    warm_manifest manifest;
    read_fields(path, manifest, false);
    return manifest;
}

void write_manifest(const std::string& path, const warm_manifest& m, const char* header) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary);
        out << header;
        write_fields(out, m);
        if (!out.flush()) throw std::runtime_error(temporary + ": cannot be written");
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace launcher
