#include "console_hub.hpp"

#include <vector>

namespace launcher {

console_hub::console_hub(std::size_t scrollback_bytes, sink mirror, sink keyboard)
    : history_(scrollback_bytes), mirror_(std::move(mirror)), keyboard_(std::move(keyboard)) {}

void console_hub::join(const std::shared_ptr<console_client>& client) {
    clients_.insert(client);
    for (const auto& piece : history_.chunks())
        client->deliver(piece);
}

void console_hub::leave(const std::shared_ptr<console_client>& client) {
    clients_.erase(client);
}

void console_hub::publish(std::string_view raw) {
    if (raw.empty()) return;
    mirror_(raw);
    const chunk piece = make_telnet_chunk(raw);
    history_.append(piece);
    // A client may leave while being delivered to: iterate over a snapshot.
    const std::vector<std::shared_ptr<console_client>> snapshot(clients_.begin(), clients_.end());
    for (const auto& client : snapshot)
        client->deliver(piece);
}

void console_hub::type(std::string_view bytes) const {
    if (!bytes.empty()) keyboard_(bytes);
}

}  // namespace launcher
