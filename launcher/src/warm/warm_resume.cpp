// The guest agent's commands around a snapshot: the clock, fsfreeze, the resume hook.
#include "warm/warm_resume.hpp"

#include "agent/agent_commands.hpp"

#include <cstdio>
#include <random>

namespace launcher {

std::string set_time_command(std::chrono::system_clock::time_point now) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
    return "{\"execute\": \"guest-set-time\", \"arguments\": {\"time\": " +
           std::to_string(ns.count()) + "}}\n";
}

std::string fsfreeze_command(bool freeze) {
    return std::string("{\"execute\": \"guest-fsfreeze-") + (freeze ? "freeze" : "thaw") + "\"}\n";
}

std::string exec_command(const std::string& path, std::string_view input) {
    return "{\"execute\": \"guest-exec\", \"arguments\": {\"path\": " + json_string(path) +
           ", \"input-data\": \"" + base64_encode(input) + "\"}}\n";
}

std::string exec_script_command(std::string_view script, std::string_view input,
                                const std::vector<std::string>& args) {
    std::string arg = "\"-c\", " + json_string(script) + ", " + json_string(hook_name);
    for (const auto& each : args)
        arg += ", " + json_string(each);
    return "{\"execute\": \"guest-exec\", \"arguments\": {\"path\": \"/bin/sh\", \"arg\": [" + arg +
           "], \"input-data\": \"" + base64_encode(input) + "\"}}\n";
}

std::string host_entropy(std::size_t count) {
    std::random_device source;  // the kernel's CSPRNG (getrandom) in libstdc++
    std::string bytes;
    while (bytes.size() < count) {
        const unsigned int word = source();
        for (int i = 0; i < 4 && bytes.size() < count; ++i)
            bytes += static_cast<char>(word >> (8 * i) & 0xff);
    }
    return bytes;
}

std::string console_line(const snapshot_recipe& recipe, const std::string& hostname,
                         std::chrono::system_clock::time_point now, const std::string& machine_id) {
    const auto fill = [](std::string text, std::string_view field, const std::string& value) {
        for (auto at = text.find(field); at != std::string::npos;
             at = text.find(field, at + value.size()))
            text.replace(at, field.size(), value);
        return text;
    };
    std::vector<std::string> parts;
    if (!hostname.empty() && !recipe.resume_hostname.empty())
        parts.push_back(fill(recipe.resume_hostname, "{hostname}", hostname));
    if (!recipe.resume_console.empty()) {
        const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
        parts.push_back(fill(fill(recipe.resume_console, "{epoch}", std::to_string(epoch.count())),
                             "{machine_id}", machine_id));
    }
    std::string line;
    for (const auto& part : parts)
        line += (line.empty() ? "" : "; ") + part;
    return line.empty() ? line : line + "\r";
}

std::string random_machine_id() {
    static const char digits[] = "0123456789abcdef";
    std::string id;
    for (const char byte : host_entropy(16)) {
        id += digits[static_cast<unsigned char>(byte) >> 4];
        id += digits[static_cast<unsigned char>(byte) & 0xf];
    }
    return id;
}

std::string replayable_screen(const std::string& output, std::size_t limit) {
    std::string screen = output.size() > limit ? output.substr(output.size() - limit) : output;
    // Start at a line: no half escape sequence or half character first.
    if (output.size() > limit) {
        const auto line = screen.find('\n');
        screen.erase(0, line == std::string::npos ? 0 : line + 1);
    }
    // A cursor position query (the shell's ESC [6n) would make a viewer's terminal answer it.
    for (auto at = screen.find("\x1b[6n"); at != std::string::npos; at = screen.find("\x1b[6n"))
        screen.erase(at, 4);
    return screen;
}

std::string resume_banner(const warm_manifest& manifest, double seconds) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    return "\r\n[launcher: warm start: the guest resumed in " + std::string(took) +
           " s from the data image's snapshot of " + manifest.saved_at + "; its screen then:]\r\n";
}

}  // namespace launcher
