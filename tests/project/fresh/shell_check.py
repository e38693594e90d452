#!/usr/bin/env python3
"""Types COMMAND into the guest's shell through the console's WebSocket and
waits for a line reading exactly EXPECTED (not the echo of the command).

    shell_check.py PORT COMMAND EXPECTED
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pylib"))
from qemu_riscv64_test.console import wait_for_shell  # noqa: E402
from qemu_riscv64_test.console_session import ConsoleSession  # noqa: E402


def main():
    port, command, expected = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    session = ConsoleSession(port)
    wait_for_shell(session)
    mark = len(session.output)
    session.type(command + "\r")
    # An answer line, past terminal escapes: "\r\n42\r\n".
    answer = re.compile(rb"[\r\n]" + re.escape(expected.encode()) + rb"\r?\n")
    session.read_until(b"\n" + expected.encode(), timeout=60)
    lines = bytes(session.output[mark:])
    session.close()
    if not answer.search(lines):
        print("shell_check: no line %r in %r" % (expected, lines[-400:]))
        return 1
    print("shell_check: %r answered %r through ws://127.0.0.1:%d/ws" % (command, expected, port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
