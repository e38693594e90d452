#!/usr/bin/env python3
"""Hibernate against cold boot of the same written disk, same run. Each round,
on a fresh copy of the guest (2 CPUs, 2048 MiB): boot, reach a shell (log in,
for Debian), write a file and `sync` (the disk then differs from the image's
snapshot: no warm start), SIGTERM with hibernate on (timed: the launcher's
"saved in" figure and the wall time to its exit; the state's size), start
again (must resume; timed to the answer of a first command), SIGTERM (saves
again, not counted), then start with VM_HIBERNATE=off: the saved state is
discarded and the written disk boots cold (timed the same way).

usage: hibernate_bench.py LAUNCHER GUEST_DIR busybox|debian [ROUNDS]"""
import os
import re
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.guest import PrivateGuest  # noqa: E402
from qemu_riscv64_test.launcher import Launcher  # noqa: E402

PROMPTS = {"busybox": b"root@riscv-busybox:~# ", "debian": b"root@riscv-debian:~# "}
# What follows a command's last output line: Debian's bash turns bracketed paste back on first.
AFTER_OUTPUT = {"busybox": PROMPTS["busybox"], "debian": b"\x1b[?2004h" + PROMPTS["debian"]}
# A folder on the guest's disk (busybox runs from RAM and mounts its disk on /mnt).
DISK_DIRS = {"busybox": "/mnt", "debian": "/root"}
SAVE_GUARD_S = 300  # VM_SHUTDOWN_TIMEOUT: a hang guard for the save or power-off, not a measurement
BOOT_GUARD_S = 900  # a hang guard for a cold boot under emulation on a loaded machine
GOAL_S, GOAL_RATIO = 5.0, 0.1  # issue 20: Debian resumed answers within 5 s, at most 0.1x its cold boot


def start(binary, data_dir, hibernate, **env):
    return Launcher(binary, {"VM_DATA_DIR": data_dir, "VM_HIBERNATE": "on" if hibernate else "off",
                             "VM_CPU_COUNT": "2", "VM_MEMORY": "2048",
                             "VM_SHUTDOWN_TIMEOUT": str(SAVE_GUARD_S), **env})


def how_started(launcher):
    """"resumed", "warm" or "cold" and the launcher's line saying so."""
    found = launcher.wait_stderr(r"launcher: (hibernate: resumed in|warm start: resumed in|cold boot:)[^\n]*",
                                 timeout=BOOT_GUARD_S)
    kind = {"hibernate": "resumed", "warm start": "warm", "cold boot": "cold"}[found.group(1).split(":")[0]]
    return kind, found.group(0)


def command(client, kind, line, timeout=120):
    """Types `line` at the shell; returns what came back up to the next prompt."""
    before = len(client.text())
    marker = f"done-{time.monotonic_ns()}"
    client.type(f"{line}; echo {marker[:5]}''{marker[5:]}\r")
    text = client.read_until(f"{marker}\r\n".encode() + AFTER_OUTPUT[kind], timeout)
    return text[before:]


def shell(launcher, kind, login):
    """A client at the shell (logged in first when `login`) once a first command
    answered, and the seconds from the launcher's start to that answer."""
    try:
        return reach_shell(launcher, kind, login)
    except AssertionError as error:
        raise AssertionError(f"{error}\nthe launcher's stderr:\n{launcher.stderr}") from error


def reach_shell(launcher, kind, login):
    client = launcher.client()
    if login and kind == "debian":
        client.read_until(b"login: ", timeout=BOOT_GUARD_S)
        client.type("root\r")
        client.read_until(b"Password: ", timeout=300)
        client.type("riscv\r")
        client.read_until(PROMPTS[kind], timeout=300)
    elif login:
        client.read_until(PROMPTS[kind], timeout=BOOT_GUARD_S)
    command(client, kind, "true", timeout=BOOT_GUARD_S)
    return client, time.monotonic() - launcher.started


