// /readyz: can a connection to the telnet target (TCP or unix socket) be opened right now?
#pragma once

#include "console_config.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>

namespace console {

// Resolves and connects to `target` with a short timeout, closes at once,
// and calls `done(true)` on success, `done(false)` otherwise, on `executor`.
void probe_telnet(const boost::asio::any_io_executor& executor, const endpoint& target,
                  std::function<void(bool)> done);

}  // namespace console
