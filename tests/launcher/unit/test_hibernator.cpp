// The save on SIGTERM: stop, then savevm hibernate; QEMU's error gives the
// guest back (cont) with the reason; a save past its time is given up.
#include "catch.hpp"
#include "unconnected_qmp.hpp"
#include "warm/hibernator.hpp"

#include <optional>

namespace {

struct hibernator_fixture : launcher_test::unconnected_qmp {
    std::optional<launcher::hibernate_outcome> outcome;
    std::string reason;
    launcher::hibernator saver{io, qmp, std::chrono::seconds(1),
                               [this](launcher::hibernate_outcome o, const std::string& why) {
                                   outcome = o;
                                   reason = why;
                               }};
};

}  // namespace

TEST_CASE("stop, savevm: saved", "[hibernate]") {
    hibernator_fixture f;
    f.saver.start();
    f.qmp.handle_line(R"({"return": {}})");  // stop
    CHECK_FALSE(f.outcome);
    f.qmp.handle_line(R"({"return": ""})");  // savevm hibernate
    REQUIRE(f.outcome);
    CHECK(*f.outcome == launcher::hibernate_outcome::saved);
}

TEST_CASE("savevm refused: failed with QEMU's reason, the guest continued", "[hibernate]") {
    hibernator_fixture f;
    f.saver.start();
    f.qmp.handle_line(R"({"return": {}})");  // stop
    f.qmp.handle_line(
        R"({"return": "Error: Device 'disk0' is writable but does not support snapshots\r\n"})");
    REQUIRE(f.outcome);
    CHECK(*f.outcome == launcher::hibernate_outcome::failed);
    CHECK(f.reason == "savevm: Device 'disk0' is writable but does not support snapshots");
}

TEST_CASE("a save that does not end in time is given up, and a late reply ignored", "[hibernate]") {
    hibernator_fixture f;
    f.saver.start();
    f.qmp.handle_line(R"({"return": {}})");  // stop; savevm never answers
    f.io.run_for(std::chrono::seconds(3));
    REQUIRE(f.outcome);
    CHECK(*f.outcome == launcher::hibernate_outcome::timed_out);
    CHECK(f.reason == "the save did not end within 1 s");
    f.outcome.reset();
    f.qmp.handle_line(R"({"return": ""})");
    CHECK_FALSE(f.outcome);
}
