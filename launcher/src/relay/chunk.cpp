// Guest output escaped once for telnet (IAC doubled).
#include "relay/chunk.hpp"

namespace launcher {

chunk make_telnet_chunk(std::string_view raw) {
    constexpr char iac = '\xff';
    // find() is memchr: most output has no IAC and is copied in one piece.
    auto next = raw.find(iac);
    if (next == std::string_view::npos) return std::make_shared<const std::string>(raw);
    std::string escaped;
    escaped.reserve(raw.size() + raw.size() / 16);
    std::size_t done = 0;
    while (next != std::string_view::npos) {
        // The run up to and with the IAC, then its double.
        escaped.append(raw.substr(done, next + 1 - done));
        escaped += iac;
        done = next + 1;
        next = raw.find(iac, done);
    }
    escaped.append(raw.substr(done));
    return std::make_shared<const std::string>(std::move(escaped));
}

}  // namespace launcher
