#!/usr/bin/env python3
"""What the launcher adds to a keystroke's echo: a telnet client types one
lowercase letter at a time into the launcher, whose fake QEMU
(tests/launcher/integration/fake_qemu.py, guest "echo") sends each back on its
serial socket; the floor is the same echo from a process of its own over one
TCP socket, no launcher between. Goal: the launcher adds at most 30 us at the median.

usage: latency_bench.py LAUNCHER FAKE_QEMU [KEYSTROKES]"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

READY = b"fake guest ready\r\n"
GOAL_ADDED_P50_US = 30
KEYS = b"abcdefghijklmnoprstuvwxyz"  # what the fake guest echoes; 'q' stops it


def echo_times(sock, count):
    """Microseconds from each key sent to its echo read, sorted."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = []
    for i in range(count):
        key = KEYS[i % len(KEYS)]
        start = time.perf_counter_ns()
        sock.sendall(bytes([key]))
        while sock.recv(4096)[-1] != key:
            pass
        samples.append((time.perf_counter_ns() - start) / 1000)
    return sorted(samples)


def serve_echo():
    """The floor's echo server, a process of its own as the fake guest is: prints its port, then sends
    back each letter it reads on one connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while data := conn.recv(65536):
        conn.sendall(bytes(k for k in data if k in KEYS))


def floor(count):
    """The echo straight over TCP to a process that sends back each letter, as the fake guest does."""
    server = subprocess.Popen([sys.executable, __file__, "--serve-echo"], stdout=subprocess.PIPE)
    try:
        with socket.create_connection(("127.0.0.1", int(server.stdout.readline()))) as sock:
            return echo_times(sock, count)
    finally:
        server.wait(30)


def through_launcher(binary, fake_qemu, count):
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, VM_DATA_DIR=data_dir, VM_QEMU=fake_qemu, VM_BIOS="none", VM_KERNEL="",
                   VM_TELNET_PORT="0", FAKE_GUEST="echo", VM_QEMU_ENV="FAKE_GUEST")
        proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            port = int(re.search(rb"127\.0\.0\.1:(\d+)", proc.stderr.readline()).group(1))
            # The launcher's stderr keeps flowing: drained, so it never blocks on a full pipe.
            threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
            with socket.create_connection(("127.0.0.1", port)) as sock:
                seen = b""
                while READY not in seen:
                    seen += sock.recv(4096)
                samples = echo_times(sock, count)
                sock.sendall(b"q")
            proc.wait(30)
        finally:
            proc.kill()
        return samples


def main(binary, fake_qemu, count=3000):
    count = int(count)
    direct = floor(count)
    relayed = through_launcher(binary, fake_qemu, count)

    def at(samples, share):
        return samples[int(len(samples) * share)]

    added = at(relayed, 0.5) - at(direct, 0.5)
    print("| path | echo p50 us | echo p99 us |")
    print("|---|---:|---:|")
    print(f"| direct TCP echo (floor) | {at(direct, 0.5):.0f} | {at(direct, 0.99):.0f} |")
    print(f"| telnet -> launcher -> serial socket -> fake guest and back | {at(relayed, 0.5):.0f} | "
          f"{at(relayed, 0.99):.0f} |")
    print()
    print(f"The launcher adds {added:.0f} us at the median ({at(relayed, 0.99) - at(direct, 0.99):.0f} at p99), "
          f"{count} keystrokes each; goal: at most {GOAL_ADDED_P50_US} us at the median: "
          f"{'holds' if added <= GOAL_ADDED_P50_US else 'NOT held'}.")


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve-echo"]:
        serve_echo()
    else:
        main(*sys.argv[1:])
