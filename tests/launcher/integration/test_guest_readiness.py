"""Readiness follows the guest both ways: the status socket (VM_STATUS_SOCKET, behind the
console's /readyz) turns from "ready" to "unready" when the guest stops, and back when it
runs again, each change said on stderr.

    run-pytest.sh test_guest_readiness.py --launcher BIN --guest DIR

test_panic            the busybox guest's kernel is made to panic (`echo c > /proc/sysrq-trigger`):
                      unready, "kernel panic on the serial console"
test_pause            QEMU pauses the busybox guest (QMP stop, through a second monitor the test
                      adds with a wrapper around QEMU): unready; QMP cont: ready again
test_agent_fake_qemu  a fake QEMU (fake_qemu.py) whose guest agent stops answering (and then
                      answers again): unready while it is silent, ready again once it answers

The status is polled until it changes; how long that took is printed, never compared with a
limit.
"""
import json
import shutil
import socket
import stat
import time

import pytest

from qemu_riscv64_test.guest import BUSYBOX_PROMPT
from qemu_riscv64_test.launcher import status_reply
from qemu_riscv64_test.processes import check

GIVE_UP = 120  # seconds: a status that never changes fails the test here


def readiness(path):
    """The status socket's first line, the readiness word; the lines after it are `name value`."""
    word, values = status_reply(path)
    check(not any(" " in value for value in values.values()),
          f"a status reply not of a word and `name value` lines: {word!r} {values!r}")
    return word


def wait_status(path, wanted, launcher):
    """Polls the status socket until it answers `wanted`; returns the seconds it took."""
    started = time.monotonic()
    seen = []
    while time.monotonic() - started < GIVE_UP:
        word = readiness(path)
        if word == wanted:
            return time.monotonic() - started
        if not seen or seen[-1] != word:
            seen.append(word)
        time.sleep(0.1)
    raise AssertionError(f"the status never became {wanted!r} (it said {seen}):\n{launcher.stderr}")


class Monitor:
    """A QMP monitor of the test's own (QEMU takes several)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.lines = self.sock.makefile("rb")
        self.lines.readline()  # the greeting
        self.execute("qmp_capabilities")

    def execute(self, command):
        self.sock.sendall(json.dumps({"execute": command}).encode() + b"\n")
        while True:
            reply = json.loads(self.lines.readline())
            if "return" in reply or "error" in reply:
                check("return" in reply, f"QMP {command}: {reply}")
                return reply

    def close(self):
        self.sock.close()


@pytest.fixture
def qmp_monitor():
    """Connects QMP monitors of the test's own: qmp_monitor(path) -> Monitor, closed after the test."""
    monitors = []

    def connect(path):
        monitors.append(Monitor(path))
        return monitors[-1]

    yield connect
    for monitor in monitors:
        monitor.close()


def qemu_with_monitor(folder, monitor_path):
    """A QEMU wrapper (VM_QEMU) in `folder` that adds a QMP monitor at `monitor_path`."""
    wrapper = folder / "qemu-with-monitor"
    qemu = shutil.which("qemu-system-riscv64")
    check(qemu, "no qemu-system-riscv64 in PATH")
    wrapper.write_text(f'#!/bin/sh\nexec {qemu} "$@" -qmp unix:{monitor_path},server=on,wait=off\n')
    wrapper.chmod(stat.S_IRWXU)
    return str(wrapper)


def test_panic(launcher_process, busybox_dir, status_socket):
    launcher = launcher_process({"VM_DATA_DIR": busybox_dir, "VM_STATUS_SOCKET": status_socket})
    console = launcher.client()
    console.read_until(BUSYBOX_PROMPT)
    wait_status(status_socket, "ready", launcher)
    console.type("echo c > /proc/sysrq-trigger\r")
    took = wait_status(status_socket, "unready", launcher)
    launcher.wait_stderr(r"launcher: guest not ready: kernel panic on the serial console")
    console.read_until(b"Kernel panic - not syncing")
    print(f"panic: unready {took:.2f} s after the panic was asked for: ok")


def test_pause(launcher_process, busybox_dir, status_socket, qmp_monitor, tmp_path):
    monitor_path = str(tmp_path / "test-qmp.sock")
    launcher = launcher_process({"VM_DATA_DIR": busybox_dir, "VM_STATUS_SOCKET": status_socket,
                                 "VM_QEMU": qemu_with_monitor(tmp_path, monitor_path)})
    launcher.client().read_until(BUSYBOX_PROMPT)
    wait_status(status_socket, "ready", launcher)
    monitor = qmp_monitor(monitor_path)
    monitor.execute("stop")
    took = wait_status(status_socket, "unready", launcher)
    launcher.wait_stderr(r"launcher: guest not ready: QEMU paused the guest \(QMP STOP\)")
    print(f"pause: unready {took:.2f} s after QMP stop")
    monitor.execute("cont")
    took = wait_status(status_socket, "ready", launcher)
    launcher.wait_stderr(r"launcher: guest ready again: QEMU resumed the guest")
    print(f"pause: ready again {took:.2f} s after QMP cont: ok")


def test_agent_fake_qemu(fake_qemu_launcher, status_socket):
    # No ready pattern: the agent opening its port is the ready signal.
    launcher = fake_qemu_launcher({"VM_READY_PATTERN": "", "VM_STATUS_SOCKET": status_socket})
    console = launcher.client()
    console.read_until(b"fake guest ready")
    wait_status(status_socket, "ready", launcher)
    console.type("S")
    console.read_until(b"agent silent")
    took = wait_status(status_socket, "unready", launcher)
    launcher.wait_stderr(r"launcher: guest not ready: the guest agent did not answer its ping in \d+ s")
    print(f"agent: unready {took:.2f} s after the agent fell silent")
    console.type("A")
    took = wait_status(status_socket, "ready", launcher)
    launcher.wait_stderr(r"launcher: guest ready again: the guest agent answers its ping")
    print(f"agent: ready again {took:.2f} s after it answered again: ok")
