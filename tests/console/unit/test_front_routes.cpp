// Unit: the front's paths, from a request's path to a VM's console path.
#include "catch.hpp"
#include "front/front_routes.hpp"

#include <string>
#include <vector>

using console::front_page;
using console::route_front_path;

TEST_CASE("the front's own pages", "[front]") {
    CHECK(route_front_path("/").page == front_page::index);
    CHECK(route_front_path("/vms.json").page == front_page::vm_list);
    CHECK(route_front_path("/healthz").page == front_page::healthz);
    CHECK(route_front_path("/readyz").page == front_page::readyz);
    CHECK(route_front_path("/metrics").page == front_page::metrics);
    CHECK(route_front_path("/assets/front.js").page == front_page::asset);
}

TEST_CASE("/<vm>/... is that VM's console, the rest of the path kept", "[front]") {
    const auto ws = route_front_path("/myvm-1/ws");
    CHECK(ws.page == front_page::vm);
    CHECK(ws.vm == "myvm-1");
    CHECK(ws.rest == "/ws");
    const auto page = route_front_path("/myvm-1/");
    CHECK(page.page == front_page::vm);
    CHECK(page.rest == "/");
    CHECK(route_front_path("/myvm-1/assets/xterm.js").rest == "/assets/xterm.js");
    const auto bare = route_front_path("/myvm-1");
    CHECK(bare.page == front_page::vm_slash);
    CHECK(bare.vm == "myvm-1");
    CHECK(console::peer_target("", "/ws") == "/ws");
    CHECK(console::peer_target("/lab/vm", "/assets/x.js") == "/lab/vm/assets/x.js");
}

TEST_CASE("traversal, encoding and odd bytes are refused before any name is read", "[front]") {
    for (const std::string& bad : std::vector<std::string>{
             "", "vm/", "/vm/../other/ws", "/../vm/", "/vm/./ws", "/./", "/..", "/vm/..", "/vm//ws",
             "//vm/", "/vm/%2e%2e/ws", "/%2e%2e/vm/", "/vm%2fother/", "/vm/ws%00",
             "/vm\\..\\other/", "/vm/w s", std::string("/vm/\x01"), "/vm/\xc3\xa9"}) {
        CAPTURE(bad);
        CHECK(route_front_path(bad).page == front_page::bad_path);
    }
}

TEST_CASE("a name that is not a VM's, or is the front's, is not found", "[front]") {
    for (const char* missing : {"/VM/", "/vm_1/", "/-vm/", "/index.html", "/vms.json/", "/assets",
                                "/healthz/x", "/metrics/", "/readyz/ws"}) {
        CAPTURE(missing);
        CHECK(route_front_path(missing).page == front_page::not_found);
    }
    CHECK(console::is_reserved_name("assets"));
    CHECK_FALSE(console::is_reserved_name("myvm-0"));
}
