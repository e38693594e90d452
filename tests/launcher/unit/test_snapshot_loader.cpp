// The resume over QMP: loadvm then cont; a failed loadvm (QEMU's own text)
// gives system_reset then cont, and the reason in one line.
#include "catch.hpp"
#include "unconnected_qmp.hpp"
#include "warm/snapshot_loader.hpp"

#include <optional>

namespace {

struct loader_fixture : launcher_test::unconnected_qmp {
    bool resumed = false;
    std::optional<std::string> cold_reason;
    launcher::snapshot_loader loader{qmp, "warm", [this] { resumed = true; },
                                     [this](const std::string& reason) {
                                         cold_reason = reason;
                                     }};
};

}  // namespace

TEST_CASE("a resume starts QEMU paused", "[warm]") {
    const std::vector<std::string> argv = {"qemu", "-machine", "virt"};
    const auto paused = launcher::paused_for_resume(argv);
    REQUIRE(paused.size() == argv.size() + 1);
    CHECK(paused.back() == "-S");
}

TEST_CASE("loadvm's output: only an Error line is a failure, told in one line", "[warm]") {
    CHECK(launcher::loadvm_failure("").empty());
    CHECK(launcher::loadvm_failure("warning: something odd\n").empty());
    CHECK(launcher::loadvm_failure("Error: Snapshot 'warm' does not exist in one or more "
                                   "devices\n") ==
          "Snapshot 'warm' does not exist in one or more devices");
    CHECK(launcher::loadvm_failure("Not a migration stream\nError: Error -22 while loading VM "
                                   "state\n") ==
          "Not a migration stream; Error -22 while loading VM state");
}

TEST_CASE("a loaded snapshot: cont, then the guest counts as resumed", "[warm]") {
    loader_fixture f;
    f.loader.start();
    f.qmp.handle_line(R"({"return": ""})");  // loadvm
    CHECK_FALSE(f.resumed);
    f.qmp.handle_line(R"({"return": {}})");  // cont
    CHECK(f.resumed);
    CHECK_FALSE(f.cold_reason);
}

TEST_CASE("a snapshot QEMU cannot load: reset, cont, cold boot with QEMU's reason", "[warm]") {
    loader_fixture f;
    f.loader.start();
    f.qmp.handle_line(
        R"({"return": "Not a migration stream\r\nError: Error -22 while loading VM state\r\n"})");
    f.qmp.handle_line(R"({"return": {}})");  // system_reset
    CHECK_FALSE(f.cold_reason);
    f.qmp.handle_line(R"({"return": {}})");  // cont
    CHECK_FALSE(f.resumed);
    REQUIRE(f.cold_reason);
    CHECK(*f.cold_reason == "Not a migration stream; Error -22 while loading VM state");
}

TEST_CASE("QMP refusing loadvm is a failure too", "[warm]") {
    loader_fixture f;
    f.loader.start();
    f.qmp.handle_line(R"({"error": {"class": "GenericError", "desc": "no monitor"}})");
    f.qmp.handle_line(R"({"return": {}})");
    f.qmp.handle_line(R"({"return": {}})");
    REQUIRE(f.cold_reason);
    CHECK(*f.cold_reason == "no monitor");
}

TEST_CASE("a step before running: cont waits for it", "[warm]") {
    loader_fixture f;
    std::function<void()> run_later;
    f.loader.before_running([&](std::function<void()> run) { run_later = std::move(run); });
    f.loader.start();
    f.qmp.handle_line(R"({"return": ""})");  // loadvm
    REQUIRE(run_later);
    f.qmp.handle_line(R"({"return": {}})");  // no cont was sent: nothing answered
    CHECK_FALSE(f.resumed);
    run_later();
    f.qmp.handle_line(R"({"return": {}})");  // cont
    CHECK(f.resumed);
}
