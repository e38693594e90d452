"""A small DNS server for tests: A and PTR queries answered from a lookup function, over UDP.

    lookup(name, qtype) -> list of IPv4 addresses for an A query, of names for a PTR query
                           (NOERROR; records only for those two types),
                           or None (NXDOMAIN, so a resolver's search list moves on)

The node tier's cluster DNS (tests/cluster/cluster_dns.py) and the front's
integration test (a headless Service's records, changed while it runs) use it.
"""
import socket
import struct
import threading

TYPE_A, TYPE_PTR, TYPE_AAAA, CLASS_IN = 1, 12, 28, 1


def encode_name(name):
    """`name` (dotted) as DNS labels, uncompressed."""
    return b"".join(bytes([len(label)]) + label.encode("ascii") for label in name.split(".") if label) + b"\0"


def reverse_name(address):
    """The in-addr.arpa name a PTR query for `address` asks."""
    return ".".join(reversed(address.split("."))) + ".in-addr.arpa"


def parse_question(packet):
    """(id, flags, name, qtype, qclass, end of question) of a query with one question."""
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
    """The reply to `packet`: its question, then A or PTR records owned by the question's name (TTL 5 s)."""
    ident, flags, name, qtype, qclass, end = parse_question(packet)
    found = lookup(name, qtype) if qclass == CLASS_IN else None
    rcode = 0 if found is not None else 3  # NXDOMAIN
    encode = {TYPE_A: socket.inet_aton, TYPE_PTR: encode_name}.get(qtype)
    data = [encode(item) for item in found] if found and encode else []
    records = b"".join(struct.pack("!HHHIH", 0xC00C, qtype, CLASS_IN, 5, len(item)) + item for item in data)
    header = struct.pack("!HHHHHH", ident, 0x8180 | (flags & 0x0100) | rcode, 1, len(data), 0, 0)
    return header + packet[12:end] + records


class DnsServer:
    """UDP `port` (0: any free one, see .port) on `address`, served by a thread until close()."""

    def __init__(self, address, lookup, port=0):
        self.lookup = lookup
        self.queries = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, port))
        self.port = self.sock.getsockname()[1]
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
