#pragma once
// The launcher's one way in to Asio, and the short names its files use.
#include <utility>  // before Asio: Boost 1.74's Asio misses it under C++20

#include <boost/asio.hpp>

namespace launcher {

namespace net = boost::asio;
using error_code = boost::system::error_code;

}  // namespace launcher
