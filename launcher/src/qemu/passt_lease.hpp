#pragma once
// passt's DHCP lease: what passt prints it gives the guest (its "DHCP:"
// block), kept in hibernate.conf so that a resumed guest without an agent,
// which cannot be asked to renew it, is given the same address again.
#include <optional>
#include <string>
#include <vector>

namespace launcher {

struct dhcp_lease {
    std::string address;  // IPv4, dot-decimal
    std::string netmask;
    std::string router;
    bool operator==(const dhcp_lease&) const = default;
};

// Reads passt's messages a line at a time and keeps the IPv4 lease of its
// "DHCP:" block (the "NDP/DHCPv6:" block's assign and router are IPv6).
class lease_reader {
public:
    void line(const std::string& text);
    // The lease once its three lines were seen.
    std::optional<dhcp_lease> lease() const;

private:
    bool in_dhcp_block_ = false;
    dhcp_lease seen_;
};

// "192.0.2.2 255.255.255.0 192.0.2.1", as hibernate.conf's LEASE holds it.
std::string lease_text(const dhcp_lease& lease);
// The lease of `text`; throws std::invalid_argument naming what is not an IPv4 address.
dhcp_lease parse_lease(const std::string& text);
// passt's options that give the guest this lease.
std::vector<std::string> lease_arguments(const dhcp_lease& lease);

}  // namespace launcher
