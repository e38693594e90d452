#pragma once
// The pause of an accept loop whose accept fails. Out of descriptors
// (EMFILE), the connection stays queued and the next accept would fail at
// once: instead of spinning, the loop waits 10 ms, doubling up to 1 s, and
// reports the failure once per streak.
#include "net_parts/errors.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string_view>
#include <utility>

namespace net_parts {

class accept_backoff {
public:
    explicit accept_backoff(const boost::asio::any_io_executor& executor) : timer_(executor) {}

    // A failed accept: the next wait doubles. True for the first failure of a
    // streak, the one to report.
    bool failed();
    // An accept succeeded: the streak is over.
    void succeeded() { delay_ = {}; }
    // Waits out the current delay, then calls `handler(ec)` as a timer would
    // (operation_aborted after cancel()).
    template <typename Handler>
    void async_wait(Handler&& handler) {
        timer_.expires_after(delay_);
        timer_.async_wait(std::forward<Handler>(handler));
    }
    // A failed accept: says so once per streak ("<what>: <error>", through
    // fail()), then waits out the doubled delay and calls `handler(ec)`.
    template <typename Handler>
    void retry(const boost::system::error_code& error, std::string_view what, Handler&& handler) {
        if (failed()) fail(error, what);
        async_wait(std::forward<Handler>(handler));
    }
    void cancel() { timer_.cancel(); }
    // The wait the next async_wait() takes (0 while accepts succeed).
    std::chrono::milliseconds delay() const { return delay_; }

    static constexpr std::chrono::milliseconds first_delay{10};
    static constexpr std::chrono::milliseconds max_delay{1000};

private:
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds delay_{0};  // 0 while accepts succeed
};

}  // namespace net_parts
