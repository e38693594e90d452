"""Hibernate with the busybox guest (no guest agent) on a private copy of its data folder and
the host's QEMU: SIGTERM saves the running guest into its qcow2 disk, the next start resumes
it; anything else boots cold from an intact disk, saying why. Seconds and sizes are printed,
never asserted.

    run-pytest.sh test_hibernate.py --launcher BIN --guest DIR

test_resume            a cold boot (timed), then `sleep 12345 &` and a file in the RAM root;
                       SIGTERM saves (timed, state size); the next start resumes (timed): the
                       same process, the file, uptime on, the saved state gone from the folder
                       and the disk; the console's recording holds both runs, with a marker at
                       each step
test_crash_after       a resumed guest's QEMU killed (kill -9): the next start boots cold and a
                       file written to the disk before is there
test_interrupted_save  the launcher killed (SIGKILL) while it saves: the next start boots cold,
                       the disk passes `qemu-img check`, the file is there
test_settings_changed  VM_CPU_COUNT=4 after a save with 2: cold boot, the reason line, 4 CPUs,
                       the file there, the snapshot deleted
test_handover          a second launcher on the same folder waits for the disk while the first
                       runs, then resumes what the first saved
test_refused           the saved VM state damaged inside the disk: QEMU refuses it, the launcher
                       says so, the guest boots cold in the same run with the file there, and
                       the snapshot is deleted
test_raw_disk          a raw disk cannot hold the state: SIGTERM powers the guest off instead,
                       in one line, and nothing is saved
"""
import os
import re
import signal
import subprocess
import time

import pytest

from guest_snapshots import COLD_BOOT_S, check_started, command, damage_vm_state, qemu_loses_timers, snapshot_names
from qemu_riscv64_test.asciicast import markers, output_text, read_cast
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT
from qemu_riscv64_test.processes import check, process_gone, wait_until

SAVE_GUARD_S = 300  # VM_SHUTDOWN_TIMEOUT: a hang guard for the save, not a measurement
RECORDING_MARKERS = ["start: cold boot", "hibernated: saved in", "start: resuming the hibernated guest",
                     "resumed: hibernated at"]


@pytest.fixture
def start_busybox(launcher_process, busybox_dir):
    """Starts the launcher with VM_HIBERNATE=on on the test's copy of the busybox guest:
    start_busybox(wait_qemu=True, **env) -> Launcher."""
    def start(wait_qemu=True, **env):
        return launcher_process({"VM_DATA_DIR": busybox_dir, "VM_HIBERNATE": "on",
                                 "VM_SHUTDOWN_TIMEOUT": str(SAVE_GUARD_S), **env}, wait_qemu=wait_qemu)

    return start


def shell(launcher, timeout=COLD_BOOT_S):
    """A telnet client at the guest's shell, and the seconds since the launcher started."""
    client = launcher.client()
    client.read_until(PROMPT, timeout=timeout)
    command(client, "true")
    return client, time.monotonic() - launcher.started


def hibernate(launcher, guest_dir):
    """SIGTERM: the launcher saves the guest and exits 0; returns (seconds, MiB)."""
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=SAVE_GUARD_S + 60)
    check(status == 0, f"launcher exit status {status}: {launcher.stderr}")
    saved = launcher.wait_stderr(r"launcher: hibernate: saved in ([0-9.]+) s \((\d+) MiB of VM "
                                 r"state in [^)]*\); the next start resumes it")
    check(os.path.exists(f"{guest_dir}/hibernate.conf"), launcher.stderr)
    check("hibernate" in snapshot_names(f"{guest_dir}/disk.img"), "no snapshot 'hibernate' in the disk")
    return float(saved.group(1)), int(saved.group(2))


def boot_write_hibernate(start_busybox, guest_dir):
    """A guest that wrote /mnt/note to its disk, then hibernated."""
    first = start_busybox()
    client, _ = shell(first)
    command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
    hibernate(first, guest_dir)


def check_cold_with_note(launcher, cpus="2"):
    """A cold boot (no resume) whose disk still has /mnt/note; returns its line and the
    start-to-shell seconds."""
    line = launcher.wait_stderr(r"launcher: cold boot: [^\n]*").group(0)
    client, seconds = shell(launcher)
    answer = command(client, "cat /mnt/note; nproc")
    check(f"\r\nkept-42\r\n{cpus}\r\n".encode() in answer, answer)
    check("hibernate: resuming" not in launcher.stderr, launcher.stderr)
    return line, seconds


