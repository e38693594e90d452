#!/usr/bin/env python3
"""Hibernation's reliability: CYCLES stop/start cycles of one Debian VM on one
data folder (a copy of the guest; 2 CPUs, 2048 MiB, VM_HIBERNATE=on). Each
cycle starts the launcher (every cycle after the first must resume; a cold
boot is a failure), writes a new file of random bytes (as hex) through the
console and `sync`s, checks the guest's sha256sum against the one computed
here, and SIGTERMs (hibernate). Then one start with VM_HIBERNATE=off boots the
disk cold (the last state discarded), `sha256sum`s every file and powers off
on SIGTERM; the disk passes `qemu-img check`, is converted to a raw file for
`e2fsck -f -n` (the image is a bare ext4 filesystem: root=/dev/vda), and each
file is read back from it with `debugfs` and checked again. Prints a markdown
report; exits 1 on any failure.

usage: hibernate_cycles.py LAUNCHER DEBIAN_GUEST_DIR [CYCLES]"""
import hashlib
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

from hibernate_bench import PrivateGuest, command, hibernate, how_started, power_off, shell, start

KIND = "debian"
CHUNK = 128  # hex characters typed per command: short lines through the serial console


def write_file(client, path):
    """A new file of 256 random bytes (as 512 hex characters) at `path`, synced; returns its content."""
    content = secrets.token_hex(256)
    for offset in range(0, len(content), CHUNK):
        command(client, KIND, f"printf %s {content[offset:offset + CHUNK]} >> {path}")
    command(client, KIND, "sync")
    return content


def guest_sums(client, paths):
    """{path: sha256} as the guest's sha256sum prints it for `paths` (a glob too)."""
    answer = command(client, KIND, f"sha256sum {paths}").decode(errors="replace")
    return dict((path, digest) for digest, path in re.findall(r"([0-9a-f]{64})  (\S+)\r\n", answer))


def one_cycle(binary, data_dir, number, sums):
    launcher = start(binary, data_dir, True)
    try:
        started_as, line = how_started(launcher)
        resumed_in = re.search(r"hibernate: resumed in ([0-9.]+) s", line)
        client, shell_s = shell(launcher, KIND, login=started_as != "resumed")
        path = f"/root/cycle-{number:02d}"
        sums[path] = hashlib.sha256(write_file(client, path).encode()).hexdigest()
        guest_ok = guest_sums(client, path).get(path) == sums[path]
        save_s, exit_s, mib = hibernate(launcher)
    finally:
        launcher.kill()
    return {"cycle": number, "started": started_as, "line": line, "guest_ok": guest_ok,
            "resumed_in": float(resumed_in.group(1)) if resumed_in else None, "shell": shell_s,
            "save": save_s, "exit": exit_s, "mib": mib}


def final_cold_boot(binary, data_dir, sums):
    """Boots the disk cold, returns (its start line, {path: sha256 in the guest}, power-off s)."""
    launcher = start(binary, data_dir, False)
    try:
        _, line = how_started(launcher)
        client, _ = shell(launcher, KIND, login=True)
        found = guest_sums(client, "/root/cycle-*")
        signaled = time.monotonic()
        power_off(launcher)
        return line, found, time.monotonic() - signaled
    finally:
        launcher.kill()


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True)


def check_disk(disk):
    """`qemu-img check`, then `e2fsck -f -n` and debugfs on a raw copy: (report lines, {path: sha256}, ok)."""
    lines, ok = [], True
    check = run(["qemu-img", "check", disk])
    lines += [f"$ qemu-img check {os.path.basename(disk)}   (exit status {check.returncode})",
              (check.stdout + check.stderr).strip()]
    ok &= check.returncode == 0
    with tempfile.TemporaryDirectory(prefix="hibernate-cycles-") as scratch:
        raw = os.path.join(scratch, "disk.raw")
        subprocess.run(["qemu-img", "convert", "-O", "raw", disk, raw], check=True)
        fsck = run(["e2fsck", "-f", "-n", raw])
        lines += ["", f"$ qemu-img convert -O raw {os.path.basename(disk)} disk.raw && e2fsck -f -n disk.raw"
                  f"   (exit status {fsck.returncode})", (fsck.stdout + fsck.stderr).strip()]
        ok &= fsck.returncode == 0
        files = run(["debugfs", "-R", "ls -l /root", raw]).stdout
        names = sorted(set(re.findall(r"\b(cycle-\d\d)\b", files)))
        sums = {}
        for name in names:
            data = subprocess.run(["debugfs", "-R", f"cat /root/{name}", raw], capture_output=True,
                                  check=True).stdout
            sums[f"/root/{name}"] = hashlib.sha256(data).hexdigest()
    return lines, sums, ok


