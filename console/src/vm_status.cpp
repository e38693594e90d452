// The /status object: written by the console, read strictly by the front.
#include "vm_status.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace console {

namespace {

constexpr std::size_t max_members = 32;
constexpr std::size_t max_key = 64;

// One scalar member value of the object, as its JSON text says it.
struct json_value {
    enum class kind { string, number, literal };
    kind type;
    std::string_view text;  // a string's contents (escapes left as written), else the token
};

// Reads one flat JSON object: string keys, scalar values, no nesting.
class flat_object_reader {
public:
    explicit flat_object_reader(std::string_view text) : text_(text) {}

    // Calls `member(key, value)` for each member; false on any syntax error or
    // when `member` returns false.
    template <typename Member>
    bool read(Member&& member) {
        skip_space();
        if (!take('{')) return false;
        skip_space();
        if (take('}')) return at_end();
        for (std::size_t count = 0; count < max_members; ++count) {
            const auto key = string_token();
            skip_space();
            if (!key || !take(':')) return false;
            skip_space();
            const auto value = value_token();
            if (!value || !member(*key, *value)) return false;
            skip_space();
            if (take('}')) return at_end();
            if (!take(',')) return false;
            skip_space();
        }
        return false;
    }

private:
    bool take(char c) {
        if (at_ >= text_.size() || text_[at_] != c) return false;
        ++at_;
        return true;
    }
    bool at_end() {
        skip_space();
        return at_ == text_.size();
    }
    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r'))
            ++at_;
    }

