#pragma once
// Guest output on its way to telnet clients: built once, IAC-escaped, then
// shared read-only by every client, which appends it to its outbox.
#include <memory>
#include <string>
#include <string_view>

namespace launcher {

using chunk = std::shared_ptr<const std::string>;

// Copies `raw` once, doubling every IAC (0xFF) byte as telnet requires.
chunk make_telnet_chunk(std::string_view raw);

}  // namespace launcher
