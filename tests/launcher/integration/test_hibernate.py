#!/usr/bin/env python3
"""Hibernate with the busybox guest (no guest agent) on a private copy of its
data folder and the host's QEMU: SIGTERM saves the running guest into its
qcow2 disk, the next start resumes it; anything else boots cold from an
intact disk, saying why. Seconds and sizes are printed, never asserted.

usage: test_hibernate.py LAUNCHER GUEST_DIR CASE
  resume           a cold boot (timed), then `sleep 12345 &` and a file in the
                   RAM root; SIGTERM saves (timed, state size); the next start
                   resumes (timed): the same process, the file, uptime on, the
                   saved state gone from the folder and the disk; the console's
                   recording holds both runs, with a marker at each step
  crash_after      a resumed guest's QEMU killed (kill -9): the next start
                   boots cold and a file written to the disk before is there
  interrupted_save the launcher killed (SIGKILL) while it saves: the next start
                   boots cold, the disk passes `qemu-img check`, the file is there
  settings_changed VM_CPU_COUNT=4 after a save with 2: cold boot, the reason
                   line, 4 CPUs, the file there, the snapshot deleted
  handover         a second launcher on the same folder waits for the disk
                   while the first runs, then resumes what the first saved
  refused          the saved VM state damaged inside the disk: QEMU refuses it,
                   the launcher says so, the guest boots cold in the same run
                   with the file there, and the snapshot is deleted
  raw_disk         a raw disk cannot hold the state: SIGTERM powers the guest
                   off instead, in one line, and nothing is saved"""
import os
import re
import signal
import struct
import subprocess
import sys
import time

from qemu_riscv64_test.asciicast import markers, output_text, read_cast
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, PrivateGuest
from qemu_riscv64_test.launcher import Launcher, status_socket_path
from qemu_riscv64_test.processes import process_gone
from test_warm_start import COLD_BOOT_S, assert_started, command, damage_vm_state, qemu_loses_timers

SAVE_GUARD_S = 300  # VM_SHUTDOWN_TIMEOUT: a hang guard for the save, not a measurement


def start(binary, guest_dir, wait_qemu=True, **env):
    return Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_HIBERNATE": "on",
                             "VM_SHUTDOWN_TIMEOUT": str(SAVE_GUARD_S), **env},
                    wait_qemu=wait_qemu)


def shell(launcher, timeout=COLD_BOOT_S):
    """A telnet client at the guest's shell, and the seconds since the launcher started."""
    client = launcher.client()
    client.read_until(PROMPT, timeout=timeout)
    command(client, "true")
    return client, time.monotonic() - launcher.started


def snapshot_names(disk):
    """The names in a qcow2 file's snapshot table."""
    with open(disk, "rb") as f:
        header = f.read(72)
        count, entry = struct.unpack_from(">IQ", header, 60)
        names = []
        for _ in range(count):
            f.seek(entry)
            fixed = f.read(40)
            id_size, name_size = struct.unpack_from(">HH", fixed, 12)
            (extra_size,) = struct.unpack_from(">I", fixed, 36)
            f.seek(entry + 40 + extra_size + id_size)
            names.append(f.read(name_size).decode())
            entry += (40 + extra_size + id_size + name_size + 7) // 8 * 8
        return names


def poll(what, predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)


def hibernate(launcher, guest_dir):
    """SIGTERM: the launcher saves the guest and exits 0; returns (seconds, MiB)."""
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=SAVE_GUARD_S + 60)
    assert status == 0, f"launcher exit status {status}: {launcher.stderr}"
    saved = launcher.wait_stderr(r"launcher: hibernate: saved in ([0-9.]+) s \((\d+) MiB of VM "
                                 r"state in [^)]*\); the next start resumes it")
    assert os.path.exists(f"{guest_dir}/hibernate.conf"), launcher.stderr
    assert "hibernate" in snapshot_names(f"{guest_dir}/disk.img")
    return float(saved.group(1)), int(saved.group(2))


def boot_write_hibernate(binary, guest_dir):
    """A guest that wrote /mnt/note to its disk, then hibernated."""
    first = start(binary, guest_dir)
    try:
        client, _ = shell(first)
        command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
        hibernate(first, guest_dir)
    finally:
        first.kill()


def assert_cold_with_note(launcher, cpus="2"):
    """A cold boot (no resume) whose disk still has /mnt/note; returns start-to-shell seconds."""
    line = launcher.wait_stderr(r"launcher: cold boot: [^\n]*").group(0)
    client, seconds = shell(launcher)
    answer = command(client, "cat /mnt/note; nproc")
    assert f"\r\nkept-42\r\n{cpus}\r\n".encode() in answer, answer
    assert "hibernate: resuming" not in launcher.stderr, launcher.stderr
    return line, seconds


