#!/usr/bin/env python3
"""The busybox guest under the launcher: boot to the shell, two telnet clients
at once, a late client's scrollback, stdout mirror, then SIGTERM.

usage: test_guest_session.py LAUNCHER GUEST_DIR"""
import signal
import sys

from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, PrivateGuest
from qemu_riscv64_test.launcher import Launcher
from qemu_riscv64_test.processes import wait_gone

SHUTDOWN_TIMEOUT = 25


def main(binary, shared_guest_dir):
    with PrivateGuest(shared_guest_dir) as guest_dir:
        run(binary, guest_dir)


def run(binary, guest_dir):
    launcher = Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "512",
                                 "VM_SHUTDOWN_TIMEOUT": str(SHUTDOWN_TIMEOUT)})
    try:
        first = launcher.client()
        first.read_until(PROMPT)
        # A client joining after boot gets the boot banner from the scrollback.
        late = launcher.client()
        history = late.read_until(PROMPT)
        assert b"OpenSBI" in history and b"Linux version" in history, history[:300]
        # Typed by one client, seen by both.
        first.type("uname -m\r")
        for client in (first, late):
            text = client.read_until(b"riscv64\r\n" + PROMPT)
            assert b"uname -m\r\n" in text, text[-200:]
        late.type("echo from-the-late-client\r")
        first.read_until(b"\r\nfrom-the-late-client\r\n")
        # Every guest byte is on stdout too, for kubectl logs.
        assert b"OpenSBI" in launcher.stdout and b"riscv64\r\n" in launcher.stdout
        launcher.signal(signal.SIGTERM)
        status = launcher.wait(timeout=SHUTDOWN_TIMEOUT + 30)
        assert status == 0, f"launcher exit status {status}: {launcher.stderr}"
        assert wait_gone(launcher.qemu_pid, 10), "QEMU outlived the launcher"
        print("boot, two clients, scrollback, stdout and SIGTERM: ok")
    finally:
        launcher.kill()


if __name__ == "__main__":
    main(*sys.argv[1:3])