    // "..." with JSON's escapes checked; no control characters.
    std::optional<std::string_view> string_token() {
        if (!take('"')) return std::nullopt;
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] != '"') {
            const auto c = static_cast<unsigned char>(text_[at_++]);
            if (c < 0x20) return std::nullopt;
            if (c == '\\' && !escape()) return std::nullopt;
        }
        if (!take('"')) return std::nullopt;
        return text_.substr(start, at_ - 1 - start);
    }
    bool escape() {
        if (at_ >= text_.size()) return false;
        const char c = text_[at_++];
        if (std::string_view("\"\\/bfnrt").find(c) != std::string_view::npos) return true;
        if (c != 'u' || text_.size() - at_ < 4) return false;
        const bool hex = std::all_of(text_.begin() + static_cast<std::ptrdiff_t>(at_),
                                     text_.begin() + static_cast<std::ptrdiff_t>(at_ + 4),
                                     [](unsigned char d) { return std::isxdigit(d) != 0; });
        at_ += 4;
        return hex;
    }

    std::optional<json_value> value_token() {
        if (at_ >= text_.size()) return std::nullopt;
        if (text_[at_] == '"') {
            const auto text = string_token();
            if (!text) return std::nullopt;
            return json_value{json_value::kind::string, *text};
        }
        for (const std::string_view literal : {"true", "false", "null"}) {
            if (text_.substr(at_).starts_with(literal)) {
                at_ += literal.size();
                return json_value{json_value::kind::literal, literal};
            }
        }
        return number_token();
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    std::optional<json_value> number_token() {
        const std::size_t start = at_;
        take('-');
        if (take('0')) {
        } else if (!digits()) {
            return std::nullopt;
        }
        if (take('.') && !digits()) return std::nullopt;
        if (take('e') || take('E')) {
            if (!take('+')) take('-');
            if (!digits()) return std::nullopt;
        }
        return json_value{json_value::kind::number, text_.substr(start, at_ - start)};
    }
    bool digits() {
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9')
            ++at_;
        return at_ > start;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

// Plain digits: no sign, fraction or exponent.
std::optional<std::uint64_t> count_of(const json_value& value) {
    std::uint64_t count = 0;
    const auto* end = value.text.data() + value.text.size();
    if (value.type != json_value::kind::number) return std::nullopt;
    const auto [at, ec] = std::from_chars(value.text.data(), end, count);
    if (value.text.front() == '-' || ec != std::errc() || at != end) return std::nullopt;
    return count;
}

// Digits with an optional fraction, finite, not negative.
std::optional<double> seconds_of(const json_value& value) {
    double seconds = 0;
    const auto* end = value.text.data() + value.text.size();
    if (value.type != json_value::kind::number) return std::nullopt;
    if (value.text.find_first_of("-eE") != std::string_view::npos) return std::nullopt;
    const auto [at, ec] = std::from_chars(value.text.data(), end, seconds);
    if (ec != std::errc() || at != end || !std::isfinite(seconds)) return std::nullopt;
    return seconds;
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// One member into `status`; false when a known member's value is wrong.
bool take_member(vm_status& status, std::string_view key, const json_value& value) {
    const bool is_string = value.type == json_value::kind::string;
    const auto count = [&](std::optional<std::uint64_t>& field) {
        field = count_of(value);
        return field.has_value();
    };
    if (key == "name") {
        status.name = value.text;
        return is_string && is_vm_name(value.text);
    }
    if (key == "state") {
        status.state = value.text;
        return is_string && one_of(value.text, {"booting", "ready", "unready", "stopped"});
    }
    if (key == "start") {
        status.start = value.text;
        return is_string && one_of(value.text, {"cold", "warm", "hibernate"});
    }
    if (key == "uptime_seconds") {
        status.uptime_seconds = seconds_of(value);
        return status.uptime_seconds.has_value();
    }
    if (key == "vcpus") return count(status.vcpus);
    if (key == "memory_mib") return count(status.memory_mib);
    if (key == "viewers") {
        const auto viewers = count_of(value);
        status.viewers = viewers.value_or(0);
        return viewers.has_value();
    }
    return true;  // a member of a newer console
}

std::string seconds_text(double seconds) {
    std::array<char, 64> text{};
    const auto [end, ec] =
        std::to_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed, 3);
    return ec == std::errc() ? std::string(text.data(), end) : "0";
}

}  // namespace

vm_status describe_vm(const std::string& name, std::uint64_t viewers,
                      const std::optional<launcher_status>& launcher) {
    vm_status status{name, launcher ? launcher->word : "stopped", {}, {}, {}, {}, viewers};
    if (!launcher) return status;
    status.start = launcher->guest_start;
    status.uptime_seconds = launcher->launcher_uptime_seconds;
    status.vcpus = launcher->cpu_count;
    status.memory_mib = launcher->memory_mib;
    return status;
}

std::string format_vm_status(const vm_status& status) {
    std::string json = "{\"name\":" + json_string(status.name);
    json += ",\"state\":" + json_string(status.state);
    if (!status.start.empty()) json += ",\"start\":" + json_string(status.start);
    if (status.uptime_seconds)
        json += ",\"uptime_seconds\":" + seconds_text(*status.uptime_seconds);
    if (status.vcpus) json += ",\"vcpus\":" + std::to_string(*status.vcpus);
    if (status.memory_mib) json += ",\"memory_mib\":" + std::to_string(*status.memory_mib);
    json += ",\"viewers\":" + std::to_string(status.viewers) + "}";
    return json;
}

std::optional<vm_status> parse_vm_status(std::string_view reply) {
    if (reply.size() > max_vm_status_reply) return std::nullopt;
    vm_status status;
    std::set<std::string_view> seen;
    const bool read = flat_object_reader(reply).read([&](std::string_view key, json_value value) {
        return key.size() <= max_key && seen.insert(key).second && take_member(status, key, value);
    });
    // Name and state are what the front needs; the rest may be missing.
    if (!read || !seen.contains("name") || !seen.contains("state")) return std::nullopt;
    return status;
}

bool is_vm_name(std::string_view name) {
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || name.size() > 63 || !allowed(name.front()) || !allowed(name.back()))
        return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return allowed(c) || c == '-'; });
}

std::string default_vm_name() {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) return "vm";
    std::string name(host.data());
    name = name.substr(0, name.find('.'));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return is_vm_name(name) ? name : "vm";
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            constexpr std::string_view hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace console
