// passt's DHCP lease: read from its messages, written to and read from hibernate.conf.
#include "qemu/passt_lease.hpp"

#include <arpa/inet.h>

#include <sstream>
#include <stdexcept>

namespace launcher {
namespace {

// "    assign: 192.0.2.2" -> ("assign", "192.0.2.2"); a line of another shape gives no name.
std::pair<std::string, std::string> indented_entry(const std::string& text) {
    if (text.empty() || (text[0] != ' ' && text[0] != '\t')) return {};
    std::istringstream words(text);
    std::string name;
    std::string value;
    words >> name >> value;
    if (name.size() < 2 || name.back() != ':') return {};
    name.pop_back();
    return {name, value};
}

bool is_ipv4(const std::string& text) {
    in_addr parsed{};
    return ::inet_pton(AF_INET, text.c_str(), &parsed) == 1;
}

}  // namespace

void lease_reader::line(const std::string& text) {
    // A heading at the left margin opens a block ("DHCP:", "DNS:", ...); other
    // lines there ("Failed to send 28 bytes to syslog") come between its entries.
    if (!text.empty() && text[0] != ' ' && text[0] != '\t') {
        if (text.back() == ':') in_dhcp_block_ = text == "DHCP:";
        return;
    }
    if (!in_dhcp_block_) return;
    const auto [name, value] = indented_entry(text);
    if (name == "assign") seen_.address = value;
    if (name == "mask") seen_.netmask = value;
    if (name == "router") seen_.router = value;
}

std::optional<dhcp_lease> lease_reader::lease() const {
    if (!is_ipv4(seen_.address) || !is_ipv4(seen_.netmask) || !is_ipv4(seen_.router))
        return std::nullopt;
    return seen_;
}

std::string lease_text(const dhcp_lease& lease) {
    return lease.address + " " + lease.netmask + " " + lease.router;
}

dhcp_lease parse_lease(const std::string& text) {
    std::istringstream words(text);
    dhcp_lease lease;
    std::string extra;
    if (!(words >> lease.address >> lease.netmask >> lease.router) || words >> extra)
        throw std::invalid_argument("not an address, a netmask and a router");
    for (const auto* part : {&lease.address, &lease.netmask, &lease.router}) {
        if (!is_ipv4(*part)) throw std::invalid_argument("'" + *part + "' is not an IPv4 address");
    }
    return lease;
}

std::vector<std::string> lease_arguments(const dhcp_lease& lease) {
    return {"--address", lease.address, "--netmask", lease.netmask, "--gateway", lease.router};
}

}  // namespace launcher
