// Unit: flag parsing and the errors that name the bad input.
#include "catch.hpp"
#include "console_config.hpp"

#include <stdexcept>
#include <string>

using console::parse_endpoint;

TEST_CASE("host:port endpoints", "[config]") {
    const auto plain = parse_endpoint("127.0.0.1:10023", "--telnet");
    CHECK(plain.host == "127.0.0.1");
    CHECK(plain.port == 10023);
    const auto v6 = parse_endpoint("[::1]:8080", "--listen");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8080);
}

TEST_CASE("bad endpoints name the flag and the value", "[config]") {
    for (const char* bad : {"8080", ":8080", "host:", "host:http", "host:65536", "host:-1"}) {
        std::string message;
        try {
            parse_endpoint(bad, "--listen/CONSOLE_LISTEN");
        } catch (const std::invalid_argument& error) {
            message = error.what();
        }
        CHECK(message.find("CONSOLE_LISTEN") != std::string::npos);
        CHECK(message.find(bad) != std::string::npos);
    }
}

TEST_CASE("the telnet target may be a unix socket", "[config]") {
    const auto local =
        console::parse_telnet_target("unix:/run/qemu-riscv64/console.sock", "--telnet");
    CHECK(local.unix_path == "/run/qemu-riscv64/console.sock");
    CHECK(console::describe(local) == "unix:/run/qemu-riscv64/console.sock");
    const auto tcp = console::parse_telnet_target("127.0.0.1:10023", "--telnet");
    CHECK(tcp.unix_path.empty());
    CHECK(console::describe(tcp) == "127.0.0.1:10023");
    for (const std::string& bad :
         std::vector<std::string>{"unix:", "unix:" + std::string(120, 'x')}) {
        CAPTURE(bad);
        try {
            console::parse_telnet_target(bad, "--telnet/CONSOLE_TELNET");
            FAIL("accepted");
        } catch (const std::invalid_argument& error) {
            CHECK(std::string(error.what()).find("--telnet/CONSOLE_TELNET") != std::string::npos);
        }
    }
}

TEST_CASE("base paths: a prefix without its trailing slash", "[config]") {
    using console::parse_base_path;
    CHECK(parse_base_path("", "--base-path").empty());
    CHECK(parse_base_path("/", "--base-path").empty());
    CHECK(parse_base_path("/vm1", "--base-path") == "/vm1");
    CHECK(parse_base_path("/vm1/", "--base-path") == "/vm1");
    CHECK(parse_base_path("/lab/vm-2.a_b~", "--base-path") == "/lab/vm-2.a_b~");
}

TEST_CASE("bad base paths name the flag and the value", "[config]") {
    using console::parse_base_path;
    for (const std::string bad : {"vm1", "/vm1//x", "/../etc", "/vm 1", "/vm1?x", "/a/./b"}) {
        try {
            parse_base_path(bad, "--base-path/CONSOLE_BASE_PATH");
            FAIL("accepted " << bad);
        } catch (const std::invalid_argument& error) {
            CHECK(std::string(error.what()).find("--base-path/CONSOLE_BASE_PATH '" + bad + "'") ==
                  0);
        }
    }
}