def uptime(client):
    answer = command(client, "cut -d' ' -f1 /proc/uptime")
    return float(re.search(rb"\r\n([0-9.]+)\r\n", answer).group(1))


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    launcher.wait(timeout=SAVE_GUARD_S + 60)


def resume(binary, guest_dir):
    cold = start(binary, guest_dir, VM_WARM_START="off")
    try:
        client, cold_s = shell(cold)
        # Short lines: a line past the terminal's width comes back wrapped.
        pid = re.search(rb"pid=(\d+)", command(client, "sleep 12345 & echo pid=$!")).group(1)
        command(client, "echo ram-$((6 * 7)) > /ram-note")
        uptime_before = uptime(client)
        save_s, state_mib = hibernate(cold, guest_dir)
    finally:
        cold.kill()
    status = status_socket_path()
    warm = start(binary, guest_dir, VM_STATUS_SOCKET=status)
    try:
        warm.wait_stderr(r"launcher: hibernate: resuming the guest saved at ")
        if qemu_loses_timers():
            warm.wait_stderr(r"launcher: hibernate: timers re-armed on 2 CPUs")
        warm.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
        warm.wait_stderr(r"launcher: hibernate: the guest has no guest agent: its clock is")
        client, resume_s = shell(warm, timeout=60)
        # Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would).
        for cpu in (0, 1):
            answer = command(client, f"busybox taskset -c {cpu} sleep 0.2 && echo slept-on-{cpu}")
            assert f"\r\nslept-on-{cpu}\r\n".encode() in answer, answer
        answer = command(client, f"kill -0 {pid.decode()} && echo alive")
        assert b"\r\nalive\r\n" in answer, answer
        answer = command(client, "cat /ram-note")
        assert b"\r\nram-42\r\n" in answer, answer
        uptime_after = uptime(client)
        assert uptime_after >= uptime_before, (uptime_before, uptime_after)
        # Used at most once: gone before the guest ran again.
        assert not os.path.exists(f"{guest_dir}/hibernate.conf")
        assert "hibernate" not in snapshot_names(f"{guest_dir}/disk.img")
        assert b"hibernate: the guest resumed in" in warm.stdout
        assert_started(status, "hibernate")
        check_recording(guest_dir, pid)
        print(f"resumed: pid {pid.decode()} alive, /ram-note there, uptime {uptime_before:.1f} -> "
              f"{uptime_after:.1f} s")
        print(f"measured: stop-to-saved {save_s:.1f} s, {state_mib} MiB of VM state; "
              f"start-to-shell {resume_s:.1f} s after a hibernate, {cold_s:.1f} s cold")
        stop(warm)
    finally:
        warm.kill()


def check_recording(guest_dir, pid):
    """The console's recording, one file across both runs: the cold boot's output, the
    keys' echo but no "i" events, and the markers in the order things happened."""
    path = f"{guest_dir}/recordings/console.cast"
    expected = ["start: cold boot", "hibernated: saved in", "start: resuming the hibernated guest",
                "resumed: hibernated at"]

    def recorded():
        return os.path.exists(path) and len(markers(read_cast(path)[1])) >= len(expected)
    poll("the resume's markers in the recording (written within a second)", recorded, timeout=10)
    _, events = read_cast(path)
    labels = markers(events)
    assert len(labels) == len(expected) and all(map(str.startswith, labels, expected)), labels
    text = output_text(events)
    assert "OpenSBI" in text and "sleep 12345 & echo pid=$!" in text and f"pid={pid.decode()}" in text, text[-300:]
    assert "hibernate: the guest resumed in" in text, text[-300:]
    assert not [e for e in events if e[1] == "i"], "keys recorded without VM_RECORDING_INPUT=on"
    print(f"recording: {len(events)} events, {os.path.getsize(path)} bytes, markers {labels}")


def crash_after(binary, guest_dir):
    boot_write_hibernate(binary, guest_dir)
    resumed = start(binary, guest_dir)
    try:
        resumed.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
        shell(resumed, timeout=60)
        os.kill(resumed.qemu_pid, signal.SIGKILL)
        assert resumed.wait(timeout=60) != 0
    finally:
        resumed.kill()
    again = start(binary, guest_dir)
    try:
        line, seconds = assert_cold_with_note(again)
        print(f"QEMU killed after a resume: {line!r}; /mnt/note there; cold start-to-shell "
              f"{seconds:.1f} s")
        stop(again)
    finally:
        again.kill()


