#pragma once
// The one error report of both programs' asynchronous code: a failed
// operation is one line on stderr, unless it is routine.
#include <boost/system/error_code.hpp>

#include <string_view>

namespace net_parts {

// A peer going away (end of file, reset, broken pipe, not connected), an
// operation cancelled by a close, or a Beast timeout: normal ends of a
// connection, not worth a log line.
bool is_routine(const boost::system::error_code& ec);

// "<what>: <the error's message>" on stderr, unless `ec` is routine. `what`
// names the program and the operation: "console: session read".
void fail(const boost::system::error_code& ec, std::string_view what);

}  // namespace net_parts
