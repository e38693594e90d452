#pragma once
// The fan-out between the guest's serial line and its telnet clients: every
// chunk of output goes to stdout, the scrollback and each client; every
// client's keystrokes go to the guest. Used from one thread (the io_context's).
#include "relay/chunk.hpp"
#include "relay/scrollback.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace launcher {

// A receiver of guest output: a telnet session, or a test's fake.
class console_client {
public:
    virtual ~console_client() = default;
    // Queues `piece`; a client that cannot keep up drops itself from the hub.
    virtual void deliver(const chunk& piece) = 0;
};

class console_hub {
public:
    using sink = std::function<void(std::string_view)>;

    // `mirror` gets every raw output byte (stdout); `keyboard` every typed byte.
    console_hub(std::size_t scrollback_bytes, sink mirror, sink keyboard);

    // Adds a client and hands it the scrollback first, as one piece.
    void join(const std::shared_ptr<console_client>& client);
    void leave(const std::shared_ptr<console_client>& client);

    // Guest output: kept raw in the scrollback, escaped once for all clients.
    void publish(std::string_view raw);

    // Keystrokes from a client, on their way to the guest.
    void type(std::string_view bytes) const;

    std::size_t client_count() const { return clients_.size(); }
    // A client dropped itself for falling behind: counted for the status socket.
    void count_dropped() { ++dropped_; }
    std::uint64_t dropped_count() const { return dropped_; }
    const scrollback& history() const { return history_; }

private:
    scrollback history_;
    sink mirror_;
    sink keyboard_;
    std::unordered_set<std::shared_ptr<console_client>> clients_;
    std::uint64_t dropped_ = 0;  // clients dropped for falling behind
};

}  // namespace launcher
