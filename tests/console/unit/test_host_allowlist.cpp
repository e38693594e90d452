// The Host allowlist (DNS rebinding) and the failed-login throttle.
#include "catch.hpp"
#include "host_allowlist.hpp"
#include "login_throttle.hpp"

#include <algorithm>
#include <stdexcept>

using console::host_allowlist;

TEST_CASE("Host names this machine or an allowed name", "[hosts]") {
    const host_allowlist hosts("console.example, *.apps.example", {"10.1.2.3", "fe80::1"});
    CHECK(hosts.allowed("localhost:8080"));
    CHECK(hosts.allowed("LOCALHOST"));
    CHECK(hosts.allowed("localhost.:8080"));
    CHECK(hosts.allowed("127.0.0.1:8080"));
    CHECK(hosts.allowed("[::1]:8080"));
    CHECK(hosts.allowed("[::1]"));
    CHECK(hosts.allowed("10.1.2.3:8080"));
    CHECK(hosts.allowed("[fe80::1]:8080"));
    CHECK(hosts.allowed("console.example"));
    CHECK(hosts.allowed("vm.apps.example:443"));
    CHECK(hosts.allowed(""));  // HTTP/1.0 without Host: not a browser
    // Rebinding: a foreign name that resolves here.
    CHECK_FALSE(hosts.allowed("rebound.example:8080"));
    CHECK_FALSE(hosts.allowed("apps.example"));
    CHECK_FALSE(hosts.allowed("localhost.rebound.example"));
    CHECK_FALSE(hosts.allowed("127.0.0.1.nip.io"));
    CHECK_FALSE(hosts.allowed("10.1.2.4"));
    CHECK_FALSE(hosts.allowed("[::1"));
    CHECK_FALSE(hosts.allowed(":8080"));
}

TEST_CASE("a star in the allowlist turns the check off, bad entries are named", "[hosts]") {
    CHECK(host_allowlist("*", {}).allowed("anything.example"));
    REQUIRE_THROWS_AS(host_allowlist("ok.example,bad name", {}), std::invalid_argument);
    try {
        host_allowlist("ok.example,bad name", {});
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("--allow-host: 'bad name'") != std::string::npos);
    }
}

TEST_CASE("this machine's addresses include loopback", "[hosts]") {
    const auto addresses = console::local_interface_addresses();
    CHECK(std::find(addresses.begin(), addresses.end(), "127.0.0.1") != addresses.end());
}

TEST_CASE("failed logins wait longer and longer, per address", "[throttle]") {
    using namespace std::chrono_literals;
    console::login_throttle throttle;
    const auto now = console::login_throttle::clock::now();
    CHECK(throttle.record_failure("10.0.0.1", now) == 0ms);  // typos are free
    CHECK(throttle.record_failure("10.0.0.1", now) == 0ms);
    CHECK(throttle.record_failure("10.0.0.1", now) == 500ms);
    CHECK(throttle.record_failure("10.0.0.1", now) == 1000ms);
    for (int i = 0; i < 20; ++i)
        throttle.record_failure("10.0.0.1", now);
    CHECK(throttle.record_failure("10.0.0.1", now) == 8000ms);
    // Another address is not slowed by the first one's failures.
    CHECK(throttle.record_failure("10.0.0.2", now) == 0ms);
    // Quiet for long enough, or a right password: forgotten.
    CHECK(throttle.record_failure("10.0.0.1", now + 11min) == 0ms);
    throttle.record_success("10.0.0.1");
    CHECK(throttle.record_failure("10.0.0.1", now) == 0ms);
}
