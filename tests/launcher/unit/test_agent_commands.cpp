// Root's credentials through the guest agent: the exact JSON commands, and
// the exchange (sync first, one command per reply, secrets never logged).
#include "agent/agent_commands.hpp"
#include "catch.hpp"
#include "temp_dir.hpp"
#include "test_socket.hpp"
#include "warm/warm_resume.hpp"

#include <iostream>
#include <sstream>

namespace {

// Lets the channel accept, read and write for a moment.
void pump(boost::asio::io_context& io) {
    io.restart();
    io.run_for(std::chrono::milliseconds(200));
}

// std::cerr captured for one scope.
class captured_cerr {
public:
    captured_cerr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
    ~captured_cerr() { std::cerr.rdbuf(old_); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::streambuf* old_;
};

}  // namespace

TEST_CASE("base64 as RFC 4648 writes it, with padding", "[credentials]") {
    CHECK(launcher::base64_encode("").empty());
    CHECK(launcher::base64_encode("f") == "Zg==");
    CHECK(launcher::base64_encode("fo") == "Zm8=");
    CHECK(launcher::base64_encode("foo") == "Zm9v");
    CHECK(launcher::base64_encode("foobar") == "Zm9vYmFy");
    CHECK(launcher::base64_encode("s3cret") == "czNjcmV0");
    CHECK(launcher::base64_encode(std::string_view("\xff\xfe\x00 \"x\\", 7)) == "//4AICJ4XA==");
}

TEST_CASE("the agent's commands are exact JSON lines", "[credentials]") {
    CHECK(launcher::agent_sync_command(4242) ==
          "{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": 4242}}\n");
    CHECK(launcher::set_password_command("root", "s3cret, \"quoted\"") ==
          "{\"execute\": \"guest-set-user-password\", \"arguments\": {\"username\": \"root\", "
          "\"password\": \"czNjcmV0LCAicXVvdGVkIg==\", \"crypted\": false}}\n");
    CHECK(launcher::add_ssh_keys_command("root", "ssh-ed25519 AAAAC3Nz user@host\n") ==
          "{\"execute\": \"guest-ssh-add-authorized-keys\", \"arguments\": {\"username\": "
          "\"root\", \"keys\": [\"ssh-ed25519 AAAAC3Nz user@host\"], \"reset\": false}}\n");
    // Several lines are several keys; blank lines and CRs go, quotes are escaped.
    CHECK(
        launcher::add_ssh_keys_command("root", "ssh-rsa AAAA a\r\n\n  ssh-ed25519 BBBB \"b\"\n") ==
        "{\"execute\": \"guest-ssh-add-authorized-keys\", \"arguments\": {\"username\": "
        "\"root\", \"keys\": [\"ssh-rsa AAAA a\", \"ssh-ed25519 BBBB \\\"b\\\"\"], "
        "\"reset\": false}}\n");
}

TEST_CASE("nothing is wanted without a password or a key", "[credentials]") {
    launcher_test::temp_dir dir;
    boost::asio::io_context io;
    auto agent = std::make_shared<launcher::unix_channel>(io, (dir.path() / "qga").string(),
                                                          "guest agent", 4096);
    CHECK_FALSE(launcher::agent_commands(agent, "", "").wanted());
    CHECK_FALSE(launcher::agent_commands(agent, "", " \n").wanted());
    CHECK(launcher::agent_commands(agent, "x", "").wanted());
    CHECK(launcher::agent_commands(agent, "", "ssh-ed25519 AAAA").wanted());
}

TEST_CASE("sync, then the password, then the key, each reply logged", "[credentials]") {
    launcher_test::temp_dir dir;
    boost::asio::io_context io;
    const auto path = (dir.path() / "qga").string();
    auto agent = std::make_shared<launcher::unix_channel>(io, path, "guest agent", 4096);
    launcher::agent_commands credentials(agent, "s3cret", "ssh-ed25519 AAAA k");
    agent->start();
    auto guest = launcher_test::test_socket::unix_client(path);
    captured_cerr log;

    credentials.start();
    pump(io);
    REQUIRE(guest.read_until("}}\n"));
    const std::string prefix =
        "\xff{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": ";
    REQUIRE(guest.received.rfind(prefix, 0) == 0);
    const std::string id =
        guest.received.substr(prefix.size(), guest.received.find('}') - prefix.size());
    guest.received.clear();

    // Stale output and a wrong id are skipped; the matching reply starts the steps.
    guest.send("{\"return\": {}}\n\xff{\"return\": 1}\n");
    pump(io);
    guest.send("\xff{\"return\": " + id + "}\n");
    pump(io);
    REQUIRE(guest.read_until("\n"));
    CHECK(guest.received == launcher::set_password_command("root", "s3cret"));
    guest.received.clear();

    guest.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"chpasswd: s3cret bad\"}}\n");
    pump(io);
    REQUIRE(guest.read_until("\n"));
    CHECK(guest.received == launcher::add_ssh_keys_command("root", "ssh-ed25519 AAAA k"));
    guest.received.clear();
    guest.send("{\"return\": {}}\n");
    pump(io);

    CHECK(log.text() ==
          "launcher: guest agent: guest-set-user-password failed: chpasswd: *** bad\n"
          "launcher: guest agent: root SSH key added\n");
}

TEST_CASE("after_exchange runs once, when the last step is answered", "[credentials]") {
    launcher_test::temp_dir dir;
    boost::asio::io_context io;
    auto agent = std::make_shared<launcher::unix_channel>(io, (dir.path() / "qga").string(),
                                                          "guest agent", 4096);
    launcher::agent_commands credentials(agent, "", "");
    CHECK(launcher::fsfreeze_command(true) == "{\"execute\": \"guest-fsfreeze-freeze\"}\n");
    credentials.add_once(launcher::fsfreeze_command(true), "frozen", "guest-fsfreeze-freeze");
    credentials.add_once(launcher::fsfreeze_command(false), "thawed", "guest-fsfreeze-thaw");
    int ends = 0;
    credentials.after_exchange([&] { ++ends; });
    captured_cerr log;
    credentials.start_with_id(7);
    credentials.on_data("\xff{\"return\": 7}\n");
    credentials.on_data("{\"return\": 1}\n");
    CHECK(ends == 0);
    credentials.on_data("{\"return\": 1}\n");
    CHECK(ends == 1);
    // The steps were for this exchange only; the handler too.
    CHECK_FALSE(credentials.wanted());
    CHECK(log.text() == "launcher: guest agent: frozen\nlauncher: guest agent: thawed\n");
}