def uptime(client):
    answer = command(client, "cut -d' ' -f1 /proc/uptime")
    return float(re.search(rb"\r\n([0-9.]+)\r\n", answer).group(1))


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    launcher.wait(timeout=SAVE_GUARD_S + 60)


def check_recording(guest_dir, pid):
    """The console's recording, one file across both runs: the cold boot's output, the
    keys' echo but no "i" events, and the markers in the order things happened."""
    path = f"{guest_dir}/recordings/console.cast"

    def recorded():
        return os.path.exists(path) and len(markers(read_cast(path)[1])) >= len(RECORDING_MARKERS)
    wait_until("the resume's markers in the recording (written within a second)", recorded, timeout=10)
    _, events = read_cast(path)
    labels = markers(events)
    check(len(labels) == len(RECORDING_MARKERS) and all(map(str.startswith, labels, RECORDING_MARKERS)),
          labels)
    text = output_text(events)
    check("OpenSBI" in text and "sleep 12345 & echo pid=$!" in text and f"pid={pid}" in text, text[-300:])
    check("hibernate: the guest resumed in" in text, text[-300:])
    check(not [e for e in events if e[1] == "i"], "keys recorded without VM_RECORDING_INPUT=on")
    print(f"recording: {len(events)} events, {os.path.getsize(path)} bytes, markers {labels}")


def check_resumed(client, guest_dir, pid, uptime_before):
    """The resumed guest: timers on each CPU, the process `pid` alive, the RAM file there, its
    uptime on, the saved state used once; returns its uptime."""
    # Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would).
    for cpu in (0, 1):
        answer = command(client, f"busybox taskset -c {cpu} sleep 0.2 && echo slept-on-{cpu}")
        check(f"\r\nslept-on-{cpu}\r\n".encode() in answer, answer)
    answer = command(client, f"kill -0 {pid} && echo alive")
    check(b"\r\nalive\r\n" in answer, answer)
    answer = command(client, "cat /ram-note")
    check(b"\r\nram-42\r\n" in answer, answer)
    uptime_after = uptime(client)
    check(uptime_after >= uptime_before, f"uptime {uptime_before} before the save, {uptime_after} after")
    # Used at most once: gone before the guest ran again.
    check(not os.path.exists(f"{guest_dir}/hibernate.conf"), "hibernate.conf is still there")
    check("hibernate" not in snapshot_names(f"{guest_dir}/disk.img"), "the snapshot is still in the disk")
    return uptime_after


def test_resume(start_busybox, busybox_dir, status_socket):
    cold = start_busybox(VM_WARM_START="off")
    client, cold_s = shell(cold)
    # Short lines: a line past the terminal's width comes back wrapped.
    pid = re.search(rb"pid=(\d+)", command(client, "sleep 12345 & echo pid=$!")).group(1).decode()
    command(client, "echo ram-$((6 * 7)) > /ram-note")
    uptime_before = uptime(client)
    save_s, state_mib = hibernate(cold, busybox_dir)
    warm = start_busybox(VM_STATUS_SOCKET=status_socket)
    warm.wait_stderr(r"launcher: hibernate: resuming the guest saved at ")
    if qemu_loses_timers():
        warm.wait_stderr(r"launcher: hibernate: timers re-armed on 2 CPUs")
    warm.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
    warm.wait_stderr(r"launcher: hibernate: the guest has no guest agent: its clock is")
    client, resume_s = shell(warm, timeout=60)
    uptime_after = check_resumed(client, busybox_dir, pid, uptime_before)
    check(b"hibernate: the guest resumed in" in warm.stdout, warm.stdout[-400:])
    check_started(status_socket, "hibernate")
    check_recording(busybox_dir, pid)
    print(f"resumed: pid {pid} alive, /ram-note there, uptime {uptime_before:.1f} -> {uptime_after:.1f} s")
    print(f"measured: stop-to-saved {save_s:.1f} s, {state_mib} MiB of VM state; "
          f"start-to-shell {resume_s:.1f} s after a hibernate, {cold_s:.1f} s cold")
    stop(warm)


def test_crash_after(start_busybox, busybox_dir):
    boot_write_hibernate(start_busybox, busybox_dir)
    resumed = start_busybox()
    resumed.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
    shell(resumed, timeout=60)
    os.kill(resumed.qemu_pid, signal.SIGKILL)
    status = resumed.wait(timeout=60)
    check(status != 0, f"the launcher exited {status} after its QEMU was killed")
    again = start_busybox()
    line, seconds = check_cold_with_note(again)
    print(f"QEMU killed after a resume: {line!r}; /mnt/note there; cold start-to-shell {seconds:.1f} s")
    stop(again)


