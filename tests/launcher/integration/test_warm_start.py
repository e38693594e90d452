#!/usr/bin/env python3
"""Warm start with the busybox guest, whose data folder carries a snapshot of
it at its shell (data-images/make-snapshot.sh).

usage: test_warm_start.py LAUNCHER GUEST_DIR CASE
  resume        the launcher resumes the snapshot: the shell answers, the
                resume is on the console, the guest's clock is the host's and
                its name VM_HOSTNAME (the snapshot's was the image's), a
                sleep ends on each CPU (QEMU before 10.2 loses the timers at
                the load: the launcher re-arms them, and says so)
  no_rollback   a file written on /mnt, the launcher restarted on the same
                folder: it boots cold (the disk changed) and the file is there
  cpu_mismatch  VM_CPU_COUNT=4 against the 2-CPU snapshot boots cold and says why;
                the cold guest is named VM_HOSTNAME
  corrupt_state the snapshot's saved VM state damaged inside the disk (its
                metadata intact, so the launcher tries): QEMU refuses it, the
                launcher says why and boots cold in the same run
  missing_tag   warm-start.conf names a snapshot the disk does not hold: cold
                boot, saying so"""
import re
import signal
import struct
import subprocess
import sys
import time

from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, PrivateGuest, busybox_prompt
from qemu_riscv64_test.launcher import Launcher, status_reply, status_socket_path

COLD_BOOT_S = 600  # a hang guard for a cold boot under emulation on a loaded machine, not a measurement


def start(binary, guest_dir, **env):
    return Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "5", **env})


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=60)
    assert status == 0, f"launcher exit status {status}: {launcher.stderr}"


def command(client, line, prompt=PROMPT):
    """Types `line`, returns what the guest printed before the next `prompt`."""
    marker = f"done-{time.monotonic_ns()}"
    client.type(f"{line}; echo {marker[:5]}''{marker[5:]}\r")
    text = client.read_until(f"\r\n{marker}\r\n".encode() + prompt)
    return text[text.rindex(f"{line}; echo".encode()):]


def qemu_loses_timers():
    """Whether the host's QEMU is older than 10.2 (timer_rearmer.hpp)."""
    version = subprocess.run(["qemu-system-riscv64", "--version"], capture_output=True,
                             text=True, check=True).stdout
    major, minor = map(int, re.search(r"version (\d+)\.(\d+)", version).groups())
    return (major, minor) < (10, 2)


def assert_started(status, how):
    """The status socket says the guest is ready and how it started."""
    word, values = status_reply(status)
    assert (word, values.get("guest_start")) == ("ready", how), (word, values)
    assert 0 < float(values["guest_start_seconds"]) <= float(values["launcher_uptime_seconds"]), values
    assert float(values["qemu_cpu_seconds"]) > 0 and int(values["qemu_rss_bytes"]) > 0, values


def resume(binary, guest_dir):
    status = status_socket_path()
    launcher = start(binary, guest_dir, VM_STATUS_SOCKET=status, VM_HOSTNAME="vm-warm-1")
    try:
        launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
        if qemu_loses_timers():
            launcher.wait_stderr(r"launcher: warm start: timers re-armed on 2 CPUs")
        launcher.wait_stderr(r"launcher: warm start: resumed in [0-9.]+ s")
        assert "caution" not in launcher.stderr, launcher.stderr
        client = launcher.client()
        client.read_until(PROMPT)  # the snapshot's screen, the image's name in its prompt
        named = busybox_prompt("vm-warm-1")  # after the line the launcher typed
        assert b"uname -m" not in client.text()
        answer = command(client, "echo warm-$((6 * 7))", named)
        assert b"\r\nwarm-42\r\n" in answer, answer
        # The launcher typed the present time at the shell after the resume.
        answer = command(client, "date +%s", named)
        guest_now = int(re.search(rb"\r\n(\d{9,})\r\n", answer).group(1))
        assert abs(guest_now - time.time()) < 60, (guest_now, time.time())
        # ... its VM_HOSTNAME, where the snapshot's shell had the image's name, and the
        # machine-id the launcher typed (the node tier's fleet holds three apart).
        answer = command(client, "hostname; cat /etc/machine-id", named)
        assert re.search(rb"\r\nvm-warm-1\r\n[0-9a-f]{32}\r\n", answer), answer
        # Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would).
        for cpu in (0, 1):
            answer = command(client, f"busybox taskset -c {cpu} sleep 0.2 && echo slept-on-{cpu}",
                             named)
            assert f"\r\nslept-on-{cpu}\r\n".encode() in answer, answer
        # kubectl logs and late viewers see that the guest was resumed, and its screen.
        late = launcher.client()
        history = late.read_until(PROMPT)
        assert b"warm start: the guest resumed in" in history, history[:400]
        assert b"qemu-riscv64 busybox guest ready" in history
        assert b"warm start: the guest resumed in" in launcher.stdout
        assert_started(status, "warm")
        stop(launcher)
        print("resumed: the shell answers, its clock is the host's, its name VM_HOSTNAME, a sleep "
              "ends on each CPU, the resume is on the console")
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
        answer = answer_after_cold_boot(second, "cat /mnt/note")
        assert b"\r\nkept-42\r\n" in answer, answer
        print(f"restart on the same folder: {line!r}; the file written before is there")
    finally:
        second.kill()


