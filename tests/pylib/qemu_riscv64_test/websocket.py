"""A minimal WebSocket client (RFC 6455) and raw HTTP GET, standard library only.

Enough for the console's tests and benchmark: handshake with chosen headers,
masked binary frames out, frames in (answering pings), close.
"""
import base64
import os
import socket
import struct

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class HandshakeError(Exception):
    def __init__(self, status, head):
        super().__init__("WebSocket handshake refused: HTTP %d" % status)
        self.status = status
        self.head = head


class ConnectionClosed(Exception):
    def __init__(self, code=None, reason=""):
        super().__init__("WebSocket closed: %s %s" % (code, reason))
        self.code = code
        self.reason = reason


def read_head(sock, buffer=b""):
    """Reads an HTTP head; returns (status, head text, bytes after it)."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionClosed(None, "connection closed during the HTTP head")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    text = head.decode("latin-1")
    return int(text.split(" ", 2)[1]), text, rest


def http_get(port, target, headers=None, host="127.0.0.1", timeout=10, host_header=None, method="GET"):
    """Sends the request line as given (no path clean-up), with the Host header given (else
    host:port); returns (status, head, body)."""
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % (host_header or "%s:%d" % (host, port)),
             "Connection: close"]
    lines += ["%s: %s" % item for item in (headers or {}).items()]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        status, head, body = read_head(sock)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return status, head, body
            body += chunk


def raw_request(port, lines, timeout=30):
    """Sends the request head as given (Host included) to 127.0.0.1; returns (status, head)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        status, head, _ = read_head(sock)
        return status, head


def upgrade_lines(host, origin, path="/ws"):
    """A WebSocket upgrade's head with the Host and Origin given, for raw_request."""
    return ["GET %s HTTP/1.1" % path, "Host: " + host, "Origin: " + origin, "Upgrade: websocket",
            "Connection: Upgrade", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]


def basic_auth(user_password):
    return "Basic " + base64.b64encode(user_password.encode()).decode()


def mask(payload, key):
    """XORs with the 4-byte key, through big integers (fast for large payloads)."""
    if not payload:
        return payload
    repeated = (key * (len(payload) // 4 + 1))[: len(payload)]
    value = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
    return value.to_bytes(len(payload), "big")


class WebSocket:
    def __init__(self, port, path="/ws", host="127.0.0.1", origin=None, headers=None,
                 timeout=30, receive_buffer=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (host, port), "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append("Origin: " + origin)
        lines += ["%s: %s" % item for item in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        status, head, self.buffer = read_head(self.sock)
        if status != 101:
            self.sock.close()
            raise HandshakeError(status, head)

    def send_frame(self, opcode, payload=b"", fin=True):
        key = os.urandom(4)
        first = (0x80 if fin else 0) | opcode
        size = len(payload)
        if size < 126:
            head = struct.pack("!BB", first, 0x80 | size)
        elif size < 65536:
            head = struct.pack("!BBH", first, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", first, 0x80 | 127, size)
        self.sock.sendall(head + key + mask(payload, key))

    def send(self, payload):
        self.send_frame(OP_BINARY, payload)

    def _need(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(max(65536, count - len(self.buffer)))
            if not chunk:
                raise ConnectionClosed(None, "connection dropped")
            self.buffer += chunk

    def _frame_head(self):
        """(header length, payload length) of the buffered frame; reads until the header is in."""
        self._need(2)
        size, head = self.buffer[1] & 0x7F, 2
        if size >= 126:
            extra = 2 if size == 126 else 8
            self._need(2 + extra)
            size = int.from_bytes(self.buffer[2:2 + extra], "big")
            head += extra
        return head + (4 if self.buffer[1] & 0x80 else 0), size

    def recv_frame(self):
        """Returns (opcode, payload) of the next frame, control frames included.

        Nothing leaves the buffer until the whole frame is in it, so a socket
        timeout in the middle of a frame loses nothing: the next call goes on.
        """
        head, size = self._frame_head()
        self._need(head + size)
        frame, self.buffer = self.buffer[:head + size], self.buffer[head + size:]
        payload = frame[head:]
        if frame[1] & 0x80:
            payload = mask(payload, frame[head - 4:head])
        return frame[0] & 0x0F, payload

    def recv(self):
        """The next data message; answers pings, raises ConnectionClosed on close."""
        while True:
            opcode, payload = self.recv_frame()
            if opcode == OP_PING:
                self.send_frame(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise ConnectionClosed(code, payload[2:].decode("utf-8", "replace"))
            elif opcode in (OP_BINARY, OP_TEXT, OP_CONT):
                return opcode, payload

    def close(self, code=1000):
        try:
            self.send_frame(OP_CLOSE, struct.pack("!H", code))
        except OSError:
            pass
        self.sock.close()
