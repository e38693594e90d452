// /readyz and /metrics with a launcher status socket: one connection, one reply back.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <optional>
#include <string>

namespace console {

// Connects to the launcher's unix status socket at `path` and reads its reply
// to the end (the launcher closes after it), with a short timeout. `done` gets
// the reply, or nullopt when the socket cannot be reached, the timeout passes
// or the reply exceeds max_status_reply (launcher_status.hpp).
void probe_status(const boost::asio::any_io_executor& executor, const std::string& path,
                  std::function<void(std::optional<std::string>)> done);

}  // namespace console
