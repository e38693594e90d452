#!/usr/bin/env python3
"""passt gone while the guest boots (in a pod: its sandbox refused by the
seccomp profile): the launcher stops QEMU and exits non-zero, saying why,
instead of reporting a guest without a network as ready.

A stand-in for passt (this file, run as `test_passt_died.py passt --socket
PATH ...`) makes the socket QEMU connects to, then exits 1 with passt's own
words.

usage: test_passt_died.py LAUNCHER GUEST_DIR"""
import os
import socket
import sys
import time

PASST_WORDS = "Couldn't create user namespace: Operation not permitted"


def stand_in_passt(argv):
    """Listens where the launcher asked, takes QEMU's connection, then fails."""
    path = argv[argv.index("--socket") + 1]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(30)
    connection, _ = server.accept()
    time.sleep(0.5)
    print(PASST_WORDS, file=sys.stderr, flush=True)
    connection.close()
    sys.exit(1)


def run(binary, guest_dir):
    from qemu_riscv64_test.launcher import Launcher  # not needed as the stand-in, whose env is passt's
    env = {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "512", "VM_NETWORK": "passt",
           "VM_PASST": os.path.abspath(__file__), "VM_WARM_START": "off"}
    launcher = Launcher(binary, env)
    try:
        status = launcher.wait(timeout=60)
        assert status != 0, f"launcher exited {status} though passt died while the guest booted"
        launcher.wait_stderr(r"passt exited with status 1 while the guest was booting: stopping QEMU")
        launcher.wait_stderr(PASST_WORDS)
        assert "guest ready" not in launcher.stderr, "the guest was reported ready without its network"
        print(f"launcher exited {status} after passt died during the boot: ok")
    finally:
        launcher.kill()


def main(binary, shared_guest_dir):
    from qemu_riscv64_test.guest import PrivateGuest
    with PrivateGuest(shared_guest_dir) as guest_dir:
        run(binary, guest_dir)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--foreground":
        stand_in_passt(sys.argv)
    else:
        main(*sys.argv[1:3])
