// The front's HTTP request path: the bytes a client sends, through a real
// front_session on loopback (parsing, limits, Host allowlist, clean paths,
// VM names, Origin, Authorization, the proxy and the upgrade to a VM whose
// console does not answer), answered or refused, never a crash.
#include "front/front_session.hpp"
#include "loopback_session.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <memory>

namespace {

console::console_config front_config() {
    console::console_config config;
    config.role = console::console_role::front;
    config.auth = "admin:s3cret";
    config.allow_host = "front.example";
    config.allow_origin = "https://trusted\\.example";
    return config;
}

std::shared_ptr<const console::server_state> shared_state() {
    static const auto state = std::make_shared<const console::server_state>(front_config());
    return state;
}

// Two VMs listed, at a port where nothing listens: a proxied request ends at once.
std::shared_ptr<const console::front_state> shared_front() {
    static const auto front = [] {
        auto made = std::make_shared<console::front_state>(front_config());
        const boost::asio::ip::tcp::endpoint nowhere(boost::asio::ip::make_address("127.0.0.1"), 1);
        made->registry.publish(console::merge_round(
            {}, {{nowhere, console::vm_status{"vm-a", "ready", {}, {}, {}, {}, 0}}}));
        return made;
    }();
    return front;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_harness::fuzz_session<console::front_session>(data, size, shared_state(), shared_front());
    return 0;
}
