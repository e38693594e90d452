// One HTTP GET from the front to a VM's console: a fresh connection, one
// request, one response read within its limits, then closed. The discovery
// asks /status so; the proxy fetches the page and its assets so.
#pragma once

#include "http_responses.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace console {

// The response of a VM's console, as read.
using upstream_response = response;

struct upstream_limits {
    std::size_t body;                // bytes of body at most
    std::chrono::milliseconds time;  // connect, write and read, all told
};

// "10.0.0.5:8080", "[fd00::5]:8080": a Host header naming the address.
std::string host_header(const boost::asio::ip::tcp::endpoint& address);

// A GET of `target` for the console at `address`, with the front's Authorization
// (when not empty) and Connection: close.
request upstream_get(const boost::asio::ip::tcp::endpoint& address, const std::string& target,
                     const std::string& authorization);

// Sends `req` to `address` and calls `done(ec, response)` on `executor`: ec is
// set when the connection, the write or the read failed, timed out, or the
// head (8 KiB) or body passed their limits.
void fetch_upstream(const boost::asio::any_io_executor& executor,
                    const boost::asio::ip::tcp::endpoint& address, request req,
                    upstream_limits limits,
                    std::function<void(boost::beast::error_code, upstream_response)> done);

}  // namespace console
