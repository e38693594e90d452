// The guest agent's command queue: the commands' JSON, the sync, one command per reply.
#include "agent/agent_commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <random>

namespace launcher {
namespace {

using json = nlohmann::json;

constexpr std::string_view user = "root";
constexpr std::size_t max_line = 64 * 1024;  // agent replies are far smaller

// The non-empty lines of `text`, surrounding blanks and CRs removed.
std::vector<std::string_view> key_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        auto line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) continue;
        line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        lines.push_back(line);
    }
    return lines;
}

// Each secret's spellings a message could carry: as given, and in base64.
std::vector<std::string> secret_forms(const std::string& password, const std::string& keys) {
    std::vector<std::string> forms;
    if (!password.empty()) {
        forms.push_back(password);
        forms.push_back(base64_encode(password));
    }
    for (const auto line : key_lines(keys))
        forms.emplace_back(line);
    return forms;
}

}  // namespace

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (auto pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 3)) {
            text.replace(pos, secret.size(), "***");
        }
    }
    return text;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        unsigned long group = 0;
        for (std::size_t j = 0; j < 3; ++j) {
            group = group << 8 | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0U);
        }
        for (std::size_t j = 0; j < 4; ++j) {
            out += j <= n ? alphabet[group >> (18 - 6 * j) & 0x3f] : '=';
        }
    }
    return out;
}

std::string agent_sync_command(unsigned long id) {
    return "{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": " + std::to_string(id) +
           "}}\n";
}

std::string set_password_command(std::string_view username, std::string_view password) {
    return "{\"execute\": \"guest-set-user-password\", \"arguments\": {\"username\": " +
           json_string(username) + ", \"password\": " + json_string(base64_encode(password)) +
           ", \"crypted\": false}}\n";
}

std::string add_ssh_keys_command(std::string_view username, std::string_view keys) {
    std::string list;
    for (const auto line : key_lines(keys))
        list += (list.empty() ? "" : ", ") + json_string(line);
    return "{\"execute\": \"guest-ssh-add-authorized-keys\", \"arguments\": {\"username\": " +
           json_string(username) + ", \"keys\": [" + list + "], \"reset\": false}}\n";
}

agent_commands::agent_commands(std::shared_ptr<unix_channel> agent, const std::string& password,
                               const std::string& ssh_key)
    : agent_(std::move(agent)),
      secrets_(secret_forms(password, ssh_key)),
      timer_(agent_->get_executor()),
      lines_(max_line) {
    if (!password.empty()) {
        steps_.push_back(
            {set_password_command(user, password), "root password set", "guest-set-user-password"});
    }
    if (!key_lines(ssh_key).empty()) {
        steps_.push_back({add_ssh_keys_command(user, ssh_key), "root SSH key added",
                          "guest-ssh-add-authorized-keys"});
    }
    // The channel lives as long as the supervisor that owns `this`.
    agent_->on_data(std::bind_front(&agent_commands::on_data, this));
}

void agent_commands::add_once(std::string command, std::string done, std::string what) {
    steps_.insert(steps_.begin() + static_cast<std::ptrdiff_t>(once_),
                  {std::move(command), std::move(done), std::move(what)});
    ++once_;
}

void agent_commands::start() {
    start_with_id(std::random_device{}());
}

void agent_commands::start_with_id(unsigned long sync_id) {
    if (!wanted()) return;
    active_ = true;
    synced_ = false;
    delimited_ = false;
    next_ = 0;
    lines_.reset();
    sync_id_ = sync_id;
    // 0xFF first resets the agent's parser; its reply starts with 0xFF too.
    agent_->send("\xff" + agent_sync_command(sync_id_));
    expect_reply("guest-sync-delimited");
}

void agent_commands::on_data(std::string_view bytes) {
    if (!active_) return;
    // Before the sync reply's 0xFF, whatever the agent sends is stale.
    if (!delimited_) {
        const auto mark = bytes.find('\xff');
        if (mark == std::string_view::npos) return;
        delimited_ = true;
        bytes.remove_prefix(mark + 1);
    }
    lines_.feed(bytes, std::bind_front(&agent_commands::on_line, this));
}

void agent_commands::on_line(std::string_view line) {
    if (active_) handle_reply(line);
}

void agent_commands::handle_reply(std::string_view line) {
    std::string text(line);
    text.erase(std::remove(text.begin(), text.end(), '\xff'), text.end());
    const json reply = json::parse(text, nullptr, false);
    if (!reply.is_object()) return;  // not JSON: ignored
    if (!synced_) {
        const auto value = reply.find("return");
        synced_ = value != reply.end() && value->is_number_unsigned() &&
                  value->get<unsigned long>() == sync_id_;
        if (synced_) send_next();
        return;
    }
    const step& current = steps_[next_];
    if (const auto error = reply.find("error"); error != reply.end()) {
        std::string desc = error->dump();
        if (error->is_object() && error->contains("desc") && (*error)["desc"].is_string())
            desc = (*error)["desc"].get<std::string>();
        std::cerr << "launcher: guest agent: " << current.command_name
                  << " failed: " << mask_secrets(desc, secrets_) << "\n";
    } else if (reply.contains("return")) {
        std::cerr << "launcher: guest agent: " << current.done << "\n";
    } else {
        return;  // not a reply
    }
    ++next_;
    send_next();
}

void agent_commands::send_next() {
    if (next_ < steps_.size()) {
        agent_->send(steps_[next_].command);
        expect_reply(steps_[next_].command_name);
    } else {
        steps_.erase(steps_.begin(), steps_.begin() + static_cast<std::ptrdiff_t>(once_));
        once_ = 0;
        timer_.cancel();
        end_exchange();
    }
}

void agent_commands::end_exchange() {
    active_ = false;
    const auto handler = std::move(after_exchange_);
    after_exchange_ = nullptr;
    if (handler) handler();
}

// An agent that never answers: give up until its port opens again.
void agent_commands::expect_reply(const std::string& command_name) {
    timer_.expires_after(reply_timeout_);
    timer_.async_wait(std::bind_front(&agent_commands::on_reply_timeout, this, command_name));
}

void agent_commands::on_reply_timeout(const std::string& command_name,
                                      boost::system::error_code ec) {
    if (ec || !active_) return;
    std::cerr << "launcher: guest agent: no reply to " << command_name << " in "
              << std::chrono::duration_cast<std::chrono::seconds>(reply_timeout_).count()
              << " s; retrying when the agent next connects\n";
    end_exchange();
}

std::string json_string(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace launcher
