// Unit: the accept loop's back-off, 10 ms doubling to 1 s, said once a streak.
#include "catch.hpp"

#include "net_parts/accept_backoff.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>

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