def answer_after_cold_boot(launcher, text, prompt=PROMPT):
    """At the shell of a cold-booted guest: the answer to `text`; the launcher is then stopped."""
    client = launcher.client()
    client.read_until(prompt, timeout=COLD_BOOT_S)
    answer = command(client, text, prompt)
    stop(launcher)
    return answer


def cpu_mismatch(binary, guest_dir):
    launcher = start(binary, guest_dir, VM_CPU_COUNT="4", VM_HOSTNAME="vm-cold-4")
    try:
        launcher.wait_stderr(r"launcher: cold boot: snapshot made with 2 CPUs, asked for 4\n")
        answer = answer_after_cold_boot(launcher, "nproc; hostname; cat /etc/machine-id",
                                        busybox_prompt("vm-cold-4"))
        assert re.search(rb"\r\n4\r\nvm-cold-4\r\n[0-9a-f]{32}\r\n", answer), answer
        print("VM_CPU_COUNT=4: cold boot, 'snapshot made with 2 CPUs, asked for 4', 4 CPUs, "
              "named vm-cold-4 by systemd.hostname= on its kernel command line")
    finally:
        launcher.kill()


def vm_state_offset(disk, name):
    """Where the VM state of qcow2 snapshot `name` starts in the file: the
    snapshot's L1 entry just past the virtual disk, its first L2 entry."""
    with open(disk, "rb") as f:
        header = f.read(72)
        cluster_bits, virtual_bytes = struct.unpack_from(">IQ", header, 20)
        count, entry = struct.unpack_from(">IQ", header, 60)
        for _ in range(count):
            f.seek(entry)
            fixed = f.read(40)
            l1_offset, l1_size = struct.unpack_from(">QI", fixed, 0)
            id_size, name_size = struct.unpack_from(">HH", fixed, 12)
            (extra_size,) = struct.unpack_from(">I", fixed, 36)
            f.seek(entry + 40 + extra_size + id_size)
            found = f.read(name_size).decode()
            entry += (40 + extra_size + id_size + name_size + 7) // 8 * 8
            if found != name:
                continue
            # One L1 entry maps 2^(2 * cluster_bits - 3) bytes; the state follows the disk.
            index = -(-virtual_bytes // (1 << (2 * cluster_bits - 3)))
            assert index < l1_size, (index, l1_size)
            f.seek(l1_offset + 8 * index)
            (l2_entry,) = struct.unpack(">Q", f.read(8))
            f.seek(l2_entry & 0x00FFFFFFFFFFFE00)
            (data_entry,) = struct.unpack(">Q", f.read(8))
            return data_entry & 0x00FFFFFFFFFFFE00
    raise AssertionError(f"{disk} holds no snapshot {name!r}")


def damage_vm_state(disk, name):
    """Zeroes the stream magic of snapshot `name`'s VM state, its metadata left intact."""
    with open(disk, "r+b") as f:
        f.seek(vm_state_offset(disk, name))
        assert f.read(4) == b"QEVM", "the VM state does not start with QEMU's stream magic"
        f.seek(-4, 1)
        f.write(b"\0" * 8)


def corrupt_state(binary, guest_dir):
    damage_vm_state(f"{guest_dir}/disk.img", "warm")
    status = status_socket_path()
    launcher = start(binary, guest_dir, VM_STATUS_SOCKET=status)
    try:
        launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
        line = launcher.wait_stderr(r"launcher: cold boot: .*").group(0)
        assert "QEMU could not load snapshot 'warm' (Not a migration stream" in line, line
        client = launcher.client()
        client.read_until(b"qemu-riscv64 busybox guest ready", timeout=COLD_BOOT_S)
        client.read_until(PROMPT, timeout=60)
        answer = command(client, "echo cold-$((6 * 7))")
        assert b"\r\ncold-42\r\n" in answer, answer
        # The kernel booted from scratch, and no resume was announced.
        assert b"Linux version" in launcher.stdout
        assert b"warm start: the guest resumed" not in launcher.stdout
        assert "warm start: resumed in" not in launcher.stderr, launcher.stderr
        assert_started(status, "cold")  # the resume QEMU refused does not count
        stop(launcher)
        print(f"damaged VM state: {line!r}; the guest booted cold in the same run and answers")
    finally:
        launcher.kill()


def missing_tag(binary, guest_dir):
    manifest = f"{guest_dir}/warm-start.conf"
    with open(manifest) as f:
        text = f.read()
    with open(manifest, "w") as f:
        f.write(text.replace("SNAPSHOT='warm'", "SNAPSHOT='gone'"))
    launcher = start(binary, guest_dir)
    try:
        line = launcher.wait_stderr(r"launcher: cold boot: .*").group(0)
        assert line.endswith("holds no snapshot 'gone'"), line
        answer = answer_after_cold_boot(launcher, "echo cold-$((6 * 7))")
        assert b"\r\ncold-42\r\n" in answer, answer
        print(f"manifest naming a missing snapshot: {line!r}; cold boot")
    finally:
        launcher.kill()


def main(binary, shared_guest_dir, case):
    cases = {"resume": resume, "no_rollback": no_rollback, "cpu_mismatch": cpu_mismatch,
             "corrupt_state": corrupt_state, "missing_tag": missing_tag}
    with PrivateGuest(shared_guest_dir) as guest_dir:
        cases[case](binary, guest_dir)


if __name__ == "__main__":
    main(*sys.argv[1:4])
