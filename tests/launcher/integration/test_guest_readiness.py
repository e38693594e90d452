#!/usr/bin/env python3
"""Readiness follows the guest both ways: the status socket (VM_STATUS_SOCKET,
behind the console's /readyz) turns from "ready" to "unready" when the guest
stops, and back when it runs again, each change said on stderr.

  panic  the busybox guest's kernel is made to panic (`echo c >
         /proc/sysrq-trigger`): unready, "kernel panic on the serial console"
  pause  QEMU pauses the busybox guest (QMP stop, through a second monitor the
         test adds with a wrapper around QEMU): unready; QMP cont: ready again
  agent  a fake QEMU whose guest agent stops answering (and then answers
         again): unready while it is silent, ready again once it answers

The status is polled until it changes; how long that took is printed, never
compared with a limit.

usage: test_guest_readiness.py panic|pause LAUNCHER GUEST_DIR
       test_guest_readiness.py agent LAUNCHER FAKE_QEMU"""
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time

from qemu_riscv64_test.guest import BUSYBOX_PROMPT, PrivateGuest
from qemu_riscv64_test.launcher import Launcher, status_reply

GIVE_UP = 120  # seconds: a status that never changes fails the test here


def status(path):
    """The status socket's first line, the readiness word; the lines after it are `name value`."""
    word, values = status_reply(path)
    if any(" " in value for value in values.values()):
        raise AssertionError(f"a status reply not of a word and `name value` lines: {word!r} {values!r}")
    return word


def wait_status(path, wanted, launcher):
    """Polls the status socket until it answers `wanted`; returns the seconds it took."""
    started = time.monotonic()
    seen = []
    while time.monotonic() - started < GIVE_UP:
        word = status(path)
        if word == wanted:
            return time.monotonic() - started
        if not seen or seen[-1] != word:
            seen.append(word)
        time.sleep(0.1)
    raise AssertionError(f"the status never became {wanted!r} (it said {seen}):\n{launcher.stderr}")


class Guest:
    """The launcher with a status socket in a folder of the test's own."""

    def __init__(self, binary, env):
        self.folder = tempfile.mkdtemp(prefix="readiness-test-")
        self.status = os.path.join(self.folder, "status.sock")
        self.launcher = Launcher(binary, dict(env, VM_STATUS_SOCKET=self.status))

    def close(self):
        self.launcher.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def panic(binary, guest_dir):
    with PrivateGuest(guest_dir) as data_dir:
        guest = Guest(binary, {"VM_DATA_DIR": data_dir})
        try:
            launcher = guest.launcher
            console = launcher.client()
            console.read_until(BUSYBOX_PROMPT)
            wait_status(guest.status, "ready", launcher)
            console.type("echo c > /proc/sysrq-trigger\r")
            took = wait_status(guest.status, "unready", launcher)
            launcher.wait_stderr(r"launcher: guest not ready: kernel panic on the serial console")
            console.read_until(b"Kernel panic - not syncing")
            print(f"panic: unready {took:.2f} s after the panic was asked for: ok")
        finally:
            guest.close()


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
                assert "return" in reply, f"QMP {command}: {reply}"
                return reply

    def close(self):
        self.sock.close()


def qemu_with_monitor(folder, monitor_path):
    """A QEMU wrapper (VM_QEMU) that adds a QMP monitor at `monitor_path`."""
    wrapper = os.path.join(folder, "qemu-with-monitor")
    qemu = shutil.which("qemu-system-riscv64")
    assert qemu, "no qemu-system-riscv64 in PATH"
    with open(wrapper, "w") as script:
        script.write(f'#!/bin/sh\nexec {qemu} "$@" -qmp unix:{monitor_path},server=on,wait=off\n')
    os.chmod(wrapper, stat.S_IRWXU)
    return wrapper


def pause(binary, guest_dir):
    folder = tempfile.mkdtemp(prefix="readiness-qemu-")
    monitor_path = os.path.join(folder, "test-qmp.sock")
    with PrivateGuest(guest_dir) as data_dir:
        guest = Guest(binary, {"VM_DATA_DIR": data_dir,
                               "VM_QEMU": qemu_with_monitor(folder, monitor_path)})
        monitor = None
        try:
            launcher = guest.launcher
            launcher.client().read_until(BUSYBOX_PROMPT)
            wait_status(guest.status, "ready", launcher)
            monitor = Monitor(monitor_path)
            monitor.execute("stop")
            took = wait_status(guest.status, "unready", launcher)
            launcher.wait_stderr(r"launcher: guest not ready: QEMU paused the guest \(QMP STOP\)")
            print(f"pause: unready {took:.2f} s after QMP stop")
            monitor.execute("cont")
            took = wait_status(guest.status, "ready", launcher)
            launcher.wait_stderr(r"launcher: guest ready again: QEMU resumed the guest")
            print(f"pause: ready again {took:.2f} s after QMP cont: ok")
        finally:
            if monitor:
                monitor.close()
            guest.close()
            shutil.rmtree(folder, ignore_errors=True)


def agent(binary, fake_qemu):
    with tempfile.TemporaryDirectory() as data_dir:
        # No ready pattern: the agent opening its port is the ready signal.
        guest = Guest(binary, {"VM_DATA_DIR": data_dir, "VM_QEMU": fake_qemu, "VM_BIOS": "none",
                               "VM_KERNEL": "", "VM_READY_PATTERN": "", "FAKE_GUEST": "agent"})
        try:
            launcher = guest.launcher
            console = launcher.client()
            console.read_until(b"fake guest ready")
            wait_status(guest.status, "ready", launcher)
            console.type("S")
            console.read_until(b"agent silent")
            took = wait_status(guest.status, "unready", launcher)
            launcher.wait_stderr(r"launcher: guest not ready: the guest agent did not answer "
                                 r"its ping in \d+ s")
            print(f"agent: unready {took:.2f} s after the agent fell silent")
            console.type("A")
            took = wait_status(guest.status, "ready", launcher)
            launcher.wait_stderr(r"launcher: guest ready again: the guest agent answers its ping")
            print(f"agent: ready again {took:.2f} s after it answered again: ok")
        finally:
            guest.close()


if __name__ == "__main__":
    cases = {"panic": panic, "pause": pause, "agent": agent}
    cases[sys.argv[1]](*sys.argv[2:4])
