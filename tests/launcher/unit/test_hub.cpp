// The hub alone: one shared chunk per piece of output, whatever the clients.
#include "catch.hpp"
#include "relay/console_hub.hpp"

#include <vector>

namespace {

class recording_client : public launcher::console_client {
public:
    void deliver(const launcher::chunk& piece) override { pieces.push_back(piece); }
    std::vector<launcher::chunk> pieces;
};

}  // namespace

TEST_CASE("output is copied once and shared by every client", "[hub]") {
    std::string mirrored;
    std::string typed;
    launcher::console_hub hub(
        64 * 1024, [&](std::string_view b) { mirrored.append(b); },
        [&](std::string_view b) { typed.append(b); });
    auto first = std::make_shared<recording_client>();
    auto second = std::make_shared<recording_client>();
    hub.join(first);
    hub.join(second);
    hub.publish("boot\r\n");
    REQUIRE(first->pieces.size() == 1);
    REQUIRE(second->pieces.size() == 1);
    CHECK(first->pieces[0].get() == second->pieces[0].get());
    CHECK(hub.history().contents() == "boot\r\n");
    CHECK(*first->pieces[0] == "boot\r\n");
    CHECK(mirrored == "boot\r\n");
    hub.type("ls\r");
    CHECK(typed == "ls\r");
}

TEST_CASE("a joining client gets the history, a leaving one nothing more", "[hub]") {
    launcher::console_hub hub(
        16, [](std::string_view) {}, [](std::string_view) {});
    hub.publish("0123456789");
    hub.publish("abcdefghij");
    // 20 bytes exceed the 16-byte bound: the oldest four bytes went.
    CHECK(hub.history().size() == 16);
    auto late = std::make_shared<recording_client>();
    hub.join(late);
    REQUIRE(late->pieces.size() == 1);
    CHECK(*late->pieces[0] == "456789abcdefghij");
    hub.leave(late);
    hub.publish("more");
    CHECK(late->pieces.size() == 1);
    CHECK(hub.client_count() == 0);
}

TEST_CASE("mirror gets raw bytes, clients IAC-escaped ones", "[hub]") {
    std::string mirrored;
    launcher::console_hub hub(
        1024, [&](std::string_view b) { mirrored.append(b); }, [](std::string_view) {});
    auto client = std::make_shared<recording_client>();
    hub.join(client);
    hub.publish(std::string_view("\xff\x01", 2));
    CHECK(mirrored == std::string("\xff\x01", 2));
    CHECK(*client->pieces[0] == std::string("\xff\xff\x01", 3));
}

TEST_CASE("the scrollback's memory is its byte bound, one-byte reads included", "[hub]") {
    launcher::scrollback ring(1024);
    // Typed echo: one byte per read, far more than the bound.
    for (int i = 0; i < 100000; ++i)
        ring.append(std::string(1, static_cast<char>('a' + i % 26)));
    CHECK(ring.size() == 1024);
    CHECK(ring.capacity() == 1024);
    const std::string kept = ring.contents();
    // The newest byte is the last one appended: 99999 % 26 == 3, 'd'.
    CHECK(kept.back() == 'd');
    ring.append(std::string(3000, 'z'));
    CHECK(ring.contents() == std::string(1024, 'z'));
}

TEST_CASE("the scrollback escapes an IAC at its edge whole", "[hub]") {
    launcher::console_hub hub(
        4, [](std::string_view) {}, [](std::string_view) {});
    hub.publish(
        std::string_view("ab\xff"
                         "cd",
                         5));
    auto late = std::make_shared<recording_client>();
    hub.join(late);
    REQUIRE(late->pieces.size() == 1);
    CHECK(*late->pieces[0] == std::string("b\xff\xff"
                                          "cd",
                                          5));
}

TEST_CASE("a chunk doubles every IAC wherever it is, and nothing else", "[hub]") {
    // Every byte value, IAC first and last, and IACs side by side.
    std::string raw("\xff", 1);
    for (int value = 0; value < 256; ++value)
        raw += static_cast<char>(value);
    raw += std::string("\xff\xff", 2);
    std::string expected;
    for (const char c : raw) {
        expected += c;
        if (c == '\xff') expected += c;
    }
    CHECK(*launcher::make_telnet_chunk(raw) == expected);
    CHECK(*launcher::make_telnet_chunk("plain text") == "plain text");
    CHECK(launcher::make_telnet_chunk("")->empty());
}
