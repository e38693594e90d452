"""The node's cluster DNS: answers `<service>.<namespace>.svc.cluster.local` A
queries with the Service's ClusterIP, read from the API server (no CoreDNS
image can be pulled here). Other names get NXDOMAIN, so the resolver's search
list moves on; an AAAA query for a Service gets an empty answer.
"""
import socket
import struct
import threading

DOMAIN = "svc.cluster.local"
TYPE_A, TYPE_AAAA, CLASS_IN = 1, 28, 1


def parse_question(packet):
    """(id, flags, name, qtype, end of question) of a query with one question."""
    ident, flags, count = struct.unpack("!HHH", packet[:6])
    if count != 1:
        raise ValueError("one question expected")
    labels, at = [], 12
    while packet[at]:
        length = packet[at]
        if length & 0xC0:
            raise ValueError("compressed names are not expected in a query")
        labels.append(packet[at + 1:at + 1 + length].decode("ascii").lower())
        at += 1 + length
    qtype, qclass = struct.unpack("!HH", packet[at + 1:at + 5])
    return ident, flags, ".".join(labels), qtype, qclass, at + 5


def answer(packet, lookup):
    ident, flags, name, qtype, qclass, end = parse_question(packet)
    address = None
    if name.endswith("." + DOMAIN) and name.count(".") == DOMAIN.count(".") + 2 and qclass == CLASS_IN:
        service, namespace = name.split(".")[:2]
        address = lookup(service, namespace)
    rcode = 0 if address else 3  # NXDOMAIN
    records = b""
    if address and qtype == TYPE_A:
        # A pointer to the question's name (offset 12), TTL 5 s.
        records = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 5, 4) + socket.inet_aton(address)
    header = struct.pack("!HHHHHH", ident, 0x8180 | (flags & 0x0100) | rcode, 1, 1 if records else 0, 0, 0)
    return header + packet[12:end] + records


class ClusterDns:
    """UDP port 53 on `address`, served by a thread until close()."""

    def __init__(self, address, lookup):
        self.lookup = lookup
        self.queries = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, 53))
        self.sock.settimeout(0.5)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                packet, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                reply = answer(packet, self.lookup)
                self.queries.append(parse_question(packet)[2])
                self.sock.sendto(reply, peer)
            except (ValueError, IndexError, struct.error, UnicodeDecodeError):
                continue

    def close(self):
        self.stopped.set()
        self.thread.join()
        self.sock.close()
