// Host header checks against DNS rebinding.
#include "host_allowlist.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace console {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// Letters, digits, '-', '.', ':' (IPv6) and '_' only: what a Host name holds.
bool plain_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == ':' || c == '_';
    });
}

// The address of one interface entry as text, or empty for other families.
std::string address_text(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        if (::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text)) return text;
    } else if (address->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        if (::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text)) return text;
    }
    return {};
}

}  // namespace

std::string host_name_of(std::string_view host_header) {
    std::string_view name = host_header;
    if (!name.empty() && name.front() == '[') {
        // "[v6]" or "[v6]:port"
        const auto close = name.find(']');
        name = close == std::string_view::npos ? std::string_view{} : name.substr(1, close - 1);
    } else if (std::count(name.begin(), name.end(), ':') == 1) {
        name = name.substr(0, name.find(':'));
    }
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return lower(name);
}

host_allowlist::host_allowlist(const std::string& extra,
                               const std::vector<std::string>& local_addresses)
    : names_{"localhost", "127.0.0.1", "::1"} {
    for (const auto& address : local_addresses)
        names_.push_back(lower(address));
    std::size_t start = 0;
    while (start <= extra.size()) {
        const auto end = std::min(extra.find(',', start), extra.size());
        const std::string entry = lower(trim(std::string_view(extra).substr(start, end - start)));
        start = end + 1;
        if (entry.empty()) continue;
        if (entry == "*") {
            any_ = true;
        } else if (entry.rfind("*.", 0) == 0 && plain_name(entry.substr(2))) {
            suffixes_.push_back(entry.substr(1));
        } else if (plain_name(host_name_of(entry))) {
            names_.push_back(host_name_of(entry));
        } else {
            throw std::invalid_argument("CONSOLE_ALLOW_HOST/--allow-host: '" + entry +
                                        "' is not a host name, address, *.suffix or *");
        }
    }
}

bool host_allowlist::allowed(std::string_view host_header) const {
    if (any_ || host_header.empty()) return true;
    const std::string name = host_name_of(host_header);
    if (name.empty()) return false;
    if (std::find(names_.begin(), names_.end(), name) != names_.end()) return true;
    const auto ends_with = [&name](std::string_view suffix) {
        return name.size() > suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return std::any_of(suffixes_.begin(), suffixes_.end(), ends_with);
}

std::vector<std::string> local_interface_addresses() {
    std::vector<std::string> addresses;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return addresses;
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr) continue;
        std::string text = address_text(entry->ifa_addr);
        if (!text.empty()) addresses.push_back(std::move(text));
    }
    ::freeifaddrs(list);
    return addresses;
}

}  // namespace console
