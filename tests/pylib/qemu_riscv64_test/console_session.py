"""The console's protocol on top of the websocket module: what the tests and the benchmark type and read.

Opcodes come from console/src/protocol.hpp itself, so a change there that the
tests miss cannot go unnoticed.
"""
import os
import re
import struct
import time

from .websocket import OP_BINARY, OP_PING, OP_PONG, ConnectionClosed, HandshakeError, WebSocket

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "console", "src",
                      "protocol.hpp")


def read_opcodes(path=HEADER):
    with open(path, encoding="utf-8") as header:
        found = re.findall(r"^inline constexpr char (\w+) = '(.)';", header.read(), re.M)
    return {name: ord(value) for name, value in found}


OP = read_opcodes()


class ConsoleSession:
    """A WebSocket session that collects terminal output."""

    def __init__(self, port, **options):
        self.ws = WebSocket(port, **options)
        self.output = bytearray()
        self.title = None
        self.read_only = False

    def type(self, text):
        data = text.encode() if isinstance(text, str) else text
        self.ws.send(bytes([OP["client_input"]]) + data)

    def resize(self, columns, rows):
        self.ws.send(bytes([OP["client_resize"]]) + struct.pack("!HH", columns, rows))

    def read_message(self):
        _, payload = self.ws.recv()
        opcode, body = payload[0], payload[1:]
        if opcode == OP["server_output"]:
            self.output += body
        elif opcode == OP["server_title"]:
            self.title = body.decode()
        elif opcode == OP["server_read_only"]:
            self.read_only = True
        return opcode, body

    def read_until(self, needle, timeout=60, since=0):
        """Reads until `needle` (bytes or str) is in the output from offset `since` on; returns the output."""
        needle = needle.encode() if isinstance(needle, str) else needle
        deadline = time.monotonic() + timeout
        while self.output.find(needle, since) < 0:
            if time.monotonic() > deadline:
                raise TimeoutError("no %r in %d bytes of output: %r" % (
                    needle, len(self.output), bytes(self.output[-400:])))
            self.ws.sock.settimeout(max(0.1, deadline - time.monotonic()))
            self.read_message()
        return bytes(self.output)

    def sync(self, timeout=30):
        """Pings and reads until the pong: the server has handled everything sent before."""
        self.ws.send_frame(OP_PING, b"sync")
        self.ws.sock.settimeout(timeout)
        while True:
            opcode, payload = self.ws.recv_frame()
            if opcode == OP_PONG:
                return
            if opcode == OP_BINARY and payload[:1] == bytes([OP["server_output"]]):
                self.output += payload[1:]

    def read_until_closed(self, timeout=60):
        """Reads until the server closes; returns the close code (None: dropped)."""
        self.ws.sock.settimeout(timeout)
        try:
            while True:
                self.read_message()
        except ConnectionClosed as closed:
            return closed.code
        except TimeoutError:
            raise
        except OSError:
            return None

    def close(self):
        self.ws.close()


def refused_status(port, **options):
    """The HTTP status a refused WebSocket handshake got (None: accepted)."""
    try:
        ConsoleSession(port, **options).close()
    except HandshakeError as error:
        return error.status
    return None
