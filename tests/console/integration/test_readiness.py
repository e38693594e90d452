#!/usr/bin/env python3
"""Integration: /readyz follows the guest, and the console under a base path.

    test_readiness.py --console BIN --launcher BIN --guest DIR CASE

Cases:
  readyz_follows_guest  the real launcher on the busybox guest with a status socket:
                        /readyz answers 503 until the guest's ready line is in the
                        launcher's output, 200 after
  readyz_never_ready    a ready pattern that never appears: the guest boots to its
                        shell and /readyz still answers 503
  readyz_no_launcher    a status socket nobody serves: 503
  base_path             --base-path /vm1: page, assets, probes and /ws under /vm1/,
                        /vm1 redirected to /vm1/, 404 everywhere else
"""
import argparse
import os
import sys
import tempfile
import time

from qemu_riscv64_test.console import start_console, start_peer
from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.websocket import HandshakeError, http_get

READY_LINE = "qemu-riscv64 busybox guest ready"
READY_MARK = "launcher: guest ready"


def start_guest(binary, guest_dir, **extra):
    """The launcher with a status socket; returns (process, telnet port, socket path)."""
    folder = tempfile.mkdtemp(prefix="readiness-test-")
    status = os.path.join(folder, "status.sock")
    launcher, telnet_port = start_launcher(binary, guest_dir, dict(extra, VM_STATUS_SOCKET=status))
    launcher.folders.append(folder)
    return launcher, telnet_port, status


def readyz(port):
    return http_get(port, "/readyz")[0]


def readyz_follows_guest(args):
    launcher, telnet_port, status = start_guest(args.launcher, args.guest)
    console = None
    try:
        console, port = start_console(args.console, telnet_port, "--status", status)
        answers = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            before = launcher.text()
            code = readyz(port)
            after = launcher.text()
            answers.append(code)
            if code == 503:
                # Ready was not yet known when the request was made.
                check(READY_MARK not in before, "503 although the launcher had said ready:\n" + before[-800:])
            elif code == 200:
                check(READY_LINE in after, "200 before the guest's ready line:\n" + after[-800:])
                break
            else:
                raise AssertionError("/readyz answered %d" % code)
            time.sleep(0.2)
        check(answers and answers[0] == 503, "the first /readyz was %s, not 503" % answers[:1])
        check(answers[-1] == 200,
              "/readyz never answered 200 (%d probes):\n%s" % (len(answers), launcher.text()[-800:]))
        check(all(readyz(port) == 200 for _ in range(5)), "ready does not stay ready")
        print("ok: %d probes answered 503, then 200 after the ready line" % (len(answers) - 1))
    finally:
        if console:
            console.stop()
        launcher.stop()


def readyz_never_ready(args):
    # vm.conf outranks the environment: the pattern goes into a copy of the guest's vm.conf.
    guest = PrivateGuest(args.guest)
    with open(os.path.join(guest.path, "vm.conf"), "a") as conf:
        conf.write('VM_READY_PATTERN="this line never appears"\n')
    launcher, telnet_port, status = start_guest(args.launcher, guest.path)
    launcher.folders.append(guest.path)
    console = None
    try:
        console, port = start_console(args.console, telnet_port, "--status", status)
        check(readyz(port) == 503, "503 while booting")
        launcher.wait_for(READY_LINE, timeout=240)  # the guest is fully booted now
        answers = [readyz(port) for _ in range(10)]
        check(answers == [503] * 10, "a pattern that never appears must keep /readyz at 503: %s" % answers)
        check(READY_MARK not in launcher.text(), "the launcher said ready")
        print("ok: guest booted, pattern never seen, /readyz stays 503")
    finally:
        if console:
            console.stop()
        launcher.stop()


def readyz_no_launcher(args):
    peer, telnet_port = start_peer()
    folder = tempfile.mkdtemp(prefix="readiness-test-")
    console = None
    try:
        console, port = start_console(args.console, telnet_port, "--status", os.path.join(folder, "none.sock"))
        check(http_get(port, "/healthz")[0] == 200, "/healthz")
        check(readyz(port) == 503, "no status socket must mean 503")
        print("ok: no launcher status, 503")
    finally:
        if console:
            console.stop()
        peer.stop()
        os.rmdir(folder)


def base_path(args):
    peer, telnet_port = start_peer()
    console = None
    try:
        console, port = start_console(args.console, telnet_port, "--base-path", "/vm1/")
        status, _, body = http_get(port, "/vm1/")
        check(status == 200 and b"<html" in body.lower(), "/vm1/ serves the page (%d)" % status)
        check(b'src="assets/console.js"' in body, "the page's assets are relative to the base path")
        for path in ("/vm1/assets/xterm.js", "/vm1/assets/console.js", "/vm1/healthz", "/vm1/readyz"):
            check(http_get(port, path)[0] == 200, "%s answers 200" % path)
        status, head, _ = http_get(port, "/vm1?x=1")
        check(status == 301 and "location: /vm1/?x=1" in head.lower(),
              "/vm1 redirects to /vm1/ (%d %s)" % (status, head))
        for path in ("/", "/assets/xterm.js", "/healthz", "/readyz", "/ws", "/vm10/", "/vm", "/other/vm1/"):
            check(http_get(port, path)[0] == 404, "%s outside the base path must be 404" % path)
        session = ConsoleSession(port, path="/vm1/ws")
        session.type("hello")
        session.read_until(b"hello", timeout=30)  # the peer echoes
        session.close()
        try:
            ConsoleSession(port, path="/ws").close()
            raise AssertionError("/ws outside the base path was upgraded")
        except HandshakeError as error:
            check(error.status == 404, "/ws outside the base path got %d" % error.status)
        print("ok: everything under /vm1/, 404 outside")
    finally:
        if console:
            console.stop()
        peer.stop()


CASES = {f.__name__: f for f in (readyz_follows_guest, readyz_never_ready, readyz_no_launcher, base_path)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", required=True)
    parser.add_argument("--launcher")
    parser.add_argument("--guest")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    CASES[args.case](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
