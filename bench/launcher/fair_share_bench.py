#!/usr/bin/env python3
"""Fair sharing of one machine's CPUs: a key typed into VM 1's shell through its
console (the WebSocket a browser uses) every 100 ms, timed to its echo, first
with VM 1 alone, then while VMs 2 and 3 boot cold again and again beside it
(each pair booted, run 12 s, stopped); same run. The busybox guest, 2 vCPUs and
2048 MiB each, every VM booted cold: a guest resumed from a snapshot of Debian
12's QEMU 7.2 (which leaves the RISC-V timers out) answers a key in 0.1-0.3 ms
where a booted one takes 4-5 ms, so VM 1 is booted too, as on the chart's QEMU.
Goal (issue "Fleet"): VM 1's echo under 50 ms while the others boot.

usage: fair_share_bench.py LAUNCHER CONSOLE GUEST_DIR [SECONDS]"""
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.console import start_console, wait_for_shell  # noqa: E402
from qemu_riscv64_test.console_session import ConsoleSession  # noqa: E402
from qemu_riscv64_test.launcher import start_launcher  # noqa: E402

GOAL_MS = 50
PAIR_LIFE_S = 12  # each pair of neighbours: a cold boot (about 8 s here), then its guests idle


def echo_times(session, seconds):
    """Milliseconds from each key sent to its echo, one key every 100 ms for `seconds`."""
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        since = len(session.output)
        started = time.monotonic()
        session.type("x")
        session.read_until(b"x", 30, since)
        samples.append((time.monotonic() - started) * 1000)
        time.sleep(0.1)
    session.type("\x03")  # the keys typed are dropped, not run
    return samples


def booting_neighbours(launcher, guest, stop):
    """Boots two more VMs cold, again and again, until `stop` is set; returns how many booted."""
    booted = 0
    while not stop.is_set():
        pair = [start_launcher(launcher, guest, {"VM_CPU_COUNT": "2", "VM_MEMORY": "2048",
                                                  "VM_WARM_START": "off"})[0] for _ in range(2)]
        booted += 2
        stop.wait(PAIR_LIFE_S)
        for neighbour in pair:
            neighbour.stop()
    return booted


def row(name, samples):
    ms = sorted(samples)
    at = lambda share: ms[min(len(ms) - 1, int(len(ms) * share))]  # noqa: E731
    return "| %s | %d | %.1f | %.1f | %.1f | %.1f | %d |" % (
        name, len(ms), statistics.median(ms), at(0.9), at(0.99), ms[-1], sum(x > GOAL_MS for x in ms))


def main():
    launcher, console, guest = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 40
    vm1, telnet_port = start_launcher(launcher, guest, {"VM_CPU_COUNT": "2", "VM_MEMORY": "2048",
                                                        "VM_WARM_START": "off"})
    front, port = start_console(console, telnet_port)
    try:
        session = ConsoleSession(port, origin="http://127.0.0.1:%d" % port)
        wait_for_shell(session)
        alone = echo_times(session, seconds)
        stop = threading.Event()
        booted = []
        neighbours = threading.Thread(target=lambda: booted.append(booting_neighbours(launcher, guest, stop)))
        neighbours.start()
        try:
            beside = echo_times(session, seconds)
        finally:
            stop.set()
            neighbours.join(120)
        session.close()
    finally:
        front.stop()
        vm1.stop()
    print("Keystroke echo in VM 1 through its console, one key every 100 ms for %.0f s each; %d cold boots" % (
        seconds, booted[0] if booted else 0))
    print("of VMs 2 and 3 during the second window. Goal: under %d ms while they boot.\n" % GOAL_MS)
    print("| VM 1 | keys | p50 ms | p90 ms | p99 ms | max ms | over %d ms |" % GOAL_MS)
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(row("alone", alone))
    print(row("VMs 2 and 3 booting beside it", beside))
    verdict = "held" if max(beside) < GOAL_MS else "NOT held"
    print("\nGoal %s: the slowest echo beside booting VMs took %.1f ms." % (verdict, max(beside)))


if __name__ == "__main__":
    main()
