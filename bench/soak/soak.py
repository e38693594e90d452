#!/usr/bin/env python3
"""Soak of the console and launcher: idle and active viewers for a while.

1000 idle viewers hold a WebSocket each and read what the guest prints; 10
active ones type a command every few seconds and wait for its answer. At the
start and the end: resident memory (RSS) of the console and the launcher;
throughout: sessions the server dropped, commands that got no answer."""
import argparse
import os
import re
import selectors
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.websocket import WebSocket  # noqa: E402

IDLE, ACTIVE = 1000, 10
TYPE_EVERY = 5.0  # seconds between an active viewer's commands


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))


class Viewer:
    """A WebSocket whose server frames are parsed as they arrive."""

    def __init__(self, port, active):
        self.ws = WebSocket(port, timeout=60)
        self.ws.sock.setblocking(False)
        self.active = active
        self.pending = bytes(self.ws.buffer)
        self.output = b""  # an active viewer's recent terminal output
        self.closed = False
        self.waiting = None  # the marker an active viewer waits for
        self.sent_at = 0.0

    def feed(self, data):
        self.pending += data
        while len(self.pending) >= 2:
            size, head = self.pending[1] & 0x7F, 2
            if size == 126:
                if len(self.pending) < 4:
                    return
                size, head = struct.unpack("!H", self.pending[2:4])[0], 4
            elif size == 127:
                if len(self.pending) < 10:
                    return
                size, head = struct.unpack("!Q", self.pending[2:10])[0], 10
            if len(self.pending) < head + size:
                return
            opcode, payload = self.pending[0] & 0x0F, self.pending[head:head + size]
            self.pending = self.pending[head + size:]
            if opcode == 0x8:
                self.closed = True
            elif opcode == 0x9:
                self.ws.sock.setblocking(True)
                self.ws.send_frame(0xA, payload)
                self.ws.sock.setblocking(False)
            elif self.active and payload[:1] == b"0":
                self.output = (self.output + payload[1:])[-4096:]

    def type(self, text):
        self.ws.sock.setblocking(True)
        self.ws.send(b"0" + text.encode())
        self.ws.sock.setblocking(False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--results", required=True)
    args = parser.parse_args()
    guest_src = os.path.join(args.build, "guest", "busybox")
    work = tempfile.mkdtemp(prefix="soak-")
    for name in os.listdir(guest_src):
        shutil.copy(os.path.join(guest_src, name), work)
    log = open(os.path.join(work, "launcher.log"), "w")
    launcher = subprocess.Popen([os.path.join(args.build, "bin", "launcher")], stdout=subprocess.DEVNULL,
                                stderr=log, env=dict(os.environ, VM_DATA_DIR=work, VM_TELNET_PORT="0",
                                                     VM_MEMORY="512", VM_TELNET_MAX_CLIENTS="2000"))
    console = None
    viewers = []
    try:
        deadline = time.monotonic() + 60
        while not re.search(r"telnet 127\.0\.0\.1:(\d+)", open(log.name).read()):
            if time.monotonic() > deadline or launcher.poll() is not None:
                raise SystemExit("soak: the launcher did not start: " + open(log.name).read())
            time.sleep(0.2)
        telnet_port = re.search(r"telnet 127\.0\.0\.1:(\d+)", open(log.name).read()).group(1)
        console = subprocess.Popen([os.path.join(args.build, "bin", "console"), "--listen", "127.0.0.1:0",
                                    "--telnet", "127.0.0.1:" + telnet_port, "--max-sessions", "2000"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        port = int(re.search(r":(\d+) for telnet", console.stdout.readline()).group(1))
        # The guest boots while the viewers connect; the first active one waits for its shell.
        viewers = [Viewer(port, True) for _ in range(ACTIVE)]
        viewers += [Viewer(port, False) for _ in range(IDLE)]
        selector = selectors.DefaultSelector()
        for viewer in viewers:
            selector.register(viewer.ws.sock, selectors.EVENT_READ, viewer)
        pump(selector, 1.0)
        boot_deadline = time.monotonic() + 300
        while b"#" not in viewers[0].output:
            viewers[0].type("\r")
            pump(selector, 2.0)
            if time.monotonic() > boot_deadline:
                raise SystemExit("soak: no shell prompt within 300 s")
        pump(selector, 3.0)
        start_rss = {"console": rss_kib(console.pid), "launcher": rss_kib(launcher.pid)}
        started = time.monotonic()
        commands = answered = unanswered = 0
        while time.monotonic() - started < args.seconds:
            for index, viewer in enumerate(viewers[:ACTIVE]):
                if viewer.closed:
                    continue
                if viewer.waiting and viewer.waiting in viewer.output:
                    answered += 1
                    viewer.waiting = None
                elif viewer.waiting and time.monotonic() - viewer.sent_at > 60:
                    unanswered += 1
                    viewer.waiting = None
                if viewer.waiting is None and time.monotonic() - viewer.sent_at > TYPE_EVERY:
                    commands += 1
                    viewer.waiting = f"soak-{index}-{commands * 7}".encode()
                    viewer.type(f"echo soak-{index}-$(({commands} * 7))\r")
                    viewer.sent_at = time.monotonic()
            pump(selector, 0.5)
        end_rss = {"console": rss_kib(console.pid), "launcher": rss_kib(launcher.pid)}
        dropped = sum(1 for viewer in viewers if viewer.closed)
        report(args, start_rss, end_rss, dropped, commands, answered, unanswered)
    finally:
        for viewer in viewers:
            viewer.ws.sock.close()
        if console:
            console.kill()
        launcher.terminate()
        launcher.wait(60)
        shutil.rmtree(work, ignore_errors=True)


def pump(selector, seconds):
    """Reads every viewer for `seconds`."""
    end = time.monotonic() + seconds
    while (remaining := end - time.monotonic()) > 0:
        for key, _ in selector.select(remaining):
            viewer = key.data
            try:
                data = viewer.ws.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                viewer.closed = True
                selector.unregister(viewer.ws.sock)
                continue
            viewer.feed(data)


def report(args, start_rss, end_rss, dropped, commands, answered, unanswered):
    lines = ["# Soak: the console and launcher under 1000 idle and 10 active viewers", "",
             f"Run of {args.seconds} s (`SOAK_SECONDS`; the issue's target is 600) on the busybox guest,",
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Targets: RSS growth under 5 %,"
             " no session dropped.",
             "", "| process | RSS at start (KiB) | RSS at end (KiB) | growth |", "|---|---|---|---|"]
    for name in ("console", "launcher"):
        growth = 100.0 * (end_rss[name] - start_rss[name]) / start_rss[name]
        lines.append(f"| {name} | {start_rss[name]} | {end_rss[name]} | {growth:+.1f} % |")
    lines += ["", f"Sessions dropped: {dropped} of {IDLE + ACTIVE}.",
              f"Commands typed by the active viewers: {commands}; answered: {answered}; "
              f"unanswered after 60 s: {unanswered}.", ""]
    text = "\n".join(lines)
    print(text)
    with open(args.results, "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()
