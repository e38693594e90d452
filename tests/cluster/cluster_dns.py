"""The node's cluster DNS: answers `<service>.<namespace>.svc.cluster.local` A
queries with the Service's ClusterIP, or a headless Service's endpoint
addresses, read from the API server (no CoreDNS image can be pulled here).
Other names get NXDOMAIN, so the resolver's search list moves on; an AAAA
query for a Service gets an empty answer.
"""
from qemu_riscv64_test.dns import DnsServer

DOMAIN = "svc.cluster.local"


def service_lookup(lookup):
    """A DnsServer lookup from lookup(service, namespace) -> [address, ...] or None."""
    def addresses(name, _qtype):
        if not (name.endswith("." + DOMAIN) and name.count(".") == DOMAIN.count(".") + 2):
            return None
        service, namespace = name.split(".")[:2]
        return lookup(service, namespace)
    return addresses


class ClusterDns(DnsServer):
    """UDP port 53 on `address`, served by a thread until close()."""

    def __init__(self, address, lookup):
        super().__init__(address, service_lookup(lookup), port=53)
