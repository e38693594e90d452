// Command line and environment of the console (CLI11).
#include "console_config.hpp"

#include "project_version.hpp"
#include "vm_status.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace console {

endpoint parse_endpoint(const std::string& text, const std::string& what) {
    const auto colon = text.rfind(':');
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument(what + " '" + text + "': " + why);
    };
    if (colon == std::string::npos || colon == 0) throw bad("expected host:port");
    std::string host = text.substr(0, colon);
    // An IPv6 address comes in brackets: [::1]:8080.
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
        port_text.empty())
        throw bad("port must be a number from 0 to 65535");
    return {host, static_cast<unsigned short>(port), ""};
}

endpoint parse_telnet_target(const std::string& text, const std::string& what) {
    const std::string prefix = "unix:";
    if (text.rfind(prefix, 0) != 0) return parse_endpoint(text, what);
    const std::string path = text.substr(prefix.size());
    // sockaddr_un holds 108 bytes with the terminator.
    if (path.empty() || path.size() > 107)
        throw std::invalid_argument(what + " '" + text +
                                    "': expected unix:PATH, PATH 1 to 107 bytes");
    return {"", 0, path};
}

std::string describe(const endpoint& target) {
    if (!target.unix_path.empty()) return "unix:" + target.unix_path;
    return target.host + ":" + std::to_string(target.port);
}

std::string parse_base_path(const std::string& text, const std::string& what) {
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument(what + " '" + text + "': " + why);
    };
    if (text.empty() || text == "/") return "";
    if (text.front() != '/') throw bad("must start with /");
    std::string path = text.back() == '/' ? text.substr(0, text.size() - 1) : text;
    // Segments of letters, digits and - . _ ~ only: nothing a proxy would rewrite.
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..")
            throw bad("empty, '.' or '..' segment");
        for (const char c : segment)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
                c != '~')
                throw bad("only letters, digits, '-', '.', '_', '~' and '/' are allowed");
        start = end + 1;
    }
    return path;
}

