#pragma once
// The launcher's one way in to Asio, and the short names its files use.
// Boost 1.74's Asio misses <utility> under C++20: it comes first.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace launcher {

namespace net = boost::asio;
using error_code = boost::system::error_code;

}  // namespace launcher
