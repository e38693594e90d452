// Unit: flag parsing and the errors that name the bad input.
#include "catch.hpp"
#include "console_config.hpp"
#include "vm_status.hpp"

#include <stdexcept>
#include <string>
#include <vector>

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

TEST_CASE("the front's peers: addresses or DNS names, each with a port", "[config]") {
    const auto peers = console::parse_peers(
        "myvm-headless.default.svc.cluster.local:8080, 10.0.0.5:8080,[fd00::5]:8081", "--peers");
    REQUIRE(peers.size() == 3);
    CHECK(peers[0].host == "myvm-headless.default.svc.cluster.local");
    CHECK(peers[1].host == "10.0.0.5");
    CHECK(peers[2].host == "fd00::5");
    CHECK(peers[2].port == 8081);
    CHECK(console::describe_peers(peers) ==
          "myvm-headless.default.svc.cluster.local:8080,10.0.0.5:8080,fd00::5:8081");
    for (const std::string& bad :
         std::vector<std::string>{"", ",", "vm", "vm:0", "vm:x", "v m:80", "a..b:80", "-:80x",
                                  std::string(64, 'a') + ".example:80", "vm/../x:80"}) {
        CAPTURE(bad);
        try {
            console::parse_peers(bad, "--peers/CONSOLE_FRONT_PEERS");
            FAIL("accepted");
        } catch (const std::invalid_argument& error) {
            CHECK(std::string(error.what()).find("--peers/CONSOLE_FRONT_PEERS") == 0);
        }
    }
}

namespace {

// parse_config on an argv; the exit code, 0 when it parsed.
int exit_code_of(std::vector<std::string> words, console::console_config& config) {
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    words.insert(words.begin(), "console");
    for (auto& word : words)
        argv.push_back(word.data());
    int code = 0;
    console::parse_config(static_cast<int>(argv.size()), argv.data(), config, code);
    return code;
}

}  // namespace

TEST_CASE("the roles: the front needs peers, the console takes none", "[config]") {
    console::console_config front;
    CHECK(exit_code_of({"--role", "front", "--peers", "vms:8080", "--poll-interval", "5"}, front) ==
          0);
    CHECK(front.role == console::console_role::front);
    CHECK(front.poll_interval_seconds == 5);
    console::console_config plain;
    CHECK(exit_code_of({}, plain) == 0);
    CHECK(plain.role == console::console_role::console);
    CHECK(console::is_vm_name(plain.vm_name));  // the host name, or "vm"
    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"--role", "front"},
             {"--peers", "vms:8080"},
             {"--role", "back"},
             {"--role", "front", "--peers", "vms:8080", "--read-only"},
             {"--vm-name", "My_VM"},
             {"--role", "front", "--peers", "vms:8080", "--dns-server", "dns.example:53"}}) {
        console::console_config config;
        CAPTURE(bad);
        CHECK(exit_code_of(bad, config) != 0);
    }
}
