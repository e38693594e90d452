// QMP lines: the greeting, and the guest agent's port opening (announced) and closing.
#include "catch.hpp"
#include "unconnected_qmp.hpp"

TEST_CASE("the guest agent counts as running while its port is open", "[qmp]") {
    launcher_test::unconnected_qmp fixture;
    launcher::qmp_client& qmp = fixture.qmp;
    int opened = 0;
    qmp.on_agent_open([&] { ++opened; });
    qmp.handle_line(R"({"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": ["oob"]}})");
    CHECK_FALSE(qmp.monitor_ready());
    qmp.handle_line(R"({"return": {}, "id": "caps"})");
    CHECK(qmp.monitor_ready());
    CHECK_FALSE(qmp.agent_running());
    qmp.handle_line(R"({"event": "VSERPORT_CHANGE", "data": {"open": true, "id": "other-port"}})");
    CHECK_FALSE(qmp.agent_running());
    qmp.handle_line(
        R"({"timestamp": {"seconds": 1}, "event": "VSERPORT_CHANGE", "data": {"open": true, "id": "qga-port"}})");
    CHECK(qmp.agent_running());
    CHECK(opened == 1);
    qmp.handle_line(R"({"event": "VSERPORT_CHANGE", "data": {"open": false, "id": "qga-port"}})");
    CHECK_FALSE(qmp.agent_running());
    CHECK(opened == 1);
}