def median(values):
    return f"{statistics.median(values):.1f}" if values else "-"


def main(binary, guest_dir, cycles=20):
    failures = []
    sums = {}
    with PrivateGuest(guest_dir) as data_dir:
        began = time.monotonic()
        results = []
        for number in range(1, int(cycles) + 1):
            result = one_cycle(binary, data_dir, number, sums)
            results.append(result)
            print(f"hibernate_cycles: {result}", file=sys.stderr, flush=True)
            if number > 1 and result["started"] != "resumed":
                failures.append(f"cycle {number} did not resume: {result['line']}")
            if not result["guest_ok"]:
                failures.append(f"cycle {number}: the guest's sha256sum of its new file differs")
        cycles_s = time.monotonic() - began
        line, cold_sums, off_s = final_cold_boot(binary, data_dir, sums)
        disk_lines, disk_sums, disk_ok = check_disk(os.path.join(data_dir, "disk.img"))
        total_s = time.monotonic() - began
    if not disk_ok:
        failures.append("qemu-img check or e2fsck found errors (below)")
    cold_good = sum(cold_sums.get(path) == digest for path, digest in sums.items())
    disk_good = sum(disk_sums.get(path) == digest for path, digest in sums.items())
    for path, digest in sums.items():
        if cold_sums.get(path) != digest:
            failures.append(f"{path}: sha256 in the cold-booted guest {cold_sums.get(path)}, written {digest}")
        if disk_sums.get(path) != digest:
            failures.append(f"{path}: sha256 read with debugfs {disk_sums.get(path)}, written {digest}")

    print("| cycle | started as | launcher's `resumed in` s | start to shell s | save: `saved in` s "
          "| SIGTERM to exit s | state MiB | guest sha256 |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        resumed_in = f"{r['resumed_in']:.1f}" if r["resumed_in"] is not None else "-"
        print(f"| {r['cycle']} | {r['started']} | {resumed_in} | {r['shell']:.1f} | {r['save']:.1f} "
              f"| {r['exit']:.1f} | {r['mib']} | {'ok' if r['guest_ok'] else 'DIFFERS'} |")
    later = results[1:]
    resumed = [r for r in later if r["started"] == "resumed"]
    print(f"\nCycles 2-{len(results)}: {len(resumed)} of {len(later)} resumed; medians: launcher's "
          f"`resumed in` {median([r['resumed_in'] for r in resumed])} s, start to shell "
          f"{median([r['shell'] for r in resumed])} s; all {len(results)} saves: `saved in` "
          f"{median([r['save'] for r in results])} s, SIGTERM to exit {median([r['exit'] for r in results])} s, "
          f"{statistics.median([r['mib'] for r in results]):.0f} MiB. Cycles took {cycles_s:.0f} s, "
          f"everything {total_s:.0f} s.")
    print(f"\nFinal start with VM_HIBERNATE=off: `{line}`; the guest's sha256sum matched {cold_good} of "
          f"{len(sums)} files; powered off in {off_s:.1f} s after SIGTERM. Read back from the disk with "
          f"debugfs: {disk_good} of {len(sums)} match.\n")
    print("```")
    print("\n".join(disk_lines))
    print("```")
    print("\nResult: " + ("PASS" if not failures else "FAIL\n\n" + "\n".join(f"- {f}" for f in failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
