#!/usr/bin/env python3
"""Load for `bench/console/run.sh`: throughput, echo latency and idle sessions
through a WebSocket bridge to the telnet test peer (tests/pylib/qemu_riscv64_test/telnet_peer.py).

    bench_client.py throughput --port P --kind console|ttyd|raw|tcp --clients N --mib M --unit-mib U
    bench_client.py latency    --port P --kind console|ttyd|raw|tcp --count N
    bench_client.py idle       --port P --kind console|ttyd|raw --sessions N --hold-fd FD

kind console: the console's protocol ('0' + bytes); ttyd: the same frames, after
ttyd's opening message (its "tty" subprotocol); raw: bytes as they are
(websocketd + telnet); tcp: straight to the peer (the floor). Every received
byte of a flood is checked against the peer's pattern. Prints one JSON line.
"""
import argparse
import json
import os
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.telnet_peer import OPENING, pattern_block  # noqa: E402
from qemu_riscv64_test.websocket import OP_BINARY, OP_CONT, WebSocket  # noqa: E402

BLOCK = pattern_block()
PATH = "/ws"  # --path
START = BLOCK[:24]
TRIGGER = b"\x06"


# Kinds whose frames carry a type byte, '0' for terminal bytes either way.
TYPED = ("console", "ttyd")
# ttyd starts a session's command once the client has sent its size (and a token, none here).
TTYD_OPENING = json.dumps({"AuthToken": "", "columns": 80, "rows": 24}).encode()


def frame_for(kind, data):
    return (b"0" + data) if kind in TYPED else data


class FloodReader:
    """Parses the server's frames from one socket and checks the flood's bytes."""

    def __init__(self, ws, kind, expected):
        self.ws, self.kind, self.expected = ws, kind, expected
        self.buffer = bytearray(ws.buffer)
        self.before = bytearray()  # bytes ahead of the pattern (telnet's banner)
        self.checked = 0

    def feed(self, chunk):
        if self.kind == "tcp":  # the peer's own bytes: no frames to parse
            self.payload(chunk)
            return
        self.buffer += chunk
        at = 0
        while len(self.buffer) - at >= 2:
            size, head = self.buffer[at + 1] & 0x7F, 2
            if size == 126:
                if len(self.buffer) - at < 4:
                    break
                size, head = struct.unpack_from("!H", self.buffer, at + 2)[0], 4
            elif size == 127:
                if len(self.buffer) - at < 10:
                    break
                size, head = struct.unpack_from("!Q", self.buffer, at + 2)[0], 10
            if len(self.buffer) - at < head + size:
                break
            # Binary frames and their continuations (websocketd fragments at 4 KiB).
            if self.buffer[at] & 0x0F in (OP_BINARY, OP_CONT):
                self.payload(bytes(self.buffer[at + head: at + head + size]))
            at += head + size
        del self.buffer[:at]

    def payload(self, data):
        if self.kind in TYPED:
            if data[:1] != b"0":
                return
            data = data[1:]
        if self.before is not None:
            self.before += data
            start = self.before.find(START)
            if start < 0:
                return
            data, self.before = bytes(self.before[start:]), None
        self.check(data)

    def check(self, data):
        view = 0
        while view < len(data):
            offset = self.checked % len(BLOCK)
            size = min(len(data) - view, len(BLOCK) - offset)
            if data[view: view + size] != BLOCK[offset: offset + size]:
                raise SystemExit("corrupt bytes near offset %d: %r" % (self.checked, data[view: view + 80]))
            view += size
            self.checked += size
        if self.checked > self.expected:
            raise SystemExit("%d bytes more than the flood" % (self.checked - self.expected))

    def done(self):
        return self.checked == self.expected


class TcpSession:
    """The peer straight, for the floor: the socket and send() of a WebSocket session, with no framing."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)


def open_session(port, kind):
    if kind == "tcp":
        return TcpSession(port)
    if kind != "ttyd":
        return WebSocket(port, path=PATH, timeout=60)
    ws = WebSocket(port, path=PATH, timeout=60, headers={"Sec-WebSocket-Protocol": "tty"})
    ws.send(TTYD_OPENING)
    return ws


def throughput(args):
    total = args.mib * 1024 * 1024
    readers = [FloodReader(open_session(args.port, args.kind), args.kind, total) for _ in range(args.clients)]
    time.sleep(0.5)  # let telnet connections settle before the clock starts
    selector = selectors.DefaultSelector()
    for reader in readers:
        reader.ws.sock.setblocking(False)
        selector.register(reader.ws.sock, selectors.EVENT_READ, reader)
    begin = time.perf_counter()
    for reader in readers:
        for _ in range(args.mib // args.unit_mib):
            reader.ws.sock.setblocking(True)
            reader.ws.send(frame_for(args.kind, TRIGGER))
            reader.ws.sock.setblocking(False)
    pending = len(readers)
    while pending:
        for key, _ in selector.select(timeout=120):
            chunk = key.fileobj.recv(1 << 20)
            if not chunk:
                raise SystemExit("connection closed before the flood ended")
            was_done = key.data.done()
            key.data.feed(chunk)
            if key.data.done() and not was_done:
                pending -= 1
    seconds = time.perf_counter() - begin
    print(json.dumps({"bytes": total * args.clients, "seconds": seconds}))


def masked_frame(payload):
    """A client frame built once, so the timed loop does no framing work."""
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | OP_BINARY, 0x80 | len(payload)]) + key + masked


def latency(args):
    """Round trips of one keystroke; the reply is read raw (a small frame ends with the key)."""
    if args.kind == "tcp":
        sock = socket.create_connection(("127.0.0.1", args.port))
        got = b""
        while len(got) < len(OPENING):
            got += sock.recv(64)
        frames = {k: bytes([k]) for k in range(97, 123)}
    else:
        ws = open_session(args.port, args.kind)
        sock = ws.sock
        frames = {k: masked_frame(frame_for(args.kind, bytes([k]))) for k in range(97, 123)}
        sock.sendall(frames[119])  # a first echo proves the path is up (and skips banners)
        while not sock.recv(65536).endswith(b"w"):
            pass
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(30)
    samples = []
    for i in range(args.count):
        key = 97 + i % 26
        start = time.perf_counter_ns()
        sock.sendall(frames[key])
        while sock.recv(4096)[-1] != key:
            pass
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    print(json.dumps({"p50_us": samples[len(samples) // 2], "p99_us": samples[int(len(samples) * 0.99)]}))


def idle(args):
    sessions = [open_session(args.port, args.kind) for _ in range(args.sessions)]
    time.sleep(1)
    for ws in sessions:  # every telnet leg is up once an echo came back
        ws.send(frame_for(args.kind, b"i"))
    for ws in sessions:
        while not ws.recv()[1].endswith(b"i"):
            pass
    print(json.dumps({"sessions": len(sessions)}), flush=True)
    os.read(args.hold_fd, 1)  # hold them open until run.sh has measured
    for ws in sessions:
        ws.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "latency", "idle"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--kind", choices=["console", "ttyd", "raw", "tcp"], required=True)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--mib", type=int, default=50)
    parser.add_argument("--unit-mib", type=int, default=5)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--hold-fd", type=int, default=0)
    parser.add_argument("--path", default="/ws", help="the WebSocket's path (/<vm>/ws through the front)")
    args = parser.parse_args()
    global PATH
    PATH = args.path
    {"throughput": throughput, "latency": latency, "idle": idle}[args.mode](args)


if __name__ == "__main__":
    main()
