// UTF-8 to JSON string text, chunk by chunk.
#include "relay/cast_text.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace launcher {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr int incomplete = -1;

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// The length of the valid sequence at text[at], 0 when none starts there, or
// `incomplete` when the text ends inside what is so far a valid sequence.
int sequence_length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    int length = 0;
    // The second byte's range: narrower after E0, ED, F0 and F4 (no overlong
    // forms, no surrogates, nothing past U+10FFFF; RFC 3629).
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < length; ++i) {
        if (at + static_cast<std::size_t>(i) >= text.size()) return incomplete;
        const auto c = static_cast<unsigned char>(text[at + static_cast<std::size_t>(i)]);
        if (i == 1 ? c < low || c > high : !continuation(c)) return 0;
    }
    return length;
}

// True when none of the 8 bytes at `at` needs a second look: printable ASCII,
// neither quote nor backslash (one test for 8 bytes, in the bits of a word).
bool plain_word(std::string_view text, std::size_t at) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = ones * 0x80;
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, sizeof word);
    // A byte that is zero sets its high bit here (exact for words without high bits).
    const auto has_zero = [](std::uint64_t v) {
        return (v - ones) & ~v & highs;
    };
    const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
    return (word & highs) == 0 && below_space == 0 && has_zero(word ^ (ones * '"')) == 0 &&
           has_zero(word ^ (ones * '\\')) == 0;
}

void append_escaped(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        default:
            break;
    }
    constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    out += "\\u00";
    out += hex[c >> 4];
    out += hex[c & 0xF];
}

}  // namespace

void cast_text::append(std::string& out, std::string_view bytes) {
    // Only a sequence cut at the last chunk's end costs a copy.
    std::string joined;
    if (!pending_.empty()) {
        joined = pending_;
        joined += bytes;
        pending_.clear();
        bytes = joined;
    }
    std::size_t run = 0;  // the start of bytes that go out as they are
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (at + 8 <= bytes.size() && plain_word(bytes, at)) {
            at += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(bytes[at]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++at;
            continue;
        }
        const int length = c < 0x80 ? 0 : sequence_length(bytes, at);
        if (length > 0) {
            at += static_cast<std::size_t>(length);
            continue;
        }
        out.append(bytes.substr(run, at - run));
        if (length == incomplete) {
            pending_.assign(bytes.substr(at));
            return;
        }
        if (c < 0x80) {
            append_escaped(out, c);
        } else {
            out += replacement;
        }
        run = ++at;
    }
    out.append(bytes.substr(run));
}

}  // namespace launcher
