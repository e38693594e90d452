// Unit: the accept loop's back-off, 10 ms doubling to 1 s, said once a streak.
#include "catch.hpp"
#include "net_parts/accept_backoff.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <iostream>
#include <sstream>

using namespace std::chrono_literals;

TEST_CASE("the wait doubles from 10 ms to 1 s, and only a streak's first failure is reported",
          "[accept_backoff]") {
    boost::asio::io_context io;
    net_parts::accept_backoff backoff(io.get_executor());
    CHECK(backoff.delay() == 0ms);
    CHECK(backoff.failed());
    CHECK(backoff.delay() == 10ms);
    CHECK_FALSE(backoff.failed());
    CHECK(backoff.delay() == 20ms);
    for (int i = 0; i < 10; ++i)
        CHECK_FALSE(backoff.failed());
    CHECK(backoff.delay() == 1000ms);
    backoff.succeeded();
    CHECK(backoff.delay() == 0ms);
    CHECK(backoff.failed());
}

TEST_CASE("the handler runs after the wait, or with operation_aborted once cancelled",
          "[accept_backoff]") {
    boost::asio::io_context io;
    net_parts::accept_backoff backoff(io.get_executor());
    backoff.failed();
    boost::system::error_code waited = boost::asio::error::would_block;
    backoff.async_wait([&](boost::system::error_code ec) { waited = ec; });
    io.run();
    CHECK_FALSE(waited);
    backoff.failed();
    backoff.async_wait([&](boost::system::error_code ec) { waited = ec; });
    backoff.cancel();
    io.restart();
    io.run();
    CHECK(waited == boost::asio::error::operation_aborted);
}

TEST_CASE("retry() reports a streak's first failure only, and retries after the wait",
          "[accept_backoff]") {
    boost::asio::io_context io;
    net_parts::accept_backoff backoff(io.get_executor());
    std::ostringstream said;
    std::streambuf* const stderr_buffer = std::cerr.rdbuf(said.rdbuf());
    int retries = 0;
    const auto emfile = boost::asio::error::make_error_code(boost::asio::error::no_descriptors);
    backoff.retry(emfile, "test: accept", [&](boost::system::error_code) { ++retries; });
    io.run();
    backoff.retry(emfile, "test: accept", [&](boost::system::error_code) { ++retries; });
    io.restart();
    io.run();
    std::cerr.rdbuf(stderr_buffer);
    CHECK(retries == 2);
    CHECK(backoff.delay() == 20ms);
    CHECK(said.str().rfind("test: accept: ", 0) == 0);
    CHECK(said.str().find("test: accept", 1) == std::string::npos);
}
