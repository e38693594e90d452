// Failed logins slowed down per client address: past two free typos, each
// wrong Authorization doubles the wait before its 401 (0.5 s, 1 s, ... up to
// 8 s), so a password cannot be guessed at network speed. Shared by every
// connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace console {

class login_throttle {
public:
    using clock = std::chrono::steady_clock;

    // Counts a failure of `client` and returns how long to wait before answering.
    std::chrono::milliseconds record_failure(const std::string& client,
                                             clock::time_point now = clock::now());
    // Right credentials: the client's failures are forgotten.
    void record_success(const std::string& client);

    static constexpr unsigned free_failures = 2;  // answered at once
    static constexpr std::chrono::milliseconds first_delay{500};
    static constexpr std::chrono::milliseconds max_delay{8000};
    static constexpr std::chrono::minutes forget_after{10};  // quiet time that clears a record
    static constexpr std::size_t max_clients = 10000;        // records kept at most

private:
    struct record {
        unsigned failures = 0;
        clock::time_point last;
    };
    void forget_old(clock::time_point now);

    std::mutex mutex_;
    std::unordered_map<std::string, record> clients_;
};

}  // namespace console