def test_interrupted_save(start_busybox, busybox_dir):
    first = start_busybox()
    client, _ = shell(first)
    command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
    first.signal(signal.SIGTERM)
    first.wait_stderr(r"launcher: hibernate: pausing the guest and saving it")
    first.kill()
    # QEMU dies with the launcher (PR_SET_PDEATHSIG).
    wait_until("QEMU gone", lambda: process_gone(first.qemu_pid))
    disk_check = subprocess.run(["qemu-img", "check", f"{busybox_dir}/disk.img"], capture_output=True,
                                text=True)
    # 0: clean; 3: leaked clusters only (a savevm cut short), no damage.
    check(disk_check.returncode in (0, 3), disk_check.stdout + disk_check.stderr)
    again = start_busybox()
    line, _ = check_cold_with_note(again)
    print(f"save cut by SIGKILL: qemu-img check {disk_check.returncode}; {line!r}; /mnt/note there")
    stop(again)


def test_settings_changed(start_busybox, busybox_dir):
    boot_write_hibernate(start_busybox, busybox_dir)
    changed = start_busybox(VM_CPU_COUNT="4")
    line, _ = check_cold_with_note(changed, cpus="4")
    check(line == ("launcher: cold boot: the hibernated state is discarded: snapshot made "
                   "with 2 CPUs, asked for 4"), line)
    check(not os.path.exists(f"{busybox_dir}/hibernate.conf"), "hibernate.conf is still there")
    wait_until("snapshot deleted", lambda: "hibernate" not in snapshot_names(f"{busybox_dir}/disk.img"))
    print(f"VM_CPU_COUNT=4 after a save with 2: {line!r}; 4 CPUs, /mnt/note there")
    stop(changed)


def test_handover(start_busybox, busybox_dir):
    first = start_busybox()
    client, _ = shell(first)
    command(client, "echo ram-$((6 * 7)) > /ram-note")
    second = start_busybox(wait_qemu=False)
    second.wait_stderr(r"launcher: \S+disk\.img is in use by another launcher \(its image "
                       r"lock\): waiting until it lets go")
    check("QEMU started" not in second.stderr, second.stderr)
    hibernate(first, busybox_dir)
    second.wait_for_qemu()
    second.wait_stderr(r"launcher: \S+disk\.img is free after \d+ s: starting the VM")
    second.wait_stderr(r"launcher: hibernate: resumed in [0-9.]+ s")
    client, _ = shell(second, timeout=60)
    answer = command(client, "cat /ram-note")
    check(b"\r\nram-42\r\n" in answer, answer)
    print("second launcher on the same disk: waited for the first, then resumed its save")
    stop(second)


def test_refused(start_busybox, busybox_dir):
    boot_write_hibernate(start_busybox, busybox_dir)
    disk = f"{busybox_dir}/disk.img"
    damage_vm_state(disk, "hibernate")
    launcher = start_busybox()
    launcher.wait_stderr(r"launcher: hibernate: resuming the guest saved at ")
    line = launcher.wait_stderr(r"launcher: cold boot: [^\n]*").group(0)
    check(line.startswith("launcher: cold boot: QEMU could not load the hibernated state "
                          "(Not a migration stream"), line)
    client, _ = shell(launcher)
    answer = command(client, "cat /mnt/note")
    check(b"\r\nkept-42\r\n" in answer, answer)
    check(not os.path.exists(f"{busybox_dir}/hibernate.conf"), "hibernate.conf is still there")
    wait_until("snapshot deleted", lambda: "hibernate" not in snapshot_names(disk))
    print(f"damaged state: {line!r}; cold boot in the same run, /mnt/note there")
    stop(launcher)


def test_raw_disk(start_busybox, busybox_dir):
    disk = f"{busybox_dir}/disk.img"
    subprocess.run(["qemu-img", "convert", "-O", "raw", disk, f"{disk}.raw"], check=True)
    os.replace(f"{disk}.raw", disk)
    launcher = start_busybox()
    shell(launcher)
    launcher.signal(signal.SIGTERM)
    check(launcher.wait(timeout=120) == 0, launcher.stderr)
    line = launcher.wait_stderr(r"launcher: hibernate: not possible \([^\n]*").group(0)
    check(line == (f"launcher: hibernate: not possible ({disk} is raw: the state is saved "
                   "inside a qcow2 disk): powering the guest off instead"), line)
    launcher.wait_stderr(r"launcher: no guest agent: stopping QEMU")
    check(not os.path.exists(f"{busybox_dir}/hibernate.conf"), "hibernate.conf is still there")
    print(f"raw disk: {line!r}")