def interrupted_save(binary, guest_dir):
    first = start(binary, guest_dir)
    try:
        client, _ = shell(first)
        command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
        first.signal(signal.SIGTERM)
        first.wait_stderr(r"launcher: hibernate: pausing the guest and saving it")
        first.kill()
        # QEMU dies with the launcher (PR_SET_PDEATHSIG).
        poll("QEMU gone", lambda: process_gone(first.qemu_pid))
    finally:
        first.kill()
    check = subprocess.run(["qemu-img", "check", f"{guest_dir}/disk.img"], capture_output=True,
                           text=True)
    # 0: clean; 3: leaked clusters only (a savevm cut short), no damage.
    assert check.returncode in (0, 3), check.stdout + check.stderr
    again = start(binary, guest_dir)
    try:
        line, _ = assert_cold_with_note(again)
        print(f"save cut by SIGKILL: qemu-img check {check.returncode}; {line!r}; /mnt/note there")
        stop(again)
    finally:
        again.kill()


def settings_changed(binary, guest_dir):
    boot_write_hibernate(binary, guest_dir)
    changed = start(binary, guest_dir, VM_CPU_COUNT="4")
    try:
        line, _ = assert_cold_with_note(changed, cpus="4")
        assert line == ("launcher: cold boot: the hibernated state is discarded: snapshot made "
                        "with 2 CPUs, asked for 4"), line
        assert not os.path.exists(f"{guest_dir}/hibernate.conf")
        poll("snapshot deleted", lambda: "hibernate" not in snapshot_names(f"{guest_dir}/disk.img"))
        print(f"VM_CPU_COUNT=4 after a save with 2: {line!r}; 4 CPUs, /mnt/note there")
        stop(changed)
    finally:
        changed.kill()


def handover(binary, guest_dir):
    first = start(binary, guest_dir)
    second = None
    try:
        client, _ = shell(first)
        command(client, "echo ram-$((6 * 7)) > /ram-note")
        second = start(binary, guest_dir, wait_qemu=False)
        second.wait_stderr(r"launcher: \S+disk\.img is in use by another launcher \(its image "
                           r"lock\): waiting until it lets go")
        assert "QEMU started" not in second.stderr, second.stderr
        hibernate(first, guest_dir)
        second.wait_for_qemu()
        second.wait_stderr(r"launcher: \S+disk\.img is free after \d+ s: starting the VM")
        second.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
        client, _ = shell(second, timeout=60)
        assert b"\r\nram-42\r\n" in command(client, "cat /ram-note")
        print("second launcher on the same disk: waited for the first, then resumed its save")
        stop(second)
    finally:
        first.kill()
        if second:
            second.kill()


def refused(binary, guest_dir):
    boot_write_hibernate(binary, guest_dir)
    disk = f"{guest_dir}/disk.img"
    damage_vm_state(disk, "hibernate")
    launcher = start(binary, guest_dir)
    try:
        launcher.wait_stderr(r"launcher: hibernate: resuming the guest saved at ")
        line = launcher.wait_stderr(r"launcher: cold boot: [^\n]*").group(0)
        assert line.startswith("launcher: cold boot: QEMU could not load the hibernated state "
                               "(Not a migration stream"), line
        client, _ = shell(launcher)
        assert b"\r\nkept-42\r\n" in command(client, "cat /mnt/note")
        assert not os.path.exists(f"{guest_dir}/hibernate.conf")
        poll("snapshot deleted", lambda: "hibernate" not in snapshot_names(disk))
        print(f"damaged state: {line!r}; cold boot in the same run, /mnt/note there")
        stop(launcher)
    finally:
        launcher.kill()


def raw_disk(binary, guest_dir):
    disk = f"{guest_dir}/disk.img"
    subprocess.run(["qemu-img", "convert", "-O", "raw", disk, f"{disk}.raw"], check=True)
    os.replace(f"{disk}.raw", disk)
    launcher = start(binary, guest_dir)
    try:
        shell(launcher)
        launcher.signal(signal.SIGTERM)
        assert launcher.wait(timeout=120) == 0, launcher.stderr
        line = launcher.wait_stderr(r"launcher: hibernate: not possible \([^\n]*").group(0)
        assert line == (f"launcher: hibernate: not possible ({disk} is raw: the state is saved "
                        "inside a qcow2 disk): powering the guest off instead"), line
        launcher.wait_stderr(r"launcher: no guest agent: stopping QEMU")
        assert not os.path.exists(f"{guest_dir}/hibernate.conf")
        print(f"raw disk: {line!r}")
    finally:
        launcher.kill()


def main(binary, shared_guest_dir, case):
    cases = {"resume": resume, "crash_after": crash_after, "interrupted_save": interrupted_save,
             "settings_changed": settings_changed, "handover": handover, "refused": refused,
             "raw_disk": raw_disk}
    with PrivateGuest(shared_guest_dir) as guest_dir:
        cases[case](binary, guest_dir)


if __name__ == "__main__":
    main(*sys.argv[1:4])
