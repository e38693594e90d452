// The console's settings: every one a command-line flag with an environment twin.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace console {

struct endpoint {
    std::string host;       // name or address
    unsigned short port;    // TCP port
    std::string unix_path;  // "unix:PATH" (--telnet only): a unix socket instead
};

// What the binary serves: one VM's console, or the front of a fleet of them.
enum class console_role { console, front };

struct console_config {
    console_role role = console_role::console;  // --role: console or front
    endpoint listen{"0.0.0.0", 8080, ""};       // HTTP and WebSocket server
    endpoint telnet{"127.0.0.1", 10023, ""};    // the VM's serial console (telnet server)
    std::string base_path;                // URL prefix of every route, e.g. "/vm1"; empty = "/"
    std::string recording_socket;         // the launcher's VM_RECORDING_SOCKET; empty = none
    std::string status_socket;            // the launcher's status socket for /readyz; empty =
                                          // /readyz only checks that the telnet target accepts
    std::string title = "RISC-V VM";      // name of the VM shown by the page
    std::string auth;                     // "user:password" for HTTP Basic, empty = off
    std::string auth_file;                // file holding "user:password" (CONSOLE_AUTH_FILE)
    std::string allow_host;               // extra Host names allowed (comma-separated)
    bool read_only = false;               // drop keystrokes and resizes from every browser
    std::string allow_origin;             // regex of extra origins allowed to open /ws
    std::size_t max_sessions = 64;        // concurrent WebSocket sessions
    std::size_t max_connections = 1024;   // concurrent HTTP connections (before any upgrade)
    unsigned stall_timeout_seconds = 10;  // close a session whose browser stops reading this long
    unsigned ping_interval_seconds = 25;  // WebSocket ping after this much silence
    unsigned threads = 2;                 // I/O threads
    std::string vm_name;                  // the VM's name in /status; empty = the host name
    // The front role's settings.
    std::vector<endpoint> peers;         // consoles: addresses, or DNS names (all A records)
    std::string peer_base_path;          // the consoles' base path; empty = "/"
    unsigned poll_interval_seconds = 1;  // how often the peers are looked up and asked
    endpoint dns_server{"", 53, ""};     // where DNS names are asked; empty host = resolv.conf's
};

// Splits "host:port" (or "[v6]:port"); throws std::invalid_argument naming `what` and the text.
endpoint parse_endpoint(const std::string& text, const std::string& what);

// "user:password" from the first line of `path`; throws std::runtime_error
// naming CONSOLE_AUTH_FILE and the path (never the contents) when it cannot.
std::string read_auth_file(const std::string& path);

// "unix:/run/x.sock" or "host:port"; throws std::invalid_argument naming `what` and the text.
endpoint parse_telnet_target(const std::string& text, const std::string& what);

// "unix:PATH" or "host:port", for messages.
std::string describe(const endpoint& target);

// "host:port,host:port", for messages.
std::string describe_peers(const std::vector<endpoint>& peers);

// Checks a URL prefix ("/vm1", "/a/b", "/" or empty) and returns it without
// its trailing slash ("" for the root); throws std::invalid_argument naming `what` and the text.
std::string parse_base_path(const std::string& text, const std::string& what);

// Splits "host:port,host:port" (each as parse_endpoint); throws
// std::invalid_argument naming `what` and the bad entry.
std::vector<endpoint> parse_peers(const std::string& text, const std::string& what);

// Parses flags and environment into `config`. Returns false when the program
// should stop (--help, bad input), having printed why and set `exit_code`.
bool parse_config(int argc, char** argv, console_config& config, int& exit_code);

}  // namespace console
