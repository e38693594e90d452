#!/usr/bin/env python3
"""Integration: the console's /recording.cast, the launcher's recording of the serial console.

    test_recording.py --console BIN --launcher BIN --guest DIR

The real launcher boots a private copy of the busybox guest with VM_RECORDING_SOCKET, and
the console serves it with --recording and --auth. A command typed through the WebSocket is
in the download at once (the launcher writes what it holds before it sends); the download is
a chunked asciicast v2 attachment that a strict reader takes (tests/pylib asciicast.py), the
launcher's file as it was (a prefix of it now), with the marker of the guest's start. Without
credentials 401; HEAD the headers alone; a console without --recording answers 404, one whose
launcher socket is gone 503, each saying why.
"""
import argparse
import http.client
import os
import sys
import tempfile

from qemu_riscv64_test.asciicast import markers, output_text, read_cast
from qemu_riscv64_test.console import start_console, wait_for_shell
from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.websocket import basic_auth, http_get

CREDENTIALS = "admin:pa55"
AUTH = {"Authorization": basic_auth(CREDENTIALS)}


def download(port, method="GET", headers=AUTH):
    """(status, headers, body) of /recording.cast, chunked transfer decoded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, "/recording.cast", headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--console", "--launcher", "--guest"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="recording-test-")
    socket_path = os.path.join(folder, "recording.sock")
    launcher, telnet_port = start_launcher(args.launcher, args.guest, {"VM_RECORDING_SOCKET": socket_path})
    launcher.folders.append(folder)
    guest_dir = launcher.folders[1]
    consoles = []
    try:
        console, port = start_console(args.console, telnet_port, "--recording", socket_path, "--auth", CREDENTIALS)
        consoles.append(console)
        session = ConsoleSession(port, headers=AUTH)
        wait_for_shell(session)
        session.type("echo recorded-$((6*7))\r")
        session.read_until(b"recorded-42", timeout=30)

        status, headers, body = download(port)
        check(status == 200, f"/recording.cast answers 200, not {status}: {body[:200]!r}")
        check(headers.get("Content-Type") == "application/x-asciicast"
              and headers.get("Content-Disposition") == 'attachment; filename="vm.cast"'
              and headers.get("Transfer-Encoding") == "chunked",
              f"an asciicast attachment, sent in chunks: {headers}")
        saved = os.path.join(folder, "downloaded.cast")
        with open(saved, "wb") as f:
            f.write(body)
        header, events = read_cast(saved)
        text = output_text(events)
        check("recorded-42" in text, "what was typed a moment ago is in the download: " + text[-200:])
        check(any(label.startswith("start: ") for label in markers(events)),
              f"the guest's start is marked: {markers(events)}")
        with open(os.path.join(guest_dir, "recordings", "console.cast"), "rb") as f:
            check(f.read().startswith(body), "the download is the launcher's file as it was")
        print(f"ok: {len(body)} bytes, {len(events)} events, markers {markers(events)}, since {header['timestamp']}")

        check(download(port, headers={})[0] == 401, "without credentials: 401")
        status, headers, body = download(port, "HEAD")
        check(status == 200 and body == b"", f"HEAD: the headers alone ({status}, {len(body)} bytes)")

        plain, plain_port = start_console(args.console, telnet_port)
        consoles.append(plain)
        status, _, body = http_get(plain_port, "/recording.cast")
        check(status == 404 and b"without --recording" in body, f"no --recording: 404 saying so ({status} {body!r})")
        missing, missing_port = start_console(args.console, telnet_port, "--recording",
                                              os.path.join(folder, "absent.sock"))
        consoles.append(missing)
        status, _, body = http_get(missing_port, "/recording.cast")
        check(status == 503 and b"does not answer" in body, f"no launcher socket: 503 saying so ({status} {body!r})")
        print("ok: 401 without credentials, HEAD, 404 without --recording, 503 without the launcher's socket")
    finally:
        for console in consoles:
            console.stop()
        launcher.stop()


if __name__ == "__main__":
    sys.exit(main())
