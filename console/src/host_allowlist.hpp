// The Host allowlist against DNS rebinding: a page on any site can point its
// own name at 127.0.0.1, so a request is served only when its Host names
// this machine (localhost, a loopback or local interface address) or a name
// given with --allow-host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace console {

class host_allowlist {
public:
    // `extra`: comma-separated names ("console.example", "*.example" for a
    // suffix, "*" for any Host); `local_addresses`: this machine's addresses,
    // as local_interface_addresses() lists them. Throws std::invalid_argument
    // naming --allow-host and a bad entry.
    host_allowlist(const std::string& extra, const std::vector<std::string>& local_addresses);

    // True when the Host header (name or address, optional :port) may be served.
    // An absent Host (HTTP/1.0, not a browser) is allowed.
    bool allowed(std::string_view host_header) const;

private:
    std::vector<std::string> names_;     // exact names and addresses, lower case
    std::vector<std::string> suffixes_;  // ".example" from "*.example"
    bool any_ = false;                   // "*": the check is off
};

// The addresses of this machine's interfaces (getifaddrs), IPv6 without its
// zone, plus 127.0.0.1 and ::1; read once at start-up (a pod keeps its IP).
std::vector<std::string> local_interface_addresses();

// The name or address part of a Host header, lower case, without port,
// brackets or a trailing dot: "[::1]:8080" -> "::1".
std::string host_name_of(std::string_view host_header);

}  // namespace console
