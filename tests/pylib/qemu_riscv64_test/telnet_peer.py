#!/usr/bin/env python3
"""A QEMU-like telnet server for the console's tests and benchmark.

Every connection gets QEMU's opening (IAC WILL ECHO, WILL SGA, WILL BINARY,
DO BINARY), then everything the client types is echoed back, IAC escaped.
With --flood-bytes N, a received Ctrl-F (0x06) is answered with N bytes of
terminal text (pattern_block(), repeated) instead of its echo.
--ask-naws also sends DO NAWS and logs the sizes received to stderr;
--log-input logs every data byte received to stderr (as hex).
Prints "PORT <n>" on stdout once listening. Standard library only.
"""
import argparse
import socket
import sys
import threading

IAC, SB, SE = 255, 250, 240
WILL, WONT, DO, DONT = 251, 252, 253, 254
ECHO, SGA, BINARY, NAWS = 1, 3, 0, 31
OPENING = bytes([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, WILL, BINARY, IAC, DO, BINARY])
FLOOD_TRIGGER = 0x06


def pattern_block():
    """64 KiB of numbered terminal lines: what the flood repeats."""
    lines, size, number = [], 0, 0
    while size < 64 * 1024:
        line = b"%06d the quick brown RISC-V fox jumps over the lazy console \xe2\x9c\x93\r\n" % number
        lines.append(line)
        size += len(line)
        number += 1
    return b"".join(lines)[: 64 * 1024]


class TelnetParser:
    """Splits a client's stream into data bytes and commands (kept for inspection)."""

    def __init__(self):
        self.state = "data"
        self.sub = bytearray()
        self.commands = []

    def feed(self, chunk):
        out = bytearray()
        for byte in chunk:
            if self.state == "data":
                if byte == IAC:
                    self.state = "iac"
                else:
                    out.append(byte)
            elif self.state == "iac":
                self.state = self.after_iac(byte, out)
            elif self.state == "option":
                self.commands.append((self.verb, byte))
                self.state = "data"
            elif self.state == "sb":
                self.state = "sb-iac" if byte == IAC else "sb"
                if byte != IAC:
                    self.sub.append(byte)
            elif self.state == "sb-iac":
                self.state = self.after_sb_iac(byte)
        return bytes(out)

    def after_iac(self, byte, out):
        if byte == IAC:
            out.append(IAC)
            return "data"
        if byte in (WILL, WONT, DO, DONT):
            self.verb = byte
            return "option"
        if byte == SB:
            self.sub = bytearray()
            return "sb"
        return "data"

    def after_sb_iac(self, byte):
        if byte == IAC:
            self.sub.append(IAC)
            return "sb"
        if byte == SE:
            self.commands.append(("sb", bytes(self.sub)))
        return "data"


def escape(data):
    return data.replace(b"\xff", b"\xff\xff")


def serve(conn, args, block):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    parser = TelnetParser()
    try:
        conn.sendall(OPENING + (bytes([IAC, DO, NAWS]) if args.ask_naws else b""))
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data = parser.feed(chunk)
            for kind, value in parser.commands:
                if kind == "sb" and args.ask_naws:
                    print("NAWS %s" % value.hex(), file=sys.stderr, flush=True)
            parser.commands.clear()
            if args.log_input and data:
                print("INPUT %s" % data.hex(), file=sys.stderr, flush=True)
            if args.flood_bytes and FLOOD_TRIGGER in data:
                floods = data.count(FLOOD_TRIGGER)
                data = data.replace(bytes([FLOOD_TRIGGER]), b"")
                flood(conn, block, args.flood_bytes * floods)
            if data:
                conn.sendall(escape(data))
    except OSError:
        pass
    finally:
        conn.close()


def flood(conn, block, total):
    chunk = block * 16
    sent = 0
    while sent < total:
        part = chunk[: min(len(chunk), total - sent)]
        conn.sendall(part)
        sent += len(part)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    parser.add_argument("--flood-bytes", type=int, default=0, help="bytes sent for each Ctrl-F")
    parser.add_argument("--ask-naws", action="store_true", help="send DO NAWS after the opening")
    parser.add_argument("--log-input", action="store_true", help="log received data to stderr")
    args = parser.parse_args()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1024)
    print("PORT %d" % listener.getsockname()[1], flush=True)
    block = pattern_block()
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, args, block), daemon=True).start()


if __name__ == "__main__":
    main()
