// The launcher's status reply, as /metrics and /readyz read it: any bytes are
// a reply or refused; an accepted one says ready exactly when /readyz does,
// and its exposition is `name value` lines and comments of printable ASCII.
#include "launcher_status.hpp"
#include "metrics.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view reply(reinterpret_cast<const char*>(data), size);
    const bool ready = console::says_ready(reply);
    const auto status = console::parse_launcher_status(reply);
    if (!status) return 0;
    if ((status->word == "ready") != ready) std::abort();
    const std::string text = console::format_metrics({1, 2, 3, 4, 5}, status);
    std::size_t fields = 1;
    for (const char c : text) {
        if (c == '\n') {
            fields = 1;
            continue;
        }
        if (c < ' ' || c > '~') std::abort();
        if (c == ' ') ++fields;
    }
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find('\n', at);
        const std::string_view line(text.data() + at, end - at);
        if (!line.starts_with("#") && line.find(' ') != line.rfind(' ')) std::abort();
        at = end + 1;
    }
    return 0;
}
