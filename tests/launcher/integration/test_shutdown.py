#!/usr/bin/env python3
"""The lifecycle against a fake QEMU. SIGTERM with a guest agent: an obeying
guest powers off through guest-shutdown; a deaf one is stopped by QMP quit
after VM_SHUTDOWN_TIMEOUT. The launcher exits with QEMU's status, also when
the guest ends on its own; QEMU dies with a killed launcher.

usage: test_shutdown.py LAUNCHER FAKE_QEMU"""
import signal
import sys
import tempfile

from qemu_riscv64_test.launcher import Launcher
from qemu_riscv64_test.processes import wait_gone


def start(binary, fake_qemu, data_dir, guest):
    return Launcher(binary, {"VM_DATA_DIR": data_dir, "VM_QEMU": fake_qemu, "VM_BIOS": "none",
                             "VM_KERNEL": "", "VM_SHUTDOWN_TIMEOUT": "2", "FAKE_GUEST": guest})


def guest_ends(binary, fake_qemu, key, expected_status):
    with tempfile.TemporaryDirectory() as data_dir:
        launcher = start(binary, fake_qemu, data_dir, "agent")
        try:
            client = launcher.client()
            client.read_until(b"fake guest ready")
            client.type(key)
            status = launcher.wait(timeout=30)
            assert status == expected_status, f"exit {status}, not {expected_status}"
            if expected_status != 0:
                assert "QEMU exited with status 3 on its own" in launcher.stderr, launcher.stderr
        finally:
            launcher.kill()
    print(f"guest ending with {expected_status}: launcher exit {expected_status}: ok")


def launcher_killed(binary, fake_qemu):
    with tempfile.TemporaryDirectory() as data_dir:
        launcher = start(binary, fake_qemu, data_dir, "agent")
        try:
            launcher.client().read_until(b"fake guest ready")
            launcher.kill()
            assert wait_gone(launcher.qemu_pid, 10), "QEMU outlived a killed launcher"
        finally:
            launcher.kill()
    print("kill -9 of the launcher takes QEMU with it: ok")


def run(binary, fake_qemu, guest, expected_log, expected_output):
    with tempfile.TemporaryDirectory() as data_dir:
        launcher = start(binary, fake_qemu, data_dir, guest)
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
    guest_ends(binary, fake_qemu, "P", 0)
    guest_ends(binary, fake_qemu, "E", 3)
    launcher_killed(binary, fake_qemu)


if __name__ == "__main__":
    main(*sys.argv[1:3])
