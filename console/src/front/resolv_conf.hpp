// What /etc/resolv.conf tells a DNS client: the servers, the search list and
// ndots (resolv.conf(5)), and the names a short name is tried as. Pure: the
// resolver reads the file once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace console {

struct resolver_config {
    std::vector<std::string> nameservers;  // addresses, in the file's order
    std::vector<std::string> search;       // domains tried after a short name
    unsigned ndots = 1;                    // dots that make a name tried as it is first
};

// Reads `nameserver`, `search`, `domain` and `options ndots:N` lines; other
// lines and comments (# or ;) are skipped, as are words that are not plain.
resolver_config parse_resolv_conf(std::string_view text);

// The names to ask, in order, for `name` (as glibc tries them): a name ending
// in '.' only as it is; a name with at least ndots dots as it is, then with
// each search domain; a shorter one with each search domain, then as it is.
// Names over 253 bytes are left out; trailing dots are dropped.
std::vector<std::string> candidate_names(std::string_view name, const resolver_config& config);

}  // namespace console
