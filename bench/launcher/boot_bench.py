#!/usr/bin/env python3
"""Seconds from start to the busybox guest's shell prompt: through the
launcher (prompt seen by a telnet client) beside a bare qemu-system-riscv64
boot of the same guest (prompt seen on its stdio), alternated, same run.

usage: boot_bench.py LAUNCHER GUEST_DIR [ROUNDS]"""
import os
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pylib"))
from qemu_riscv64_test.guest import PrivateGuest  # noqa: E402
from qemu_riscv64_test.launcher import Launcher  # noqa: E402

PROMPT = b"root@riscv-busybox:~# "
BIOS = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"


def launcher_boot(binary, guest_dir):
    # Cold against cold: warm start has its own benchmark (warm_bench.py).
    launcher = Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_WARM_START": "off"})
    try:
        launcher.client().read_until(PROMPT)
        seconds = time.monotonic() - launcher.started
        launcher.signal(signal.SIGTERM)
        launcher.wait(timeout=60)
        return seconds
    finally:
        launcher.kill()


def disk_format(guest_dir):
    with open(f"{guest_dir}/disk.img", "rb") as disk:
        return "qcow2" if disk.read(4) == b"QFI\xfb" else "raw"


def bare_boot(guest_dir):
    """The same guest, CPUs and memory as the launcher's defaults, serial on stdio."""
    argv = ["qemu-system-riscv64", "-machine", "virt", "-cpu", "rv64", "-smp", "2", "-m", "2048",
            "-nographic", "-bios", BIOS, "-kernel", f"{guest_dir}/Image",
            "-initrd", f"{guest_dir}/initrd.gz", "-append", "console=ttyS0 rdinit=/init",
            "-drive", f"file={guest_dir}/disk.img,format={disk_format(guest_dir)},if=virtio"]
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        seen = b""
        while PROMPT not in seen:
            data = proc.stdout.read1(65536)
            if not data:
                raise RuntimeError("bare QEMU ended before the prompt")
            seen = seen[-4096:] + data
        return time.monotonic() - started
    finally:
        proc.kill()
        proc.wait()


def main(binary, guest_dir, rounds=3):
    launcher_times, bare_times = [], []
    with PrivateGuest(guest_dir) as private:
        for _ in range(int(rounds)):
            bare_times.append(bare_boot(private))
            launcher_times.append(launcher_boot(binary, private))
    print("| boot to shell prompt | median s | runs s |")
    print("|---|---:|---|")
    for name, times in (("bare qemu-system-riscv64", bare_times), ("launcher", launcher_times)):
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {name} | {statistics.median(times):.2f} | {runs} |")
    ratio = statistics.median(launcher_times) / statistics.median(bare_times)
    print(f"| ratio launcher / bare (medians) | {ratio:.2f}x | |")


if __name__ == "__main__":
    main(*sys.argv[1:])
