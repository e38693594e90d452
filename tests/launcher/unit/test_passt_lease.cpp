// passt's DHCP lease: read from its messages (Debian 12's and 13's), kept as
// hibernate.conf's LEASE and read back, given to passt again as options.
#include "catch.hpp"
#include "qemu/passt_lease.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::optional<launcher::dhcp_lease> lease_of(const std::vector<std::string>& lines) {
    launcher::lease_reader reader;
    for (const auto& line : lines)
        reader.line(line);
    return reader.lease();
}

const launcher::dhcp_lease pod_lease{"10.244.0.17", "255.255.255.0", "10.244.0.1"};

}  // namespace

TEST_CASE("the IPv4 lease is read from passt's DHCP block", "[passt-lease]") {
    // Debian 12's passt: the block comes before NDP/DHCPv6, whose assign and
    // router are IPv6 and must not replace it.
    // Where it cannot reach syslog, it says so between the entries.
    const auto debian12 = lease_of(
        {"Template interface: eth0 (IPv4), eth0 (IPv6)", "MAC:", "    host: 02:fc:00:00:00:01",
         "DHCP:", "Failed to send 28 bytes to syslog", "    assign: 10.244.0.17",
         "Failed to send 30 bytes to syslog", "    mask: 255.255.255.0", "    router: 10.244.0.1",
         "DNS:", "    10.96.0.10", "NDP/DHCPv6:", "    assign: fd00::2", "    router: fd00::1"});
    REQUIRE(debian12);
    CHECK(*debian12 == pod_lease);
    // Debian 13's: the socket's line first, a NAT line in the MAC block.
    const auto debian13 =
        lease_of({"UNIX domain socket bound at /run/passt/passt.sock",
                  "Template interface: eth0 (IPv4)", "MAC:", "    host: 9a:55:9a:55:9a:55",
                  "    NAT to host 127.0.0.1: 10.244.0.1", "DHCP:", "    assign: 10.244.0.17",
                  "    mask: 255.255.255.0", "    router: 10.244.0.1", "DNS:", "    10.96.0.10"});
    REQUIRE(debian13);
    CHECK(*debian13 == pod_lease);
}

TEST_CASE("no lease is taken from a block that is not DHCP's or an incomplete one",
          "[passt-lease]") {
    CHECK_FALSE(lease_of({}));
    CHECK_FALSE(lease_of({"NDP/DHCPv6:", "    assign: fd00::2", "    router: fd00::1"}));
    CHECK_FALSE(lease_of({"DHCP:", "    assign: 10.244.0.17", "    mask: 255.255.255.0"}));
    CHECK_FALSE(lease_of({"DHCP:", "    assign: 10.244.0.17", "DNS:", "    mask: 255.255.255.0",
                          "    router: 10.244.0.1"}));
    CHECK_FALSE(lease_of({"DHCP:", "    assign: fd00::2", "    mask: 64", "    router: fd00::1"}));
}

TEST_CASE("a lease is kept as three words and read back", "[passt-lease]") {
    CHECK(launcher::lease_text(pod_lease) == "10.244.0.17 255.255.255.0 10.244.0.1");
    CHECK(launcher::parse_lease(launcher::lease_text(pod_lease)) == pod_lease);
    CHECK(launcher::lease_arguments(pod_lease) ==
          std::vector<std::string>{"--address", "10.244.0.17", "--netmask", "255.255.255.0",
                                   "--gateway", "10.244.0.1"});
}

TEST_CASE("a kept lease that is not three IPv4 addresses is refused, naming the part",
          "[passt-lease]") {
    CHECK_THROWS_WITH(launcher::parse_lease("10.244.0.17 255.255.255.0"),
                      "not an address, a netmask and a router");
    CHECK_THROWS_WITH(launcher::parse_lease("10.244.0.17 255.255.255.0 10.244.0.1 x"),
                      "not an address, a netmask and a router");
    CHECK_THROWS_WITH(launcher::parse_lease("10.244.0.17 255.255.255.0 --runas"),
                      "'--runas' is not an IPv4 address");
}
