// The recording's two readers of untrusted bytes: guest output, cut anywhere
// and in any encoding, always becomes text a JSON parser takes, and valid
// UTF-8 without control bytes comes back unchanged; and a file's first line
// is a start time or nothing.
#include "relay/cast_text.hpp"
#include "relay/console_recording.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)launcher::cast_header_time(bytes);
    // The first byte says where the output is cut in two.
    const std::size_t cut = size == 0 ? 0 : data[0] % size;
    launcher::cast_text text;
    std::string out = "\"";
    text.append(out, bytes.substr(0, cut));
    text.append(out, bytes.substr(cut));
    out += "\"";
    const auto parsed = nlohmann::json::parse(out, nullptr, false);
    if (!parsed.is_string()) std::abort();
    // Whatever is valid UTF-8 and ends whole reads back as it was.
    const auto back = parsed.get<std::string>();
    const auto valid = nlohmann::json::parse("\"" + std::string(bytes) + "\"", nullptr, false);
    if (valid.is_string() && valid.get<std::string>() == bytes && back != bytes) std::abort();
    return 0;
}
