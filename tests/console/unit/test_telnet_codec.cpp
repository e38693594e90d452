// Unit: the libtelnet wrapper against byte vectors.
#include "catch.hpp"
#include "telnet_codec.hpp"

#include <string>

namespace {

constexpr char IAC = '\xff', WILL = '\xfb', WONT = '\xfc', DO = '\xfd', DONT = '\xfe';
constexpr char SB = '\xfa', SE = '\xf0';
constexpr char ECHO = '\x01', SGA = '\x03', BINARY = '\x00', NAWS = '\x1f', TTYPE = '\x18';

std::string bytes(std::initializer_list<char> list) {
    return std::string(list);
}

// A codec whose output is collected for inspection.
struct harness {
    std::string data, sent, error;
    console::telnet_codec codec{{[this](std::string_view d) { data.append(d); },
                                 [this](std::string_view s) { sent.append(s); },
                                 [this](std::string_view e) {
                                     error.append(e);
                                 }}};
};

}  // namespace

TEST_CASE("QEMU's opening gets the agreeing replies", "[telnet]") {
    harness h;
    h.codec.receive(bytes({IAC, WILL, ECHO, IAC, WILL, SGA, IAC, WILL, BINARY, IAC, DO, BINARY}));
    CHECK(h.sent == bytes({IAC, DO, ECHO, IAC, DO, SGA, IAC, DO, BINARY, IAC, WILL, BINARY}));
    CHECK(h.data.empty());
    CHECK(h.error.empty());
}

TEST_CASE("options we do not support are refused", "[telnet]") {
    harness h;
    h.codec.receive(bytes({IAC, DO, TTYPE}));
    CHECK(h.sent == bytes({IAC, WONT, TTYPE}));
}

TEST_CASE("IAC is doubled out and undoubled in", "[telnet]") {
    harness h;
    h.codec.send_input(bytes({'a', IAC, 'b'}));
    CHECK(h.sent == bytes({'a', IAC, IAC, 'b'}));
    h.codec.receive(bytes({'x', IAC, IAC, 'y'}));
    CHECK(h.data == bytes({'x', IAC, 'y'}));
}

TEST_CASE("every byte value survives both directions", "[telnet]") {
    harness h;
    std::string all;
    for (int value = 0; value < 256; ++value)
        all.push_back(static_cast<char>(value));
    h.codec.send_input(all);
    std::string doubled;
    for (char c : all)
        doubled.append(c == IAC ? 2 : 1, c);
    CHECK(h.sent == doubled);
    h.codec.receive(doubled);
    CHECK(h.data == all);
}

TEST_CASE("a command split across reads is still parsed", "[telnet]") {
    harness h;
    h.codec.receive(bytes({'a', IAC}));
    h.codec.receive(bytes({IAC, 'b', IAC}));
    h.codec.receive(bytes({WILL}));
    h.codec.receive(bytes({ECHO, 'c'}));
    CHECK(h.data ==
          "a\xff"
          "bc");
    CHECK(h.sent == bytes({IAC, DO, ECHO}));
}

TEST_CASE("NAWS only after the server's DO NAWS", "[telnet]") {
    harness h;
    h.codec.resize(80, 24);
    CHECK(h.sent.empty());
    CHECK_FALSE(h.codec.naws_enabled());
    SECTION("the size waiting is sent right after WILL NAWS") {
        h.codec.receive(bytes({IAC, DO, NAWS}));
        CHECK(h.codec.naws_enabled());
        CHECK(h.sent == bytes({IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE}));
    }
    SECTION("every resize after it is sent, 255 doubled") {
        h.codec.receive(bytes({IAC, DO, NAWS}));
        h.sent.clear();
        h.codec.resize(255, 300);
        CHECK(h.sent == bytes({IAC, SB, NAWS, 0, IAC, IAC, 1, 44, IAC, SE}));
    }
    SECTION("DONT NAWS stops it") {
        h.codec.receive(bytes({IAC, DO, NAWS, IAC, DONT, NAWS}));
        h.sent.clear();
        h.codec.resize(100, 30);
        CHECK(h.sent.empty());
    }
}

TEST_CASE("data after a command split across reads is not mistaken for output", "[telnet]") {
    harness h;
    h.codec.receive(bytes({'a', IAC, SB, TTYPE}));
    h.codec.receive("inside");  // still in the sub-negotiation: not terminal data
    h.codec.receive(bytes({IAC, SE}));
    h.codec.receive("after");
    h.codec.receive(bytes({IAC}));
    h.codec.receive(bytes({WILL}));
    h.codec.receive(bytes({SGA}));
    h.codec.receive("end");
    CHECK(h.data == "aafterend");
    CHECK(h.sent == bytes({IAC, DO, SGA}));
}
