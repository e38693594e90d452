// Unit: Origin and HTTP Basic checks.
#include "access_policy.hpp"
#include "catch.hpp"

#include <stdexcept>

using console::access_policy;

TEST_CASE("origin must match the request's host by default", "[origin]") {
    const access_policy policy("", "");
    CHECK(policy.origin_allowed("http://vm.example:8080", "vm.example:8080"));
    CHECK(policy.origin_allowed("https://VM.example", "vm.example"));
    CHECK(policy.origin_allowed("", "vm.example"));  // not a browser
    CHECK_FALSE(policy.origin_allowed("http://evil.example", "vm.example:8080"));
    CHECK_FALSE(policy.origin_allowed("http://vm.example:9999", "vm.example:8080"));
    CHECK_FALSE(policy.origin_allowed("http://vm.example.evil.example:8080", "vm.example:8080"));
    CHECK_FALSE(policy.origin_allowed("null", "vm.example"));
}

TEST_CASE("allow-origin widens the check", "[origin]") {
    const access_policy policy("", R"(https://[a-z]+\.example\.org)");
    CHECK(policy.origin_allowed("https://console.example.org", "10.0.0.5:8080"));
    CHECK_FALSE(policy.origin_allowed("https://console.example.org.evil.net", "10.0.0.5:8080"));
    CHECK_FALSE(policy.origin_allowed("http://console.example.org", "10.0.0.5:8080"));
}

TEST_CASE("a bad allow-origin regex names itself", "[origin]") {
    REQUIRE_THROWS_AS(access_policy("", "(unclosed"), std::invalid_argument);
    try {
        access_policy("", "(unclosed");
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("(unclosed") != std::string::npos);
    }
}

TEST_CASE("basic auth", "[auth]") {
    SECTION("off: everything passes") {
        const access_policy open("", "");
        CHECK_FALSE(open.requires_auth());
        CHECK(open.authorized(""));
    }
    SECTION("on: only the right credentials pass") {
        const access_policy guarded("admin:s3cret", "");
        CHECK(guarded.requires_auth());
        CHECK(guarded.authorized("Basic YWRtaW46czNjcmV0"));  // admin:s3cret
        CHECK(guarded.authorized("basic YWRtaW46czNjcmV0"));
        CHECK_FALSE(guarded.authorized(""));
        CHECK_FALSE(guarded.authorized("Basic YWRtaW46d3Jvbmc="));  // admin:wrong
        CHECK_FALSE(guarded.authorized("Bearer YWRtaW46czNjcmV0"));
        CHECK_FALSE(guarded.authorized("Basic !!!!"));
        CHECK_FALSE(guarded.authorized("Basic YWRtaW46czNjcmV0YQ=="));  // admin:s3creta
    }
    SECTION("credentials without a colon are refused") {
        REQUIRE_THROWS_AS(access_policy("admin", ""), std::invalid_argument);
    }
}

TEST_CASE("base64 decoding", "[auth]") {
    CHECK(console::decode_base64("") == std::string());
    CHECK(console::decode_base64("YQ==") == std::string("a"));
    CHECK(console::decode_base64("YWI=") == std::string("ab"));
    CHECK(console::decode_base64("YWJj") == std::string("abc"));
    CHECK_FALSE(console::decode_base64("YQ="));
    CHECK_FALSE(console::decode_base64("Y=Q="));
    CHECK_FALSE(console::decode_base64("YW*j"));
}

TEST_CASE("base64 encoding round-trips through decoding", "[auth]") {
    CHECK(console::encode_base64("").empty());
    CHECK(console::encode_base64("a") == "YQ==");
    CHECK(console::encode_base64("ab") == "YWI=");
    CHECK(console::encode_base64("admin:pa55:word") == "YWRtaW46cGE1NTp3b3Jk");
    std::string every_byte;
    for (int value = 0; value < 256; ++value)
        every_byte += static_cast<char>(value);
    CHECK(console::decode_base64(console::encode_base64(every_byte)) == every_byte);
}
