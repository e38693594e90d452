// DNS on the wire, as the front asks for its peers: one A query out (or a
// PTR query, for the name of an address whose console does not answer yet),
// its answer read strictly back (RFC 1035, EDNS0's OPT record of RFC 6891).
// Pure: the resolver sends and receives.
#pragma once

#include <boost/asio/ip/address_v4.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace console {

// The record types the front asks for.
enum class dns_type : std::uint16_t {
    a = 1,    // a name's IPv4 addresses
    ptr = 12  // an address's names (under in-addr.arpa)
};

// The UDP payload the query offers to take (EDNS0): room for about 250 A records.
inline constexpr std::size_t dns_payload_size = 4096;

struct dns_answer {
    enum class outcome {
        addresses,     // NOERROR: the records asked for (maybe none)
        no_such_name,  // NXDOMAIN: the next search domain may have it
        failed,        // not an answer to this query, or the server failed (SERVFAIL, REFUSED)
    };
    outcome result = outcome::failed;
    std::vector<boost::asio::ip::address_v4> addresses;  // A: sorted, no repeats
    std::vector<std::string> names;  // PTR: lower-cased, no trailing dot, sorted, no repeats
    bool truncated = false;          // the server cut the answer short (TC): these are some of them
};

// A recursive query for the `type` records of `name` (no trailing dot), with
// an EDNS0 OPT record offering dns_payload_size; empty when `name` cannot be
// encoded (a label over 63 bytes, an empty label, over 253 bytes).
std::string encode_dns_query(std::uint16_t id, std::string_view name, dns_type type = dns_type::a);

// Reads `packet` as the answer to the query `id` for `name`: the id, the
// answer flag, the one question (name, type, IN) must match, every name and
// record must lie inside the packet (compression pointers followed at most 16
// times). The `type` records of `name`, or of the names its CNAME records lead
// to, are the answer; anything else in it is skipped.
dns_answer parse_dns_answer(std::string_view packet, std::uint16_t id, std::string_view name,
                            dns_type type = dns_type::a);

// The name a PTR query for `address` asks: 4.3.2.1.in-addr.arpa for 1.2.3.4.
std::string reverse_name(const boost::asio::ip::address_v4& address);

}  // namespace console
