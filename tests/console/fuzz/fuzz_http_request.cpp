// The HTTP request path: the bytes a client sends, through a real
// http_session on loopback (parsing, limits, Host allowlist, routing, Origin,
// Authorization with the failed-login delay), answered or refused, never a crash.
#include "http_session.hpp"
#include "loopback_session.hpp"

#include <cstdint>
#include <memory>

namespace {

// One console state for every input: auth on, an extra host and origin.
std::shared_ptr<const console::server_state> shared_state() {
    static const auto state = [] {
        console::console_config config;
        config.auth = "admin:s3cret";
        config.allow_host = "console.example,*.example.org";
        config.allow_origin = "https://trusted\\.example";
        config.telnet = {"127.0.0.1", 1};  // nothing listens: an upgrade ends at once
        return std::make_shared<const console::server_state>(config);
    }();
    return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_harness::fuzz_session<console::http_session>(data, size, shared_state());
    return 0;
}
