"""Integration: /readyz follows the guest, and the console under a base path.

    run-pytest.sh test_readiness.py --console BIN --launcher BIN --guest DIR

test_readyz_follows_guest  the real launcher on the busybox guest with a status socket:
                           /readyz answers 503 until the guest's ready line is in the
                           launcher's output, 200 after
test_readyz_never_ready    a ready pattern that never appears: the guest boots to its
                           shell and /readyz still answers 503
test_readyz_no_launcher    a status socket nobody serves: 503
test_base_path             --base-path /vm1: page, assets, probes and /ws under /vm1/,
                           /vm1 redirected to /vm1/, 404 everywhere else
"""
import os
import time

import pytest

from qemu_riscv64_test.console_session import ConsoleSession, refused_status
from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.websocket import http_get

READY_LINE = "qemu-riscv64 busybox guest ready"
READY_MARK = "launcher: guest ready"


@pytest.fixture
def never_ready_launcher(launcher_binary, guest_dir, tmp_path):
    """The launcher on a copy of the busybox guest whose ready pattern never appears, with a
    status socket: (process, telnet port, socket path). vm.conf outranks the environment:
    the pattern goes into the copy's vm.conf."""
    status = str(tmp_path / "status.sock")
    with PrivateGuest(guest_dir) as guest:
        with open(os.path.join(guest, "vm.conf"), "a") as conf:
            conf.write('VM_READY_PATTERN="this line never appears"\n')
        launcher, telnet_port = start_launcher(launcher_binary, guest, {"VM_STATUS_SOCKET": status})
        yield launcher, telnet_port, status
        launcher.stop()


def readyz(port):
    return http_get(port, "/readyz")[0]


def probe_until_ready(port, launcher, timeout=240):
    """/readyz's answers, polled until 200 (or `timeout` s): each 503 while the launcher had not
    said ready when asked, the 200 once the guest's ready line was there."""
    answers = []
    deadline = time.monotonic() + timeout
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
    return answers


def test_readyz_follows_guest(busybox_launcher, console_server, tmp_path):
    status = str(tmp_path / "status.sock")
    launcher, telnet_port = busybox_launcher({"VM_STATUS_SOCKET": status})
    _, port = console_server(telnet_port, "--status", status)
    answers = probe_until_ready(port, launcher)
    check(answers and answers[0] == 503, "the first /readyz was %s, not 503" % answers[:1])
    check(answers[-1] == 200,
          "/readyz never answered 200 (%d probes):\n%s" % (len(answers), launcher.text()[-800:]))
    check(all(readyz(port) == 200 for _ in range(5)), "ready does not stay ready")
    print("ok: %d probes answered 503, then 200 after the ready line" % (len(answers) - 1))


def test_readyz_never_ready(never_ready_launcher, console_server):
    launcher, telnet_port, status = never_ready_launcher
    _, port = console_server(telnet_port, "--status", status)
    check(readyz(port) == 503, "503 while booting")
    launcher.wait_for(READY_LINE, timeout=240)  # the guest is fully booted now
    answers = [readyz(port) for _ in range(10)]
    check(answers == [503] * 10, "a pattern that never appears must keep /readyz at 503: %s" % answers)
    check(READY_MARK not in launcher.text(), "the launcher said ready")
    print("ok: guest booted, pattern never seen, /readyz stays 503")


def test_readyz_no_launcher(telnet_peer, console_server, tmp_path):
    _, telnet_port = telnet_peer()
    _, port = console_server(telnet_port, "--status", str(tmp_path / "none.sock"))
    check(http_get(port, "/healthz")[0] == 200, "/healthz")
    check(readyz(port) == 503, "no status socket must mean 503")
    print("ok: no launcher status, 503")


def test_base_path(telnet_peer, console_server):
    _, telnet_port = telnet_peer()
    _, port = console_server(telnet_port, "--base-path", "/vm1/")
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
    status = refused_status(port, path="/ws")
    check(status is not None, "/ws outside the base path was upgraded")
    check(status == 404, "/ws outside the base path got %d" % status)
    print("ok: everything under /vm1/, 404 outside")