def hibernate(launcher):
    """SIGTERM with hibernate on: (launcher's save s, SIGTERM-to-exit s, MiB of state)."""
    signaled = time.monotonic()
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=SAVE_GUARD_S + 60)
    wall = time.monotonic() - signaled
    if status != 0:
        raise AssertionError(f"launcher exit status {status}: {launcher.stderr}")
    saved = launcher.wait_stderr(r"launcher: hibernate: saved in ([0-9.]+) s \((\d+) MiB of VM state")
    return float(saved.group(1)), wall, int(saved.group(2))


def power_off(launcher):
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=SAVE_GUARD_S + 60)
    if status != 0:
        raise AssertionError(f"launcher exit status {status}: {launcher.stderr}")


def one_round(binary, guest_dir, kind):
    with PrivateGuest(guest_dir) as data_dir:
        launcher = start(binary, data_dir, True)
        try:
            client, _ = shell(launcher, kind, login=True)
            command(client, kind, f"echo written-$((6 * 7)) > {DISK_DIRS[kind]}/bench-note && sync")
            save_s, exit_s, mib = hibernate(launcher)
        finally:
            launcher.kill()
        launcher = start(binary, data_dir, True)
        try:
            started_as, line = how_started(launcher)
            if started_as != "resumed":
                raise AssertionError(f"no resume after the save: {line}")
            resumed_in = float(re.search(r"resumed in ([0-9.]+) s", line).group(1))
            _, resume_s = shell(launcher, kind, login=False)
            hibernate(launcher)
        finally:
            launcher.kill()
        launcher = start(binary, data_dir, False)
        try:
            started_as, line = how_started(launcher)
            if started_as != "cold":
                raise AssertionError(f"expected a cold boot of the written disk: {line}")
            client, cold_s = shell(launcher, kind, login=True)
            answer = command(client, kind, f"cat {DISK_DIRS[kind]}/bench-note")
            if b"written-42\r\n" not in answer:
                raise AssertionError(f"the written file is not on the disk: {answer!r}")
            power_off(launcher)
        finally:
            launcher.kill()
    result = {"save": save_s, "exit": exit_s, "mib": mib, "resumed_in": resumed_in, "resume": resume_s,
              "cold": cold_s}
    print(f"hibernate_bench: {kind} round: {result}", file=sys.stderr, flush=True)
    return result


def row(name, values, digits=1, unit=""):
    runs = ", ".join(f"{v:.{digits}f}{unit}" for v in values)
    return f"| {name} | {statistics.median(values):.{digits}f}{unit} | {runs} |"


def main(binary, guest_dir, kind, rounds=2):
    results = [one_round(binary, guest_dir, kind) for _ in range(int(rounds))]
    column = {key: [r[key] for r in results] for key in results[0]}
    ratios = [r["resume"] / r["cold"] for r in results]
    answer = "logged in, first command answered" if kind == "debian" else "first command answered"
    print(f"| {kind} | median | runs |")
    print("|---|---:|---|")
    print(row("SIGTERM to saved: the launcher's `saved in` s", column["save"]))
    print(row("SIGTERM to the launcher's exit s", column["exit"]))
    print(row("VM state saved MiB", column["mib"], 0))
    print(row("the launcher's `hibernate: resumed in` s", column["resumed_in"]))
    print(row("start to the shell's first answer, resumed s", column["resume"]))
    print(row(f"start to {answer}, cold boot of the same disk s", column["cold"]))
    print(row("resumed / cold", ratios, 2, "x"))
    if kind == "debian":
        resume, ratio = statistics.median(column["resume"]), statistics.median(ratios)
        met = resume <= GOAL_S and ratio <= GOAL_RATIO
        print(f"\nGoal (issue 20): answers within {GOAL_S:.0f} s of its start after hibernate and at most "
              f"{GOAL_RATIO}x its cold boot: {'met' if met else 'NOT met'} "
              f"(median {resume:.1f} s, {ratio:.2f}x).")


if __name__ == "__main__":
    main(*sys.argv[1:])
