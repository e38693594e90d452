#!/usr/bin/env python3
"""CPU the launcher spends relaying guest output, per MiB, with 1, 4 and 16
telnet clients. A fake QEMU (tests/launcher/integration/fake_qemu.py, guest
"stream") is the serial source: each 'g' typed on the console makes it send
one block; the next block goes when every client has received the last one.
The launcher reports its own CPU time when it exits; a run without blocks is
the baseline subtracted.

usage: relay_bench.py LAUNCHER FAKE_QEMU [MIB] [CLIENT_COUNTS...]"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading

BLOCK = 64 * 1024
NEGOTIATION = 12  # bytes of telnet options before any output
READY = b"fake guest ready\r\n"


def recv_at_least(sock, size, have):
    while have < size:
        data = sock.recv(1 << 20)
        if not data:
            raise RuntimeError("client disconnected (dropped by the launcher?)")
        have += len(data)
    return have


def run(binary, fake_qemu, clients, blocks):
    """Returns the launcher's CPU milliseconds for relaying `blocks` blocks."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, VM_DATA_DIR=data_dir, VM_QEMU=fake_qemu, VM_BIOS="none",
                   VM_KERNEL="", VM_TELNET_PORT="0", FAKE_GUEST="stream", FAKE_BLOCK=str(BLOCK),
                   VM_QEMU_ENV="FAKE_GUEST,FAKE_BLOCK")
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
    print("| clients | MiB relayed | launcher CPU ms | baseline ms | CPU-ms per MiB |")
    print("|---:|---:|---:|---:|---:|")
    for clients in counts:
        baseline = min(run(binary, fake_qemu, clients, 0) for _ in range(3))
        loaded = run(binary, fake_qemu, clients, blocks)
        per_mib = (loaded - baseline) / mib
        print(f"| {clients} | {mib} | {loaded:.1f} | {baseline:.1f} | {per_mib:.2f} |", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
