#!/usr/bin/env python3
"""QEMU killed under the launcher: the launcher exits non-zero and says why.

usage: test_qemu_killed.py LAUNCHER GUEST_DIR"""
import os
import signal
import sys

from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import Launcher


def main(binary, shared_guest_dir):
    with PrivateGuest(shared_guest_dir) as guest_dir:
        run(binary, guest_dir)


def run(binary, guest_dir):
    launcher = Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "512"})
    try:
        launcher.client().read_until(b"OpenSBI")
        os.kill(launcher.qemu_pid, signal.SIGKILL)
        status = launcher.wait(timeout=30)
        assert status != 0, "launcher exited 0 after QEMU was killed"
        launcher.wait_stderr(r"QEMU was killed by signal 9")
        print(f"launcher exited {status} after kill -9 of QEMU: ok")
    finally:
        launcher.kill()


if __name__ == "__main__":
    main(*sys.argv[1:3])
