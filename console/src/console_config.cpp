// Command line and environment of the console (CLI11).
#include "console_config.hpp"

#include "project_version.hpp"
#include "vm_status.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace console {

namespace {

// "<what> '<text>': <why>": every bad value is named so.
std::invalid_argument invalid(const std::string& what, const std::string& text,
                              const std::string& why) {
    std::string message = what;
    message.append(" '").append(text).append("': ").append(why);
    return std::invalid_argument(message);
}

}  // namespace

endpoint parse_endpoint(const std::string& text, const std::string& what) {
    const auto colon = text.rfind(':');
    const auto bad = [&](const std::string& why) {
        return invalid(what, text, why);
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
        throw invalid(what, text, "expected unix:PATH, PATH 1 to 107 bytes");
    return {"", 0, path};
}

std::string describe(const endpoint& target) {
    if (!target.unix_path.empty()) return "unix:" + target.unix_path;
    return target.host + ":" + std::to_string(target.port);
}

std::string describe_peers(const std::vector<endpoint>& peers) {
    std::string text;
    for (const auto& peer : peers)
        text += (text.empty() ? "" : ",") + describe(peer);
    return text;
}

std::string parse_base_path(const std::string& text, const std::string& what) {
    const auto bad = [&](const std::string& why) {
        return invalid(what, text, why);
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

// A host name a DNS server can be asked for: labels of letters, digits, '-'
// and '_', 1 to 63 each, 253 in all, an optional trailing dot.
bool is_dns_name(std::string_view name) {
    if (name.ends_with('.')) name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (const char c : name) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
            if (++label > 63) return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

bool is_address(const std::string& host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

std::vector<endpoint> parse_peers(const std::string& text, const std::string& what) {
    std::vector<endpoint> peers;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        std::string entry = text.substr(start, end - start);
        start = end + 1;
        entry.erase(0, entry.find_first_not_of(" \t"));
        entry.erase(entry.find_last_not_of(" \t") + 1);
        if (entry.empty()) continue;
        auto peer = parse_endpoint(entry, what);
        if (peer.port == 0 || (!is_address(peer.host) && !is_dns_name(peer.host)))
            throw invalid(what, entry, "expected an address or DNS name and a port 1-65535");
        peers.push_back(std::move(peer));
    }
    if (peers.empty()) throw invalid(what, text, "no host:port in it");
    return peers;
}

namespace {

// A flag whose text goes through `parse(text, "--flag/VARIABLE")`, which throws
// std::invalid_argument: flag and variable fail alike, naming both.
template <typename Parse>
CLI::Option* add_parsed_option(CLI::App& app, const std::string& flag, const std::string& env,
                               const std::string& help, Parse parse) {
    return app
        .add_option_function<std::string>(
            flag,
            [flag, env, parse](const std::string& text) {
                try {
                    parse(text, flag + "/" + env);
                } catch (const std::invalid_argument& error) {
                    throw CLI::ValidationError(error.what());
                }
            },
            help)
        ->envname(env);
}

using endpoint_parser = endpoint (*)(const std::string&, const std::string&);

void add_endpoint_option(CLI::App& app, const std::string& flag, const std::string& env,
                         endpoint& target, const std::string& help,
                         endpoint_parser parse = parse_endpoint) {
    add_parsed_option(app, flag, env,
                      help + " (default " + target.host + ":" + std::to_string(target.port) + ")",
                      [&target, parse](const std::string& text, const std::string& what) {
                          target = parse(text, what);
                      })
        ->type_name(parse == parse_endpoint ? "HOST:PORT" : "HOST:PORT|unix:PATH");
}

// --role, the console's --vm-name and the front's settings.
void add_role_options(CLI::App& app, console_config& config) {
    app.add_option_function<std::string>(
           "--role",
           [&config](const std::string& role) {
               config.role = role == "front" ? console_role::front : console_role::console;
           },
           "console: one VM's console (default); front: the index and proxy of every console "
           "found at --peers")
        ->envname("CONSOLE_ROLE")
        ->check(CLI::IsMember({"console", "front"}))
        ->type_name("console|front");
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
    add_parsed_option(app, "--peers", "CONSOLE_FRONT_PEERS",
                      "front: the consoles, HOST:PORT,...; a HOST that is a DNS name stands for "
                      "all its A records, looked up again every --poll-interval",
                      [&config](const std::string& text, const std::string& what) {
                          config.peers = parse_peers(text, what);
                      })
        ->type_name("HOST:PORT,...");
    add_parsed_option(app, "--peer-base-path", "CONSOLE_FRONT_PEER_BASE_PATH",
                      "front: the consoles' --base-path (default /)",
                      [&config](const std::string& text, const std::string& what) {
                          config.peer_base_path = parse_base_path(text, what);
                      })
        ->type_name("PATH");
    app.add_option("--poll-interval", config.poll_interval_seconds,
                   "front: seconds between two look-ups of the peers and their /status")
        ->envname("CONSOLE_FRONT_POLL_INTERVAL")
        ->check(CLI::Range(1, 60))
        ->capture_default_str();
    add_parsed_option(app, "--dns-server", "CONSOLE_FRONT_DNS",
                      "front: the DNS server asked for --peers names, ADDRESS:PORT (default: the "
                      "first nameserver of /etc/resolv.conf, port 53)",
                      [&config](const std::string& text, const std::string& what) {
                          config.dns_server = parse_endpoint(text, what);
                          if (!is_address(config.dns_server.host) || config.dns_server.port == 0)
                              throw invalid(what, text, "expected an IP address and a port");
                      })
        ->type_name("ADDRESS:PORT");
}

void add_options(CLI::App& app, console_config& config) {
    add_endpoint_option(app, "--listen", "CONSOLE_LISTEN", config.listen,
                        "address of the HTTP and WebSocket server");
    add_endpoint_option(app, "--telnet", "CONSOLE_TELNET", config.telnet,
                        "telnet server of the VM's serial console, HOST:PORT or unix:PATH",
                        parse_telnet_target);
    add_parsed_option(app, "--base-path", "CONSOLE_BASE_PATH",
                      "URL prefix of the page, assets, /ws, /healthz and /readyz, e.g. /vm1 for an "
                      "Ingress path shared by several VMs (default /)",
                      [&config](const std::string& text, const std::string& what) {
                          config.base_path = parse_base_path(text, what);
                      })
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
    app.add_option("--recording", config.recording_socket,
                   "the launcher's recording socket (VM_RECORDING_SOCKET): /recording.cast "
                   "serves the VM's console recording from it (asciicast v2)")
        ->envname("CONSOLE_RECORDING")
        ->type_name("PATH")
        ->check([](const std::string& path) {
            return path.size() < 108 ? std::string{}
                                     : "--recording/CONSOLE_RECORDING '" + path +
                                           "': path too long for a unix socket";
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
    add_role_options(app, config);
}

// True when argv itself carries --auth (not the environment).
bool auth_on_command_line(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--auth") == 0 || std::strncmp(argv[i], "--auth=", 7) == 0)
            return true;
    }
    return false;
}

// Settings of one role given to the other are refused, not ignored.
void check_role(const console_config& config) {
    const bool front = config.role == console_role::front;
    if (front && config.peers.empty())
        throw std::runtime_error("--role front needs --peers/CONSOLE_FRONT_PEERS");
    if (!front && !config.peers.empty())
        throw std::runtime_error(
            "--peers/CONSOLE_FRONT_PEERS is set, but --role/CONSOLE_ROLE "
            "is not front");
    if (front && config.read_only)
        throw std::runtime_error(
            "--read-only/CONSOLE_READ_ONLY is not a setting of the front: "
            "set it on the VMs' consoles");
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
    try {
        check_role(config);
        if (config.vm_name.empty()) config.vm_name = default_vm_name();
        if (config.auth_file.empty()) return true;
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
