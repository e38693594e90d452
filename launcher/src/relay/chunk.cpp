// Guest output escaped once for telnet (IAC doubled).
#include "relay/chunk.hpp"

#include <algorithm>

namespace launcher {

chunk make_telnet_chunk(std::string_view raw) {
    constexpr char iac = '\xff';
    const auto iac_count = static_cast<std::size_t>(std::count(raw.begin(), raw.end(), iac));
    if (iac_count == 0) return std::make_shared<const std::string>(raw);
    std::string escaped;
    escaped.reserve(raw.size() + iac_count);
    for (const char c : raw) {
        escaped += c;
        if (c == iac) escaped += iac;
    }
    return std::make_shared<const std::string>(std::move(escaped));
}

}  // namespace launcher
