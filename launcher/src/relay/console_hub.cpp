// The serial console's fan-out: output to stdout, scrollback and clients; keys to the guest.
#include "relay/console_hub.hpp"

#include <vector>

namespace launcher {

console_hub::console_hub(std::size_t scrollback_bytes, sink mirror, sink keyboard)
    : history_(scrollback_bytes), mirror_(std::move(mirror)), keyboard_(std::move(keyboard)) {}

void console_hub::join(const std::shared_ptr<console_client>& client) {
    clients_.insert(client);
    // Escaped as one piece now, so an IAC pair is never split at the ring's edge.
    if (history_.size() > 0) client->deliver(make_telnet_chunk(history_.contents()));
}

void console_hub::leave(const std::shared_ptr<console_client>& client) {
    clients_.erase(client);
}

void console_hub::publish(std::string_view raw) {
    if (raw.empty()) return;
    mirror_(raw);
    history_.append(raw);
    const chunk piece = make_telnet_chunk(raw);
    // A client may leave while being delivered to: iterate over a snapshot.
    const std::vector<std::shared_ptr<console_client>> snapshot(clients_.begin(), clients_.end());
    for (const auto& client : snapshot)
        client->deliver(piece);
}

void console_hub::type(std::string_view bytes) const {
    if (!bytes.empty()) keyboard_(bytes);
}

}  // namespace launcher
