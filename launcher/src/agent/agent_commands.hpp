#pragma once
// The QEMU guest agent's command queue: each time its port opens,
// guest-sync-delimited first, then one command at a time, each reply (parsed
// as JSON) logged on stderr, never a secret. Its standing steps are root's
// password and SSH key; a run adds one-off commands before them (fsfreeze
// before a snapshot; set-time and the resume hook after a warm start). The
// sync and each command time out; the whole exchange is retried on the
// agent's next open.
#include "asio.hpp"
#include "qemu/line_splitter.hpp"
#include "qemu/unix_channel.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// A JSON string literal, any bytes kept: quotes, backslashes and control bytes
// escaped (a JSON library would refuse a password that is not UTF-8).
std::string json_string(std::string_view text);

// The agent's commands, one JSON line each (public for tests).
std::string base64_encode(std::string_view bytes);
std::string agent_sync_command(unsigned long id);
std::string set_password_command(std::string_view user, std::string_view password);
// One key per non-empty line of `keys`, added to the user's authorized_keys.
std::string add_ssh_keys_command(std::string_view user, std::string_view keys);
// `text` with every occurrence of each of `secrets` replaced by ***.
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

class agent_commands {
public:
    // Takes over the agent channel's incoming bytes; empty values are not set.
    agent_commands(std::shared_ptr<unix_channel> agent, const std::string& password,
                   const std::string& ssh_key);

    bool wanted() const { return !steps_.empty(); }
    // A command for the next run only, before the credentials (a warm start's
    // clock and resume hook); `done` is logged on success, `what` with an error.
    void add_once(std::string command, std::string done, std::string what);
    // The agent's port has (re)opened: synchronise, then send every step.
    void start();
    // start() with a chosen sync id (public for tests and the fuzzer).
    void start_with_id(unsigned long sync_id);

    // Bytes from the agent (public for tests).
    void on_data(std::string_view bytes);
    // How long the sync and each command wait for their reply (30 s).
    void set_reply_timeout(std::chrono::milliseconds timeout) { reply_timeout_ = timeout; }
    // True while an exchange is under way.
    bool active() const { return active_; }
    // Called once, when the next exchange ends: every step answered, or the agent silent.
    void after_exchange(std::function<void()> handler) { after_exchange_ = std::move(handler); }

private:
    struct step {
        std::string command;       // the JSON line
        std::string done;          // logged on success
        std::string command_name;  // logged with the agent's error or silence
    };

    void on_line(std::string_view line);
    void handle_reply(std::string_view line);
    void send_next();
    void expect_reply(const std::string& command_name);
    void on_reply_timeout(const std::string& command_name, boost::system::error_code ec);
    void end_exchange();

    std::shared_ptr<unix_channel> agent_;
    std::vector<std::string> secrets_;  // masked in every message
    std::vector<step> steps_;
    std::size_t next_ = 0;  // the step whose reply is awaited, once synced
    std::size_t once_ = 0;  // leading steps dropped after the next run
    unsigned long sync_id_ = 0;
    bool delimited_ = false;  // the sync reply's 0xFF has arrived
    bool synced_ = false;     // and its {"return": id}
    bool active_ = false;
    boost::asio::steady_timer timer_;  // the awaited reply's deadline
    std::chrono::milliseconds reply_timeout_{30000};
    line_splitter lines_;
    std::function<void()> after_exchange_;
};

}  // namespace launcher
