// Unit: which errors are routine (no log line) and fail()'s one line.
#include "catch.hpp"

#include "net_parts/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>

#include <iostream>
#include <sstream>

namespace {

// std::cerr captured for one scope.
class captured_stderr {
public:
    captured_stderr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
    ~captured_stderr() { std::cerr.rdbuf(old_); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::streambuf* old_;
};

}  // namespace

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
    captured_stderr err;
    net_parts::fail(boost::asio::error::make_error_code(boost::asio::error::eof), "test: read");
    CHECK(err.text().empty());
    net_parts::fail(boost::asio::error::make_error_code(boost::asio::error::connection_refused),
                    "test: connect");
    CHECK(err.text().rfind("test: connect: ", 0) == 0);
    CHECK(err.text().find('\n') == err.text().size() - 1);
}
