// Which errors are routine, and the one line for those that are not.
#include "net_parts/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>

#include <iostream>

namespace net_parts {

namespace net = boost::asio;

bool is_routine(const boost::system::error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::not_connected || ec == net::error::broken_pipe ||
           ec == net::error::operation_aborted || ec == boost::beast::error::timeout;
}

void fail(const boost::system::error_code& ec, std::string_view what) {
    if (is_routine(ec)) return;
    std::cerr << what << ": " << ec.message() << "\n";
}

}  // namespace net_parts
