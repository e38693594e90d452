"""A small WebSocket client (RFC 6455) on raw sockets, standard library only.

It speaks the console's wire protocol (console/src/protocol.hpp): binary
frames whose first byte is an opcode; b'0' carries keystrokes up and terminal
output down.
"""
import base64
import os
import socket
import struct
import time

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA
CLIENT_INPUT = b"0"
SERVER_OUTPUT = b"0"


class ConsoleSocket:
    """One WebSocket to the console's /ws, with a buffer of terminal output."""

    def __init__(self, host, port, path="/ws", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.output = b""
        self._pending = b""
        self._handshake(host, port, path)

    def _handshake(self, host, port, path):
        key = base64.b64encode(os.urandom(16)).decode()
        origin = f"http://{host}:{port}"
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self._pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("console closed the connection during the handshake")
            self._pending += chunk
        head, self._pending = self._pending.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise ConnectionError(f"WebSocket upgrade refused: {status.decode(errors='replace')}")

    def send_keys(self, text):
        self._send_frame(OP_BINARY, CLIENT_INPUT + text.encode())

    def _send_frame(self, opcode, payload):
        # Client frames are always masked (RFC 6455 5.3).
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _take_frame(self):
        """Removes one whole frame from the buffer; None while it is incomplete."""
        buf = self._pending
        if len(buf) < 2:
            return None
        size, offset = buf[1] & 0x7F, 2
        if size == 126:
            if len(buf) < 4:
                return None
            size, offset = struct.unpack("!H", buf[2:4])[0], 4
        elif size == 127:
            if len(buf) < 10:
                return None
            size, offset = struct.unpack("!Q", buf[2:10])[0], 10
        if len(buf) < offset + size:
            return None
        self._pending = buf[offset + size:]
        return buf[0] & 0x0F, buf[offset:offset + size]

    def _read_frame(self):
        frame = self._take_frame()
        while frame is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("console closed the WebSocket")
            self._pending += chunk
            frame = self._take_frame()
        return frame

    def _pump_once(self):
        opcode, payload = self._read_frame()
        if opcode == OP_BINARY and payload[:1] == SERVER_OUTPUT:
            self.output += payload[1:]
        elif opcode == OP_PING:
            self._send_frame(OP_PONG, payload)
        elif opcode == OP_CLOSE:
            raise ConnectionError("console closed the WebSocket")

    def wait_for(self, needle, deadline_s):
        """Reads output until `needle` (bytes) appears after the current mark."""
        end = time.monotonic() + deadline_s
        while needle not in self.output:
            remaining = end - time.monotonic()
            if remaining <= 0:
                tail = self.output[-600:].decode(errors="replace")
                raise TimeoutError(f"no {needle!r} on the console; last output:\n{tail}")
            self.sock.settimeout(min(remaining, 5.0))
            try:
                self._pump_once()
            except socket.timeout:
                continue
        return self.output

    def mark(self):
        """Forgets the output so far, so wait_for sees only what comes next."""
        self.output = b""

    def close(self):
        try:
            self._send_frame(OP_CLOSE, struct.pack("!H", 1000))
        finally:
            self.sock.close()
