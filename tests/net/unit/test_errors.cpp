// Unit: which errors are routine (no log line) and fail()'s one line.
#include "catch.hpp"
#include "net_parts/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>

#include <iostream>
#include <sstream>

TEST_CASE("a peer going away or a cancel is routine, running out of descriptors is not",
          "[errors]") {
    namespace error = boost::asio::error;
    for (const auto routine :
         {error::make_error_code(error::eof), error::make_error_code(error::connection_reset),
          error::make_error_code(error::not_connected), error::make_error_code(error::broken_pipe),
          error::make_error_code(error::operation_aborted)})
        CHECK(net_parts::is_routine(routine));
    CHECK(net_parts::is_routine(boost::beast::error::timeout));
    CHECK_FALSE(net_parts::is_routine(error::make_error_code(error::no_descriptors)));
    CHECK_FALSE(net_parts::is_routine(error::make_error_code(error::connection_refused)));
}

TEST_CASE("fail() says what failed and why, once, and nothing for a routine error", "[errors]") {
    std::ostringstream said;
    std::streambuf* const stderr_buffer = std::cerr.rdbuf(said.rdbuf());
    net_parts::fail(boost::asio::error::make_error_code(boost::asio::error::eof), "test: read");
    const std::string after_routine = said.str();
    net_parts::fail(boost::asio::error::make_error_code(boost::asio::error::connection_refused),
                    "test: connect");
    std::cerr.rdbuf(stderr_buffer);
    CHECK(after_routine.empty());
    CHECK(said.str().rfind("test: connect: ", 0) == 0);
    CHECK(said.str().find('\n') == said.str().size() - 1);
}
