#!/usr/bin/env python3
"""Warm start against cold boot of the same guest, same run: seconds from the
launcher's start to the guest's prompt, and to the answer of a first command
(after logging in, for Debian). Rounds alternate cold (VM_WARM_START=off) and
warm (the data folder's snapshot), each on a fresh copy of the guest.

usage: warm_bench.py LAUNCHER GUEST_DIR busybox|debian [ROUNDS]"""
import os
import signal
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.guest import PrivateGuest  # noqa: E402
from qemu_riscv64_test.launcher import Launcher  # noqa: E402

BUSYBOX_PROMPT = b"root@riscv-busybox:~# "


def first_answer(client, kind):
    """Logs in where needed, runs one command, returns when it answered."""
    if kind == "debian":
        client.type("root\r")
        client.read_until(b"Password: ", timeout=300)
        client.type("riscv\r")
        client.read_until(b"# ", timeout=300)
    client.type("echo answer-$((6 * 7))\r")
    client.read_until(b"answer-42\r\n", timeout=300)


def one_boot(binary, guest_dir, kind, warm):
    with PrivateGuest(guest_dir) as private:
        launcher = Launcher(binary, {"VM_DATA_DIR": private, "VM_SHUTDOWN_TIMEOUT": "5",
                                     "VM_WARM_START": "auto" if warm else "off"})
        try:
            # A warm round counts only if the snapshot really loaded (no cold fallback).
            expected = "warm start: resumed in" if warm else "cold boot"
            launcher.wait_stderr(expected, timeout=300)
            client = launcher.client()
            client.read_until(b"login: " if kind == "debian" else BUSYBOX_PROMPT, timeout=900)
            prompt = time.monotonic() - launcher.started
            first_answer(client, kind)
            answer = time.monotonic() - launcher.started
            launcher.signal(signal.SIGTERM)
            launcher.wait(timeout=120)
            return prompt, answer
        finally:
            launcher.kill()


def main(binary, guest_dir, kind, rounds=2):
    times = {False: [], True: []}
    for _ in range(int(rounds)):
        for warm in (False, True):
            times[warm].append(one_boot(binary, guest_dir, kind, warm))
    prompt_name = "`login:`" if kind == "debian" else "shell prompt"
    answer_name = "logged in, first command answered" if kind == "debian" else "first command answered"
    print(f"| {kind} | cold median s | warm median s | warm / cold | cold runs s | warm runs s |")
    print("|---|---:|---:|---:|---|---|")
    for index, name in ((0, prompt_name), (1, answer_name)):
        cold = [t[index] for t in times[False]]
        warm = [t[index] for t in times[True]]
        ratio = statistics.median(warm) / statistics.median(cold)
        print(f"| {name} | {statistics.median(cold):.1f} | {statistics.median(warm):.1f} "
              f"| {ratio:.2f}x | {', '.join(f'{t:.1f}' for t in cold)} "
              f"| {', '.join(f'{t:.1f}' for t in warm)} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
