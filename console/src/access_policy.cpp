// Origin and HTTP Basic checks.
#include "access_policy.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace console {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Compares in time independent of where the strings first differ.
bool constant_time_equal(std::string_view a, std::string_view b) {
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return difference == 0;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

access_policy::access_policy(std::string credentials, const std::string& allow_origin)
    : credentials_(std::move(credentials)) {
    if (!credentials_.empty() && credentials_.find(':') == std::string::npos)
        throw std::invalid_argument("CONSOLE_AUTH/--auth must be user:password (no ':' found)");
    if (allow_origin.empty()) return;
    try {
        allow_origin_.emplace(allow_origin, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& error) {
        throw std::invalid_argument("CONSOLE_ALLOW_ORIGIN/--allow-origin '" + allow_origin +
                                    "' is not a valid regex: " + error.what());
    }
}

bool access_policy::origin_allowed(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return true;
    const auto scheme_end = origin.find("://");
    if (scheme_end != std::string_view::npos && iequals(origin.substr(scheme_end + 3), host))
        return true;
    return allow_origin_ && std::regex_match(origin.begin(), origin.end(), *allow_origin_);
}

bool access_policy::authorized(std::string_view authorization) const {
    if (credentials_.empty()) return true;
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size() ||
        !iequals(authorization.substr(0, scheme.size()), scheme))
        return false;
    const auto decoded = decode_base64(authorization.substr(scheme.size()));
    return decoded && constant_time_equal(*decoded, credentials_);
}

std::string encode_base64(std::string_view bytes) {
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        // Three bytes make four characters; a short group is padded with '='.
        unsigned group = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(group >> 18) & 63];
        out += alphabet[(group >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(group >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[group & 63] : '=';
    }
    return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    unsigned bits = 0;
    int bit_count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // '=' may only pad the last one or two characters.
        if (text[i] == '=') {
            if (i + 2 < text.size() || (i + 1 < text.size() && text[i + 1] != '='))
                return std::nullopt;
            break;
        }
        const int value = base64_value(text[i]);
        if (value < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(value);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
        }
    }
    return out;
}

}  // namespace console
