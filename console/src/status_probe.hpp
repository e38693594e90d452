// /readyz with a launcher status socket: one connection, one line back.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <string>

namespace console {

// Connects to the launcher's unix status socket at `path`, reads its one line
// with a short timeout, and calls `done(true)` when it is "ready", else `done(false)`.
void probe_status(const boost::asio::any_io_executor& executor, const std::string& path,
                  std::function<void(bool)> done);

}  // namespace console
