"""Integration: the console's /recording.cast, the launcher's recording of the serial console.

    run-pytest.sh test_recording.py --console BIN --launcher BIN --guest DIR

test_recording  the real launcher boots a private copy of the busybox guest with
                VM_RECORDING_SOCKET, and the console serves it with --recording and --auth.
                A command typed through the WebSocket is in the download at once (the
                launcher writes what it holds before it sends); the download is a chunked
                asciicast v2 attachment that a strict reader takes (tests/pylib asciicast.py),
                the launcher's file as it was (a prefix of it now), with the marker of the
                guest's start. Without credentials 401; HEAD the headers alone; a console
                without --recording answers 404, one whose launcher socket is gone 503, each
                saying why.
"""
import http.client
import os

from qemu_riscv64_test.asciicast import markers, output_text, read_cast
from qemu_riscv64_test.console import wait_for_shell
from qemu_riscv64_test.console_session import ConsoleSession
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


def type_into_guest(port):
    """Waits for the guest's shell through a session and runs a command whose answer is recorded."""
    session = ConsoleSession(port, headers=AUTH)
    wait_for_shell(session)
    session.type("echo recorded-$((6*7))\r")
    session.read_until(b"recorded-42", timeout=30)


def check_download(port, saved, launcher_file):
    """The download: an asciicast attachment in chunks, what was typed and the start marker in it,
    the launcher's file as it was."""
    status, headers, body = download(port)
    check(status == 200, f"/recording.cast answers 200, not {status}: {body[:200]!r}")
    check(headers.get("Content-Type") == "application/x-asciicast"
          and headers.get("Content-Disposition") == 'attachment; filename="vm.cast"'
          and headers.get("Transfer-Encoding") == "chunked",
          f"an asciicast attachment, sent in chunks: {headers}")
    saved.write_bytes(body)
    header, events = read_cast(str(saved))
    text = output_text(events)
    check("recorded-42" in text, "what was typed a moment ago is in the download: " + text[-200:])
    check(any(label.startswith("start: ") for label in markers(events)),
          f"the guest's start is marked: {markers(events)}")
    with open(launcher_file, "rb") as f:
        check(f.read().startswith(body), "the download is the launcher's file as it was")
    print(f"ok: {len(body)} bytes, {len(events)} events, markers {markers(events)}, since {header['timestamp']}")


def test_recording(busybox_launcher, console_server, tmp_path):
    socket_path = str(tmp_path / "recording.sock")
    launcher, telnet_port = busybox_launcher({"VM_RECORDING_SOCKET": socket_path})
    private_guest = launcher.folders[1]  # the copy of the guest it boots
    _, port = console_server(telnet_port, "--recording", socket_path, "--auth", CREDENTIALS)
    type_into_guest(port)
    check_download(port, tmp_path / "downloaded.cast", os.path.join(private_guest, "recordings", "console.cast"))

    check(download(port, headers={})[0] == 401, "without credentials: 401")
    status, headers, body = download(port, "HEAD")
    check(status == 200 and body == b"", f"HEAD: the headers alone ({status}, {len(body)} bytes)")

    _, plain_port = console_server(telnet_port)
    status, _, body = http_get(plain_port, "/recording.cast")
    check(status == 404 and b"without --recording" in body, f"no --recording: 404 saying so ({status} {body!r})")
    _, missing_port = console_server(telnet_port, "--recording", str(tmp_path / "absent.sock"))
    status, _, body = http_get(missing_port, "/recording.cast")
    check(status == 503 and b"does not answer" in body, f"no launcher socket: 503 saying so ({status} {body!r})")
    print("ok: 401 without credentials, HEAD, 404 without --recording, 503 without the launcher's socket")
