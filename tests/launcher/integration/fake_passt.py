#!/usr/bin/env python3
"""A stand-in for passt that fails as passt does in a pod whose seccomp profile refuses its
sandbox: it makes the socket QEMU connects to (`--socket PATH`, as the launcher asks passt),
takes QEMU's connection, then exits 1 with passt's own words on stderr.

Run by the launcher as VM_PASST (test_passt_died.py), with passt's environment: the standard
library only.
"""
import socket
import sys
import time

PASST_WORDS = "Couldn't create user namespace: Operation not permitted"


def main(argv):
    path = argv[argv.index("--socket") + 1]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(30)
    connection, _ = server.accept()
    time.sleep(0.5)  # QEMU is connected: the guest boots a moment before passt is gone
    print(PASST_WORDS, file=sys.stderr, flush=True)
    connection.close()
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
