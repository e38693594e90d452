#include "guest_credentials.hpp"

#include <algorithm>
#include <iostream>
#include <random>

namespace launcher {
namespace {

constexpr std::string_view user = "root";

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// A JSON string literal: quotes, backslashes and control bytes escaped.
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

// The "desc" of an agent error reply, with any occurrence of `secret` hidden.
std::string error_desc(std::string_view reply, const std::string& secret) {
    std::string desc;
    auto at = reply.find("\"desc\"");
    at = at == std::string_view::npos ? at : reply.find('"', reply.find(':', at));
    for (std::size_t i = at == std::string_view::npos ? reply.size() : at + 1;
         i < reply.size() && reply[i] != '"'; ++i) {
        if (reply[i] == '\\' && i + 1 < reply.size()) ++i;
        desc += reply[i];
    }
    if (desc.empty()) desc = std::string(reply);
    for (auto pos = desc.find(secret); !secret.empty() && pos != std::string::npos;
         pos = desc.find(secret, pos + 3)) {
        desc.replace(pos, secret.size(), "***");
    }
    return desc;
}

}  // namespace

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

guest_credentials::guest_credentials(std::shared_ptr<unix_channel> agent, std::string password,
                                     std::string ssh_key)
    : agent_(std::move(agent)), password_(std::move(password)) {
    if (!password_.empty()) {
        steps_.push_back({set_password_command(user, password_), "root password set",
                          "guest-set-user-password failed"});
    }
    if (!key_lines(ssh_key).empty()) {
        steps_.push_back({add_ssh_keys_command(user, ssh_key), "root SSH key added",
                          "guest-ssh-add-authorized-keys failed"});
    }
    // The channel lives as long as the supervisor that owns `this`.
    agent_->on_data([this](std::string_view bytes) { on_data(bytes); });
}

void guest_credentials::add_once(std::string command, std::string done, std::string what) {
    steps_.insert(steps_.begin() + static_cast<std::ptrdiff_t>(once_),
                  {std::move(command), std::move(done), std::move(what)});
    ++once_;
}

void guest_credentials::start() {
    if (!wanted()) return;
    active_ = true;
    synced_ = false;
    delimited_ = false;
    next_ = 0;
    partial_.clear();
    sync_id_ = std::random_device{}();
    // 0xFF first resets the agent's parser; its reply starts with 0xFF too.
    agent_->send("\xff" + agent_sync_command(sync_id_));
}

void guest_credentials::on_data(std::string_view bytes) {
    if (!active_) return;
    // Before the sync reply's 0xFF, whatever the agent sends is stale.
    if (!delimited_) {
        const auto mark = bytes.find('\xff');
        if (mark == std::string_view::npos) return;
        delimited_ = true;
        bytes.remove_prefix(mark + 1);
    }
    partial_.append(bytes);
    for (auto end = partial_.find('\n'); active_ && end != std::string::npos;
         end = partial_.find('\n')) {
        const std::string line = partial_.substr(0, end);
        partial_.erase(0, end + 1);
        handle_reply(line);
    }
    // An agent that never ends a line must not grow memory without bound.
    if (partial_.size() > 65536) partial_.clear();
}

void guest_credentials::handle_reply(std::string_view line) {
    if (!synced_) {
        std::string compact;
        for (const char c : line) {
            if (c != ' ' && c != '\r' && c != '\xff') compact += c;
        }
        synced_ = compact == "{\"return\":" + std::to_string(sync_id_) + "}";
        if (synced_) send_next();
        return;
    }
    const step& current = steps_[next_];
    if (contains(line, "\"error\"")) {
        std::cerr << "launcher: guest agent: " << current.what << ": "
                  << error_desc(line, password_) << "\n";
    } else if (contains(line, "\"return\"")) {
        std::cerr << "launcher: guest agent: " << current.done << "\n";
    } else {
        return;  // not a reply
    }
    ++next_;
    send_next();
}

void guest_credentials::send_next() {
    if (next_ < steps_.size()) {
        agent_->send(steps_[next_].command);
    } else {
        active_ = false;
        steps_.erase(steps_.begin(), steps_.begin() + static_cast<std::ptrdiff_t>(once_));
        once_ = 0;
    }
}

}  // namespace launcher
