#!/usr/bin/env python3
"""SIGTERM with a guest agent, against a fake QEMU: an obeying guest powers
off through guest-shutdown; a deaf one is stopped by QMP quit after
VM_SHUTDOWN_TIMEOUT. Either way the launcher exits with QEMU's status.

usage: test_shutdown.py LAUNCHER FAKE_QEMU"""
import signal
import sys
import tempfile

from harness import Launcher, wait_gone


def run(binary, fake_qemu, guest, expected_log, expected_output):
    with tempfile.TemporaryDirectory() as data_dir:
        launcher = Launcher(binary, {"VM_DATA_DIR": data_dir, "VM_QEMU": fake_qemu,
                                     "VM_BIOS": "none", "VM_KERNEL": "",
                                     "VM_SHUTDOWN_TIMEOUT": "2", "FAKE_GUEST": guest})
        try:
            launcher.client().read_until(b"fake guest ready")
            launcher.wait_stderr("guest agent connected")
            launcher.signal(signal.SIGTERM)
            status = launcher.wait(timeout=30)
            assert status == 0, f"{guest}: exit status {status}: {launcher.stderr}"
            assert expected_log in launcher.stderr, launcher.stderr
            assert expected_output in launcher.stdout, launcher.stdout
            assert wait_gone(launcher.qemu_pid, 10), "QEMU outlived the launcher"
        finally:
            launcher.kill()
    print(f"{guest} guest: ok")


def main(binary, fake_qemu):
    run(binary, fake_qemu, "agent", "QEMU exited with status 0", b"reboot: Power down")
    run(binary, fake_qemu, "deaf", "did not power off in 2 s: stopping QEMU", b"ready")


if __name__ == "__main__":
    main(*sys.argv[1:3])
