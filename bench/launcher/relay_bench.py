#!/usr/bin/env python3
"""CPU the launcher spends relaying guest output, per MiB, with 1, 4 and 16
telnet clients. A fake QEMU (tests/launcher/integration/fake_qemu.py, guest
"stream") is the serial source: each 'g' typed on the console makes it send
one block; the next block goes when every client has received the last one.
The launcher reports its own CPU time when it exits; a run without blocks is
the baseline subtracted. VM_READY_PATTERN matches the fake guest's first line,
so the relay is measured as for a guest that is up (before that, each chunk of
output is also searched for the pattern). The rows measure the relay alone
(VM_RECORDING_MAX=0); a last table adds the console's recording (asciicast,
the default 4 MiB parts) to the one-client row, against it off, in the same run.

usage: relay_bench.py LAUNCHER FAKE_QEMU [MIB] [CLIENT_COUNTS...]"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading

BLOCK = 64 * 1024
# Goals (issue "console speed at the floor"): CPU-ms per MiB for 1, 4 and 16 clients.
GOAL_MS_PER_MIB = {1: 2, 4: 2, 16: 5}
NEGOTIATION = 12  # bytes of telnet options before any output
READY = b"fake guest ready\r\n"


def recv_at_least(sock, size, have):
    while have < size:
        data = sock.recv(1 << 20)
        if not data:
            raise RuntimeError("client disconnected (dropped by the launcher?)")
        have += len(data)
    return have


def run(binary, fake_qemu, clients, blocks, recording=False):
    """Returns the launcher's CPU milliseconds for relaying `blocks` blocks."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, VM_DATA_DIR=data_dir, VM_QEMU=fake_qemu, VM_BIOS="none",
                   VM_KERNEL="", VM_TELNET_PORT="0", FAKE_GUEST="stream", FAKE_BLOCK=str(BLOCK),
                   VM_QEMU_ENV="FAKE_GUEST,FAKE_BLOCK", VM_READY_PATTERN="fake guest ready",
                   VM_RECORDING_MAX="4" if recording else "0")
        proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # stdout is a pipe drained by a reader, as kubectl logs would.
        drain = threading.Thread(target=lambda: proc.stdout.read(), daemon=True)
        drain.start()
        port = int(re.search(rb"127\.0\.0\.1:(\d+)", proc.stderr.readline()).group(1))
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(clients)]
        received = [recv_at_least(s, NEGOTIATION + len(READY), 0) for s in socks]
        for block in range(1, blocks + 1):
            socks[0].sendall(b"g")
            want = NEGOTIATION + len(READY) + block * BLOCK
            received = [recv_at_least(s, want, have) for s, have in zip(socks, received, strict=True)]
        socks[0].sendall(b"q")
        stderr = proc.stderr.read().decode()
        proc.wait()
        for s in socks:
            s.close()
        return float(re.search(r"launcher CPU ([\d.]+) ms", stderr).group(1))


def main(binary, fake_qemu, mib=64, *counts):
    mib = int(mib)
    counts = [int(c) for c in counts] or [1, 4, 16]
    blocks = mib * 1024 * 1024 // BLOCK
    print("| clients | MiB relayed | launcher CPU ms | baseline ms | CPU-ms per MiB | goal | holds |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for clients in counts:
        baseline = min(run(binary, fake_qemu, clients, 0) for _ in range(3))
        loaded = run(binary, fake_qemu, clients, blocks)
        per_mib = (loaded - baseline) / mib
        goal = GOAL_MS_PER_MIB.get(clients)
        held = "" if goal is None else "yes" if per_mib <= goal else "**no**"
        print(f"| {clients} | {mib} | {loaded:.1f} | {baseline:.1f} | {per_mib:.2f} | "
              f"{'' if goal is None else f'<= {goal}'} | {held} |", flush=True)
    print()
    print("| one client | CPU-ms per MiB | added by the recording |")
    print("|---|---:|---:|")
    per_mib = {}
    for recording in (False, True):
        baseline = min(run(binary, fake_qemu, 1, 0, recording) for _ in range(3))
        per_mib[recording] = (run(binary, fake_qemu, 1, blocks, recording) - baseline) / mib
    print(f"| recording off | {per_mib[False]:.2f} | |")
    print(f"| recording on (asciicast, 4 MiB parts) | {per_mib[True]:.2f} | "
          f"{per_mib[True] - per_mib[False]:.2f} |", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
