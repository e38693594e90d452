// Unit: encoding and decoding of the console's frames.
#include "catch.hpp"
#include "protocol.hpp"

using namespace console::protocol;

TEST_CASE("opcodes are ttyd's for input and output", "[protocol]") {
    CHECK(client_input == '0');
    CHECK(server_output == '0');
}

TEST_CASE("client frames decode by opcode", "[protocol]") {
    SECTION("input keeps every byte") {
        const std::string frame = std::string("0") + std::string("a\0\xff", 3);
        const auto message = decode_client(frame);
        REQUIRE(message);
        CHECK(message->opcode == client_input);
        CHECK(message->payload == std::string_view("a\0\xff", 3));
    }
    SECTION("empty input is valid") {
        REQUIRE(decode_client("0"));
    }
    SECTION("resize carries two big-endian uint16") {
        const auto frame = encode_resize({300, 40});
        CHECK(frame == std::string("1\x01\x2c\x00\x28", 5));
        const auto message = decode_client(frame);
        REQUIRE(message);
        const auto size = decode_resize(message->payload);
        REQUIRE(size);
        CHECK(size->columns == 300);
        CHECK(size->rows == 40);
    }
    SECTION("pause, resume and keep-alive take no payload") {
        CHECK(decode_client("2"));
        CHECK(decode_client("3"));
        CHECK(decode_client("4"));
        CHECK_FALSE(decode_client("2x"));
        CHECK_FALSE(decode_client("4 "));
    }
}

TEST_CASE("malformed client frames are rejected", "[protocol]") {
    CHECK_FALSE(decode_client(""));
    CHECK_FALSE(decode_client("9abc"));
    CHECK_FALSE(decode_client("\xff"));
    CHECK_FALSE(decode_client("1\x00\x50"));
    CHECK_FALSE(decode_client(std::string("1\x00\x50\x00\x18\x00", 6)));
    CHECK_FALSE(decode_resize(std::string("\x00\x00\x00\x18", 4)));
    CHECK_FALSE(decode_resize(std::string("\x00\x50\x00\x00", 4)));
}

TEST_CASE("server frames are opcode then payload", "[protocol]") {
    CHECK(encode(server_output, "hi") == "0hi");
    CHECK(encode(server_title, "vm") == "1vm");
    CHECK(encode(server_read_only) == "2");
    CHECK(encode(server_output, std::string_view("\0", 1)) == std::string("0\0", 2));
}
