#!/usr/bin/env python3
"""Types COMMAND into the guest's shell through the console's WebSocket and
waits for a line reading exactly EXPECTED (not the echo of the command).

    shell_check.py PORT COMMAND EXPECTED
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pylib"))
from qemu_riscv64_test.console import wait_for_shell  # noqa: E402
from qemu_riscv64_test.console_session import ConsoleSession  # noqa: E402


def main():
    port, command, expected = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    session = ConsoleSession(port)
    wait_for_shell(session)
    mark = len(session.output)
    session.type(command + "\r")
    # An answer line, past terminal escapes: "\r\n42\r\n" (the echo reads "echo $((6*7))").
    answer = re.compile(rb"\n" + re.escape(expected.encode()) + rb"\r?\n")
    deadline = time.monotonic() + 60
    while not answer.search(bytes(session.output[mark:])):
        if time.monotonic() > deadline:
            print("shell_check: no line %r in %r" % (expected, bytes(session.output[mark:])[-400:]))
            return 1
        session.ws.sock.settimeout(max(0.1, deadline - time.monotonic()))
        session.read_message()
    session.close()
    print("shell_check: %r answered %r through ws://127.0.0.1:%d/ws" % (command, expected, port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
