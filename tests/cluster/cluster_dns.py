"""The node's cluster DNS: answers `<service>.<namespace>.svc.cluster.local` A
queries with the Service's ClusterIP, or a headless Service's endpoint
addresses, and PTR queries for an endpoint's address with
`<hostname>.<service>.<namespace>.svc.cluster.local` (as Kubernetes DNS names
a StatefulSet's pods), read from the API server (no CoreDNS image can be
pulled here). Other names get NXDOMAIN, so the resolver's search list moves
on; an AAAA query for a Service gets an empty answer.
"""
from qemu_riscv64_test.dns import TYPE_PTR, DnsServer

DOMAIN = "svc.cluster.local"
REVERSE = ".in-addr.arpa"


def cluster_lookup(services, endpoint_names):
    """A DnsServer lookup from services(service, namespace) -> [address, ...] or None and
    endpoint_names(address) -> [(hostname, service, namespace), ...]."""
    def lookup(name, qtype):
        if qtype == TYPE_PTR and name.endswith(REVERSE):
            address = ".".join(reversed(name[:-len(REVERSE)].split(".")))
            names = [f"{host}.{service}.{namespace}.{DOMAIN}" for host, service, namespace in endpoint_names(address)]
            return names or None
        if not (name.endswith("." + DOMAIN) and name.count(".") == DOMAIN.count(".") + 2):
            return None
        service, namespace = name.split(".")[:2]
        return services(service, namespace)
    return lookup


class ClusterDns(DnsServer):
    """UDP port 53 on `address`, served by a thread until close()."""

    def __init__(self, address, services, endpoint_names):
        super().__init__(address, cluster_lookup(services, endpoint_names), port=53)
