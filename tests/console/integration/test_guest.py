"""Integration: the console in front of the real launcher and busybox guest.

    run-pytest.sh test_guest.py --console BIN --launcher BIN --guest DIR

test_guest  one boot of the guest, a console on it and a --read-only one; in turn (each step
            prints "ok: <step>" as it passes):
              arithmetic     the shell computes $((6*7))
              uname          the guest is riscv64
              shared_typing  two sessions of one console see each other's typing and output
              read_only      the read-only console's keystrokes never run; it sees the output
              http_routes    probes, a traversal refused, a foreign Origin refused with 403
            then the guest powers off and the launcher exits. On a failure the launcher's last
            lines (the guest's console among them) are printed.

One boot for every step keeps this one test (one ctest, console.integration.guest).
"""
from collections import namedtuple

import pytest

from qemu_riscv64_test.console import wait_for_shell
from qemu_riscv64_test.console_session import ConsoleSession, refused_status
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.websocket import http_get

# The writable console's port and two sessions on it; a session on the read-only console.
Sessions = namedtuple("Sessions", "port a b viewer")


@pytest.fixture
def booted_guest(busybox_launcher, console_server, print_on_failure):
    """The busybox guest at its shell prompt, a console titled "busybox" and a --read-only one
    on it: (launcher process, Sessions)."""
    launcher, telnet_port = busybox_launcher()
    print_on_failure(lambda: launcher.text()[-3000:])
    _, port = console_server(telnet_port, "--title", "busybox")
    _, viewer_port = console_server(telnet_port, "--read-only")
    sessions = Sessions(port, ConsoleSession(port), ConsoleSession(port), ConsoleSession(viewer_port))
    wait_for_shell(sessions.a)
    sessions.viewer.read_message()
    sessions.viewer.read_message()
    return launcher, sessions


def run_command(session, command, answer):
    """Types `command` + Enter and waits for `answer` on a line of its own."""
    mark = len(session.output)
    session.type(command + "\r")
    session.read_until(b"\n" + answer.encode() + b"\r", timeout=60, since=mark)
    return bytes(session.output[mark:])


def arithmetic(sessions):
    run_command(sessions.a, "echo $((6*7))", "42")


def uname(sessions):
    run_command(sessions.a, "uname -m", "riscv64")


def shared_typing(sessions):
    a, b = sessions.a, sessions.b
    run_command(a, "echo shared-$((1+2))", "shared-3")
    b.read_until(b"echo shared-$((1+2))", timeout=60)  # b sees a's keystrokes
    b.read_until(b"\nshared-3\r", timeout=60)
    run_command(b, "echo from-b-$((2+3))", "from-b-5")
    a.read_until(b"\nfrom-b-5\r", timeout=60)


def read_only(sessions):
    viewer, writer = sessions.viewer, sessions.a
    check(viewer.read_only, "the read-only console did not say so")
    viewer.type("echo ro-$((3+4))\r")
    viewer.sync()  # the pong proves the console has handled (dropped) the keystrokes
    run_command(writer, "echo rw-$((4+5))", "rw-9")
    viewer.read_until(b"\nrw-9\r", timeout=60)
    check(b"ro-7" not in viewer.output and b"ro-7" not in writer.output, "read-only keystrokes ran")


def http_routes(sessions):
    port = sessions.port
    check(http_get(port, "/healthz")[0] == 200, "/healthz")
    check(http_get(port, "/readyz")[0] == 200, "/readyz with the launcher up")
    status, _, body = http_get(port, "/../../etc/passwd")
    check(status != 200 and b"root:" not in body, "/../../etc/passwd served")
    status = refused_status(port, origin="http://evil.example")
    check(status is not None, "foreign Origin accepted")
    check(status == 403, "foreign Origin got %d" % status)


STEPS = [arithmetic, uname, shared_typing, read_only, http_routes]


def test_guest(booted_guest):
    launcher, sessions = booted_guest
    for step in STEPS:
        step(sessions)
        print("ok: %s" % step.__name__, flush=True)
    sessions.a.type("poweroff\r")
    launcher.proc.wait(120)
