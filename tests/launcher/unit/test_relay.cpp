// The telnet fan-out against a fake serial source: many clients, scrollback,
// typing from any client, IAC both ways, and a stuck client dropped.
#include "catch.hpp"
#include "relay_fixture.hpp"

using launcher_test::relay_fixture;

namespace {

// The options QEMU's telnet server opens with.
// (sized by hand: the bytes hold NULs, which a plain literal would stop at)
const std::string negotiation("\xff\xfb\x01\xff\xfb\x03\xff\xfb\x00\xff\xfd\x00", 12);

// Waits until the hub counts `n` clients (a connection is joined asynchronously).
bool wait_for_clients(relay_fixture& relay, std::size_t n) {
    for (int i = 0; i < 1000; ++i) {
        if (relay.clients() == n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("a client is greeted with QEMU's telnet options", "[relay]") {
    relay_fixture relay;
    auto client = relay.client();
    REQUIRE(client.read_at_least(negotiation.size()));
    CHECK(client.received.substr(0, negotiation.size()) == negotiation);
}

TEST_CASE("every client sees all output and each can type", "[relay]") {
    relay_fixture relay;
    auto first = relay.client();
    auto second = relay.client();
    REQUIRE(wait_for_clients(relay, 2));
    relay.guest->send("Linux version 6.12 riscv64\r\n");
    CHECK(first.read_until("Linux version 6.12 riscv64\r\n"));
    CHECK(second.read_until("Linux version 6.12 riscv64\r\n"));
    first.send("uname -m\r");
    CHECK(relay.guest->read_until("uname -m\r"));
    second.send("ls\r");
    CHECK(relay.guest->read_until("uname -m\rls\r"));
    CHECK(relay.mirrored() == "Linux version 6.12 riscv64\r\n");
}

TEST_CASE("a late client first receives the scrollback", "[relay]") {
    relay_fixture relay;
    auto early = relay.client();
    REQUIRE(wait_for_clients(relay, 1));
    relay.guest->send("OpenSBI v1.1 boot banner\r\n");
    REQUIRE(early.read_until("boot banner"));
    auto late = relay.client();
    CHECK(late.read_until("OpenSBI v1.1 boot banner\r\n"));
    // Options first, then the history.
    CHECK(late.received.find(negotiation) < late.received.find("OpenSBI"));
}

TEST_CASE("the scrollback keeps only the newest 64 KiB", "[relay]") {
    relay_fixture relay;
    auto watcher = relay.client();
    REQUIRE(wait_for_clients(relay, 1));
    const std::string old_text = "OLD-" + std::string(40 * 1024, 'o');
    const std::string new_text = "NEW-" + std::string(70 * 1024, 'n') + "-END";
    relay.guest->send(old_text);
    REQUIRE(watcher.read_until("OLD-"));
    REQUIRE(watcher.read_at_least(negotiation.size() + old_text.size()));
    relay.guest->send(new_text);
    REQUIRE(watcher.read_until("-END"));
    auto late = relay.client();
    REQUIRE(late.read_until("-END"));
    CHECK(late.received.find("OLD-") == std::string::npos);
    CHECK(late.received.size() <= negotiation.size() + 64 * 1024 + 16 * 1024);
}

TEST_CASE("IAC bytes are escaped towards clients and unescaped from them", "[relay]") {
    relay_fixture relay;
    auto client = relay.client();
    REQUIRE(wait_for_clients(relay, 1));
    relay.guest->send(
        std::string("a\xff"
                    "b\xff\xff"
                    "c",
                    6));
    CHECK(
        client.read_until(std::string("a\xff\xff"
                                      "b\xff\xff\xff\xff"
                                      "c",
                                      9)));
    client.send(std::string("x\xff\xffy\r\0z", 7));
    // An escaped IAC arrives as one 0xFF; telnet's CR NUL arrives as CR.
    CHECK(relay.guest->read_until(std::string("x\xffy\rz", 5)));
    CHECK(relay.guest->received == std::string("x\xffy\rz", 5));
}

TEST_CASE("a stuck client is dropped while the others keep up", "[relay]") {
    relay_fixture relay;
    auto reader = relay.client();
    auto stuck = relay.client(4096);  // never reads
    REQUIRE(wait_for_clients(relay, 2));
    const std::string block(64 * 1024, 'x');
    std::size_t sent = 0;
    // Far more than the kernel's socket buffers plus the per-client queue bound.
    for (int i = 0; i < 256 && relay.clients() == 2; ++i) {
        relay.guest->send(block);
        sent += block.size();
        REQUIRE(reader.read_at_least(negotiation.size() + sent));
    }
    CHECK(relay.clients() == 1);
    relay.guest->send("still here");
    CHECK(reader.read_until("still here"));
}
