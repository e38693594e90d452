"""A raw-socket telnet client of the launcher's serial console."""
import socket
import time

IAC = 255


def strip_telnet(data):
    """Guest text from telnet bytes: option negotiation removed, IAC IAC kept as 0xFF."""
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] != IAC:
            out.append(data[i])
            i += 1
        elif i + 1 < len(data) and data[i + 1] == IAC:
            out.append(IAC)
            i += 2
        else:
            i += 3  # IAC WILL/WONT/DO/DONT option
    return bytes(out)


class TelnetClient:
    """Collects everything the console sends; `read_until` waits for guest text."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.raw = b""

    def text(self):
        return strip_telnet(self.raw)

    def read_until(self, needle, timeout=120, count=1):
        """Waits until `needle` has come `count` times in all."""
        deadline = time.monotonic() + timeout
        while self.text().count(needle) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {needle!r} (x{count}) within {timeout} s; got {self.text()[-400:]!r}")
            self.sock.settimeout(min(remaining, 1.0))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise AssertionError(f"connection closed before {needle!r}")
            self.raw += data
        return self.text()

    def type(self, text):
        self.sock.sendall(text.encode())

    def close(self):
        self.sock.close()
