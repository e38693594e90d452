#!/usr/bin/env python3
"""Warm start with the busybox guest, whose data folder carries a snapshot of
it at its shell (data-images/make-snapshot.sh).

usage: test_warm_start.py LAUNCHER GUEST_DIR CASE
  resume        the launcher resumes the snapshot: the shell answers, the
                resume is on the console, the guest's clock is the host's
  no_rollback   a file written on /mnt, the launcher restarted on the same
                folder: it boots cold (the disk changed) and the file is there
  cpu_mismatch  VM_CPU_COUNT=4 against the 2-CPU snapshot boots cold and says why"""
import re
import signal
import sys
import time

from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import Launcher

PROMPT = b"root@riscv-busybox:~# "


def start(binary, guest_dir, **env):
    return Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "5", **env})


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=60)
    assert status == 0, f"launcher exit status {status}: {launcher.stderr}"


def command(client, line):
    """Types `line`, returns what the guest printed before the next prompt."""
    marker = f"done-{time.monotonic_ns()}"
    client.type(f"{line}; echo {marker[:5]}''{marker[5:]}\r")
    text = client.read_until(f"\r\n{marker}\r\n".encode() + PROMPT)
    return text[text.rindex(f"{line}; echo".encode()):]


def resume(binary, guest_dir):
    launcher = start(binary, guest_dir)
    try:
        launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
        launcher.wait_stderr(r"launcher: warm start: resumed in [0-9.]+ s")
        client = launcher.client()
        client.read_until(PROMPT)
        assert b"uname -m" not in client.text()
        answer = command(client, "echo warm-$((6 * 7))")
        assert b"\r\nwarm-42\r\n" in answer, answer
        # The launcher typed the present time at the shell after the resume.
        answer = command(client, "date +%s")
        guest_now = int(re.search(rb"\r\n(\d{9,})\r\n", answer).group(1))
        assert abs(guest_now - time.time()) < 60, (guest_now, time.time())
        # kubectl logs and late viewers see that the guest was resumed, and its screen.
        late = launcher.client()
        history = late.read_until(PROMPT)
        assert b"warm start: the guest resumed in" in history, history[:400]
        assert b"qemu-riscv64 busybox guest ready" in history
        assert b"warm start: the guest resumed in" in launcher.stdout
        stop(launcher)
        print("resumed: the shell answers, its clock is the host's, the resume is on the console")
    finally:
        launcher.kill()


def no_rollback(binary, guest_dir):
    first = start(binary, guest_dir)
    try:
        first.wait_stderr(r"launcher: warm start: resuming")
        client = first.client()
        client.read_until(PROMPT)
        command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
        stop(first)
    finally:
        first.kill()
    second = start(binary, guest_dir)
    try:
        line = second.wait_stderr(r"launcher: cold boot: .*").group(0)
        assert "was written after the snapshot" in line, line
        client = second.client()
        client.read_until(PROMPT, timeout=180)
        answer = command(client, "cat /mnt/note")
        assert b"\r\nkept-42\r\n" in answer, answer
        stop(second)
        print(f"restart on the same folder: {line!r}; the file written before is there")
    finally:
        second.kill()


def cpu_mismatch(binary, guest_dir):
    launcher = start(binary, guest_dir, VM_CPU_COUNT="4")
    try:
        launcher.wait_stderr(r"launcher: cold boot: snapshot made with 2 CPUs, asked for 4\n")
        client = launcher.client()
        client.read_until(PROMPT, timeout=180)
        answer = command(client, "nproc")
        assert b"\r\n4\r\n" in answer, answer
        stop(launcher)
        print("VM_CPU_COUNT=4: cold boot, 'snapshot made with 2 CPUs, asked for 4', 4 CPUs")
    finally:
        launcher.kill()


def main(binary, shared_guest_dir, case):
    cases = {"resume": resume, "no_rollback": no_rollback, "cpu_mismatch": cpu_mismatch}
    with PrivateGuest(shared_guest_dir) as guest_dir:
        cases[case](binary, guest_dir)


if __name__ == "__main__":
    main(*sys.argv[1:4])