namespace {

using endpoint_parser = endpoint (*)(const std::string&, const std::string&);

// A flag whose value is checked by `parse`, so flag and variable fail alike.
void add_endpoint_option(CLI::App& app, const std::string& flag, const std::string& env,
                         endpoint& target, const std::string& help,
                         endpoint_parser parse = parse_endpoint) {
    app.add_option_function<std::string>(
           flag,
           [&target, flag, env, parse](const std::string& text) {
               try {
                   target = parse(text, flag + "/" + env);
               } catch (const std::invalid_argument& error) {
                   throw CLI::ValidationError(error.what());
               }
           },
           help + " (default " + target.host + ":" + std::to_string(target.port) + ")")
        ->envname(env)
        ->type_name(parse == parse_endpoint ? "HOST:PORT" : "HOST:PORT|unix:PATH");
}

void add_options(CLI::App& app, console_config& config) {
    add_endpoint_option(app, "--listen", "CONSOLE_LISTEN", config.listen,
                        "address of the HTTP and WebSocket server");
    add_endpoint_option(app, "--telnet", "CONSOLE_TELNET", config.telnet,
                        "telnet server of the VM's serial console, HOST:PORT or unix:PATH",
                        parse_telnet_target);
    app.add_option_function<std::string>(
           "--base-path",
           [&config](const std::string& text) {
               try {
                   config.base_path = parse_base_path(text, "--base-path/CONSOLE_BASE_PATH");
               } catch (const std::invalid_argument& error) {
                   throw CLI::ValidationError(error.what());
               }
           },
           "URL prefix of the page, assets, /ws, /healthz and /readyz, e.g. /vm1 for an "
           "Ingress path shared by several VMs (default /)")
        ->envname("CONSOLE_BASE_PATH")
        ->type_name("PATH");
    app.add_option("--status", config.status_socket,
                   "the launcher's status socket (VM_STATUS_SOCKET): /readyz answers 200 once it "
                   "says ready; without it /readyz only checks that the telnet target accepts")
        ->envname("CONSOLE_STATUS")
        ->type_name("PATH")
        ->check([](const std::string& path) {
            return path.size() < 108
                       ? std::string{}
                       : "--status/CONSOLE_STATUS '" + path + "': path too long for a unix socket";
        });
    app.add_option("--title", config.title, "name of the VM shown by the page")
        ->envname("CONSOLE_TITLE")
        ->capture_default_str();
    app.add_option("--auth", config.auth,
                   "user:password to require with HTTP Basic auth (as a flag it shows in the "
                   "process list: prefer CONSOLE_AUTH_FILE)")
        ->envname("CONSOLE_AUTH")
        ->type_name("USER:PASSWORD");
    app.add_option("--auth-file", config.auth_file,
                   "file whose first line is user:password for HTTP Basic auth")
        ->envname("CONSOLE_AUTH_FILE")
        ->type_name("PATH");
    app.add_option("--allow-host", config.allow_host,
                   "extra Host names served without --auth, comma-separated (*.suffix allowed, "
                   "* turns the check off); localhost and this machine's addresses are always "
                   "served; with --auth any Host is served after the credentials")
        ->envname("CONSOLE_ALLOW_HOST")
        ->type_name("NAMES");
    app.add_flag("--read-only", config.read_only, "drop keystrokes: viewers only (true/false)")
        ->envname("CONSOLE_READ_ONLY");
    app.add_option("--allow-origin", config.allow_origin,
                   "regex of extra Origins allowed to open /ws (same host is always allowed)")
        ->envname("CONSOLE_ALLOW_ORIGIN")
        ->type_name("REGEX");
    app.add_option("--max-sessions", config.max_sessions, "most WebSocket sessions at once")
        ->envname("CONSOLE_MAX_SESSIONS")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    app.add_option("--max-connections", config.max_connections,
                   "most HTTP connections at once; more are closed on accept")
        ->envname("CONSOLE_MAX_CONNECTIONS")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    app.add_option("--stall-timeout", config.stall_timeout_seconds,
                   "seconds a browser may stop reading before its session is closed")
        ->envname("CONSOLE_STALL_TIMEOUT")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--ping-interval", config.ping_interval_seconds,
                   "seconds of silence before a WebSocket ping")
        ->envname("CONSOLE_PING_INTERVAL")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--threads", config.threads, "I/O threads")
        ->envname("CONSOLE_THREADS")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--vm-name", config.vm_name,
                   "the VM's name in /status, as the front lists it (default: this machine's "
                   "host name, a pod's name)")
        ->envname("CONSOLE_VM_NAME")
        ->type_name("NAME")
        ->check([](const std::string& name) {
            return is_vm_name(name) ? std::string{}
                                    : "--vm-name/CONSOLE_VM_NAME '" + name +
                                          "': must be a DNS label (a-z, 0-9, '-', 1 to 63)";
        });
}

// True when argv itself carries --auth (not the environment).
bool auth_on_command_line(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--auth") == 0 || std::strncmp(argv[i], "--auth=", 7) == 0)
            return true;
    }
    return false;
}

}  // namespace

std::string read_auth_file(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
        throw std::runtime_error("CONSOLE_AUTH_FILE/--auth-file '" + path +
                                 "': cannot be read or is empty");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find(':') == std::string::npos)
        throw std::runtime_error("CONSOLE_AUTH_FILE/--auth-file '" + path +
                                 "': the first line must be user:password (no ':' found)");
    return line;
}

bool parse_config(int argc, char** argv, console_config& config, int& exit_code) {
    CLI::App app{
        "console: the VM's serial console in the browser (xterm.js over WebSocket, "
        "bridged to telnet)"};
    add_options(app, config);
    app.set_version_flag("--version", "console " QEMU_RISCV64_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        exit_code = app.exit(error);
        return false;
    }
    if (auth_on_command_line(argc, argv))
        std::cerr << "console: warning: --auth puts the password in the process list; "
                     "use CONSOLE_AUTH_FILE\n";
    if (config.vm_name.empty()) config.vm_name = default_vm_name();
    if (config.auth_file.empty()) return true;
    try {
        if (!config.auth.empty())
            throw std::runtime_error("CONSOLE_AUTH and CONSOLE_AUTH_FILE are both set; give one");
        config.auth = read_auth_file(config.auth_file);
    } catch (const std::runtime_error& error) {
        std::cerr << "console: " << error.what() << "\n";
        exit_code = 2;
        return false;
    }
    return true;
}

}  // namespace console
