// Unit: the /status object a console gives the front, written and read back strictly.
#include "catch.hpp"
#include "vm_status.hpp"

#include <string>
#include <vector>

using console::format_vm_status;
using console::parse_vm_status;
using console::vm_status;

TEST_CASE("a VM's status round-trips through its JSON", "[vm_status]") {
    const vm_status ready{"myvm-0", "ready", "hibernate", 12.3456, 2, 2048, 3};
    const std::string json = format_vm_status(ready);
    CHECK(json == R"({"name":"myvm-0","state":"ready","start":"hibernate","uptime_seconds":12.346,)"
                  R"("vcpus":2,"memory_mib":2048,"viewers":3})");
    const auto back = parse_vm_status(json);
    REQUIRE(back);
    CHECK(back->name == "myvm-0");
    CHECK(back->state == "ready");
    CHECK(back->start == "hibernate");
    CHECK(back->uptime_seconds == Approx(12.346));
    CHECK(back->vcpus == 2U);
    CHECK(back->memory_mib == 2048U);
    CHECK(back->viewers == 3U);
    // What is not known is left out, and stays unknown.
    const auto stopped = parse_vm_status(format_vm_status({"vm", "stopped", {}, {}, {}, {}, 0}));
    REQUIRE(stopped);
    CHECK(stopped->start.empty());
    CHECK_FALSE(stopped->vcpus);
    CHECK_FALSE(stopped->uptime_seconds);
}

TEST_CASE("a status reply is read as JSON, whitespace and newer members included", "[vm_status]") {
    const auto status = parse_vm_status(
        " {\n \"state\" : \"booting\", \"name\":\"vm-1\", \"later\": \"a\\u00e9\\n\",\n"
        " \"flag\": true, \"none\": null, \"big\": -1.5e10, \"viewers\": 0,\n"
        " \"nested\": {\"list\": [1, {\"deep\": null}]}, \"long_key_" +
        std::string(100, 'k') + "\": 1 } \n");
    REQUIRE(status);
    CHECK(status->name == "vm-1");
    CHECK(status->state == "booting");
}

TEST_CASE("a malformed or hostile status reply is refused whole", "[vm_status]") {
    for (const std::string& reply : std::vector<std::string>{
             "",
             "[]",
             "{}",
             R"({"name":"vm"})",
             R"({"state":"ready"})",
             R"({"name":"vm","state":"ready")",
             R"({"name":"vm","state":"ready"} x)",
             R"({"name":"vm","state":"ready",})",
             R"({"name":"VM","state":"ready"})",
             R"({"name":"../etc","state":"ready"})",
             R"({"name":"vm.example","state":"ready"})",
             R"({"name":"-vm","state":"ready"})",
             R"({"name":"vm","state":"failed"})",
             R"({"name":"vm","state":"Ready"})",
             R"({"name":"vm","state":"ready","name":"other"})",
             R"({"name":"vm","state":"ready","start":"lukewarm"})",
             R"({"name":"vm","state":"ready","vcpus":-2})",
             R"({"name":"vm","state":"ready","vcpus":2.5})",
             R"({"name":"vm","state":"ready","vcpus":"2"})",
             R"({"name":"vm","state":"ready","memory_mib":1e3})",
             R"({"name":"vm","state":"ready","viewers":18446744073709551616})",
             R"({"name":"vm","state":"ready","uptime_seconds":-1})",
             R"({"name":"vm","state":"ready","uptime_seconds":1e400})",
             R"({"name":"vm","state":"ready","uptime_seconds":01})",
             R"({"name":"vm","state":"ready","x":"\q"})",
             R"({"name":"vm","state":"ready","x":"\u12"})",
             std::string(R"({"name":"vm","state":"ready","x":")") + '\x01' + "\"}",
             std::string(R"({"name":"vm","state":"ready"})") + '\0',
             R"({"name":"vm","state":"ready","x":tru})",
             R"({"name":"vm","state":"ready","x":+1})",
             R"({"name":"vm","state":"ready","x":.5})",
             R"({"name":"vm","state":"ready","pad":")" + std::string(4096, 'x') + "\"}",
         }) {
        CAPTURE(reply);
        CHECK_FALSE(parse_vm_status(reply));
    }
}

TEST_CASE("a VM's name is a DNS label", "[vm_status]") {
    using console::is_vm_name;
    CHECK(is_vm_name("myvm-0"));
    CHECK(is_vm_name("a"));
    CHECK(is_vm_name(std::string(63, 'a')));
    CHECK_FALSE(is_vm_name(std::string(64, 'a')));
    for (const char* bad : {"", "-a", "a-", "A", "a.b", "a_b", "..", "a/b", "a%2f", "é"})
        CHECK_FALSE(is_vm_name(bad));
    CHECK(is_vm_name(console::default_vm_name()));
}

TEST_CASE("the console describes its VM from the launcher's reply", "[vm_status]") {
    console::launcher_status launcher;
    launcher.word = "unready";
    launcher.guest_start = "cold";
    launcher.launcher_uptime_seconds = 5.5;
    launcher.cpu_count = 4;
    launcher.memory_mib = 512;
    const auto status = console::describe_vm("vm-3", 2, launcher);
    CHECK(status.state == "unready");
    CHECK(status.start == "cold");
    CHECK(status.vcpus == 4U);
    CHECK(status.memory_mib == 512U);
    CHECK(status.viewers == 2U);
    // No reply from the launcher: it is not running (starting, stopping, saving its guest).
    CHECK(console::describe_vm("vm-3", 0, std::nullopt).state == "stopped");
}
