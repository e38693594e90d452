// Per-address delays for wrong credentials.
#include "login_throttle.hpp"

#include <algorithm>

namespace console {

std::chrono::milliseconds login_throttle::record_failure(const std::string& client,
                                                         clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (clients_.size() >= max_clients) forget_old(now);
    auto& entry = clients_[client];
    if (now - entry.last > forget_after) entry.failures = 0;
    entry.last = now;
    entry.failures = std::min(entry.failures + 1, 32U);
    if (entry.failures <= free_failures) return std::chrono::milliseconds(0);
    const auto doublings = std::min(entry.failures - free_failures - 1, 8U);
    return std::min<std::chrono::milliseconds>(first_delay * (1L << doublings), max_delay);
}

void login_throttle::record_success(const std::string& client) {
    const std::lock_guard lock(mutex_);
    clients_.erase(client);
}

// Quiet records go first; if every record is recent, the table starts over.
void login_throttle::forget_old(clock::time_point now) {
    for (auto it = clients_.begin(); it != clients_.end();)
        it = now - it->second.last > forget_after ? clients_.erase(it) : std::next(it);
    if (clients_.size() >= max_clients) clients_.clear();
}

}  // namespace console
