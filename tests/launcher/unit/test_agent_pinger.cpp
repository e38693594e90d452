// The guest agent's ping: guest-sync-delimited with an id, only its own reply
// counts, silence is reported, and nothing is sent or held against the agent
// while the caller does not allow pings.
#include "agent/agent_pinger.hpp"
#include "catch.hpp"
#include "temp_dir.hpp"
#include "test_socket.hpp"

#include <chrono>

namespace {

using namespace std::chrono_literals;

// Runs `io` in short turns until `done()`, or gives up after 10 s.
template <typename Condition>
bool run_until(boost::asio::io_context& io, Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_for(10ms);
    }
    return true;
}

const std::string ping_prefix =
    "\xff{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": ";

// The fake agent: waits for the next ping and returns its id.
std::string next_ping(boost::asio::io_context& io, launcher_test::test_socket& guest) {
    const bool pinged = run_until(io, [&] {
        guest.read_available();
        return guest.received.find("}}\n") != std::string::npos;
    });
    REQUIRE(pinged);
    REQUIRE(guest.received.rfind(ping_prefix, 0) == 0);
    const auto end = guest.received.find('}');
    std::string id = guest.received.substr(ping_prefix.size(), end - ping_prefix.size());
    guest.received.erase(0, guest.received.find("}}\n") + 3);
    return id;
}

struct pinger_fixture {
    pinger_fixture()
        : agent(std::make_shared<launcher::unix_channel>(io, (dir.path() / "qga").string(),
                                                         "guest agent", 4096)),
          pinger(
              agent,
              [this] {
                  ++asked;
                  return allowed;
              },
              [this](bool answering) { results.push_back(answering); }) {
        agent->on_data([this](std::string_view bytes) { pinger.on_data(bytes); });
        agent->start();
        pinger.set_timing(20ms, 200ms);
    }

    launcher_test::temp_dir dir;
    boost::asio::io_context io;
    std::shared_ptr<launcher::unix_channel> agent;
    launcher::agent_pinger pinger;
    bool allowed = true;
    int asked = 0;
    std::vector<bool> results;
};

}  // namespace

TEST_CASE("a ping answered counts, one left unanswered counts as silence", "[pinger]") {
    pinger_fixture f;
    auto guest = launcher_test::test_socket::unix_client((f.dir.path() / "qga").string());
    f.pinger.start();
    const std::string id = next_ping(f.io, guest);
    // Stale output and another id are not the answer.
    guest.send("{\"return\": {}}\n\xff{\"return\": 1}\n");
    guest.send("\xff{\"return\": " + id + "}\n");
    REQUIRE(run_until(f.io, [&] { return !f.results.empty(); }));
    CHECK(f.results == std::vector<bool>{true});
    // The next ping has a new id and goes unanswered.
    CHECK(next_ping(f.io, guest) != id);
    REQUIRE(run_until(f.io, [&] { return f.results.size() == 2; }));
    CHECK(f.results == std::vector<bool>{true, false});
    // A late reply to it no longer counts; the next ping's does.
    const std::string third = next_ping(f.io, guest);
    guest.send("\xff{\"return\": " + third + "}\n");
    REQUIRE(run_until(f.io, [&] { return f.results.size() == 3; }));
    CHECK(f.results.back());
    f.pinger.stop();
}

TEST_CASE("no ping while not allowed, and no silence held against a paused guest", "[pinger]") {
    pinger_fixture f;
    auto guest = launcher_test::test_socket::unix_client((f.dir.path() / "qga").string());
    f.allowed = false;
    f.pinger.start();
    REQUIRE(run_until(f.io, [&] { return f.asked >= 3; }));
    guest.read_available();
    CHECK(guest.received.empty());
    // Allowed again: a ping; then the guest is paused before its reply is due.
    f.allowed = true;
    next_ping(f.io, guest);
    f.allowed = false;
    const int asked = f.asked;
    REQUIRE(run_until(f.io, [&] { return f.asked >= asked + 2; }));
    CHECK(f.results.empty());
    f.pinger.stop();
}
