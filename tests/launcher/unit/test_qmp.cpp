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

TEST_CASE("every QMP event is passed on by name, the agent's port closing too", "[qmp]") {
    launcher_test::unconnected_qmp fixture;
    launcher::qmp_client& qmp = fixture.qmp;
    std::vector<std::string> events;
    int closed = 0;
    qmp.on_event([&](const std::string& event) { events.push_back(event); });
    qmp.on_agent_close([&] { ++closed; });
    qmp.handle_line(R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"})");
    qmp.handle_line(R"({"timestamp": {"seconds": 3, "microseconds": 4}, "event": "RESUME"})");
    qmp.handle_line(R"({"event": "RESET", "data": {"guest": true, "reason": "guest-reset"}})");
    qmp.handle_line(R"({"event": "VSERPORT_CHANGE", "data": {"open": true, "id": "qga-port"}})");
    CHECK(closed == 0);
    qmp.handle_line(R"({"event": "VSERPORT_CHANGE", "data": {"open": false, "id": "qga-port"}})");
    CHECK(closed == 1);
    qmp.handle_line(R"({"event": 42})");  // not a name: ignored
    CHECK(events == std::vector<std::string>{"STOP", "RESUME", "RESET", "VSERPORT_CHANGE",
                                             "VSERPORT_CHANGE"});
}
