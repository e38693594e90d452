#!/usr/bin/env python3
"""Integration: the console in front of the real launcher and busybox guest.

    test_guest.py --console build/bin/console --launcher build/bin/launcher --guest build/guest/busybox

One guest boot serves every case; each prints "ok: <case>" as it passes.
"""
import argparse
import sys

from qemu_riscv64_test.console import start_console, wait_for_shell
from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.websocket import HandshakeError, http_get


def run_command(session, command, answer):
    """Types `command` + Enter and waits for `answer` on a line of its own."""
    mark = len(session.output)
    session.type(command + "\r")
    session.read_until(b"\n" + answer.encode() + b"\r", timeout=60, since=mark)
    return bytes(session.output[mark:])


def arithmetic(sessions):
    run_command(sessions["a"], "echo $((6*7))", "42")


def uname(sessions):
    run_command(sessions["a"], "uname -m", "riscv64")


def shared_typing(sessions):
    a, b = sessions["a"], sessions["b"]
    run_command(a, "echo shared-$((1+2))", "shared-3")
    b.read_until(b"echo shared-$((1+2))", timeout=60)  # b sees a's keystrokes
    b.read_until(b"\nshared-3\r", timeout=60)
    run_command(b, "echo from-b-$((2+3))", "from-b-5")
    a.read_until(b"\nfrom-b-5\r", timeout=60)


def read_only(sessions):
    viewer, writer = sessions["viewer"], sessions["a"]
    check(viewer.read_only, "the read-only console did not say so")
    viewer.type("echo ro-$((3+4))\r")
    viewer.sync()  # the pong proves the console has handled (dropped) the keystrokes
    run_command(writer, "echo rw-$((4+5))", "rw-9")
    viewer.read_until(b"\nrw-9\r", timeout=60)
    check(b"ro-7" not in viewer.output and b"ro-7" not in writer.output, "read-only keystrokes ran")


def http_checks(sessions):
    port = sessions["port"]
    check(http_get(port, "/healthz")[0] == 200, "/healthz")
    check(http_get(port, "/readyz")[0] == 200, "/readyz with the launcher up")
    status, _, body = http_get(port, "/../../etc/passwd")
    check(status != 200 and b"root:" not in body, "/../../etc/passwd served")
    try:
        ConsoleSession(port, origin="http://evil.example").close()
        raise AssertionError("foreign Origin accepted")
    except HandshakeError as error:
        check(error.status == 403, "foreign Origin got %d" % error.status)


CASES = [arithmetic, uname, shared_typing, read_only, http_checks]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", required=True)
    parser.add_argument("--launcher", required=True)
    parser.add_argument("--guest", required=True)
    args = parser.parse_args()
    launcher, telnet_port = start_launcher(args.launcher, args.guest)
    consoles = []
    try:
        writable, port = start_console(args.console, telnet_port, "--title", "busybox")
        viewer_console, viewer_port = start_console(args.console, telnet_port, "--read-only")
        consoles += [writable, viewer_console]
        sessions = {"port": port, "a": ConsoleSession(port), "b": ConsoleSession(port),
                    "viewer": ConsoleSession(viewer_port)}
        wait_for_shell(sessions["a"])
        sessions["viewer"].read_message()
        sessions["viewer"].read_message()
        for test in CASES:
            test(sessions)
            print("ok: %s" % test.__name__, flush=True)
        sessions["a"].type("poweroff\r")
        launcher.proc.wait(120)
    except Exception:
        print(launcher.text()[-3000:], file=sys.stderr)
        raise
    finally:
        for console in consoles:
            console.stop()
        launcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
