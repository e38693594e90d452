"""Integration: /metrics in the Prometheus text format, read by prometheus-client's parser.

    run-pytest.sh test_metrics.py --console BIN --launcher BIN --guest DIR

test_metrics_guest           the real launcher on the busybox guest: once /readyz says ready and a
                             WebSocket client has typed, /metrics parses and says the guest is ready,
                             booted cold, QEMU's CPU time and RSS, one viewer, bytes both ways; with
                             --auth it needs no credentials at a local Host and asks at another
test_metrics_hostile_status  fake status sockets: a good reply with a name the console does not know,
                             then malformed, oversized and silent ones: /metrics still answers and
                             parses, launcher_up 0 and no guest state; no socket at all likewise

The parser is prometheus-client's (pinned in tests/pylib/requirements.txt, in the
test venv; the `parse` fixture of tests/console/conftest.py); it is first checked to
refuse a malformed exposition, so that a broken /metrics fails here.
"""
import time

from qemu_riscv64_test.console import wait_for_shell
from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.launcher import FakeStatus
from qemu_riscv64_test.processes import check
from qemu_riscv64_test.prometheus import Scrape
from qemu_riscv64_test.websocket import basic_auth, http_get


def test_metrics_guest(parse, busybox_launcher, console_server, tmp_path):
    status = str(tmp_path / "status.sock")
    launcher, telnet_port = busybox_launcher({"VM_STATUS_SOCKET": status})
    _, port = console_server(telnet_port, "--status", status, "--auth", "admin:pa55")
    early = Scrape(parse, port)
    check(early.value("launcher_up") == 1, "the launcher answers while the guest boots")
    deadline = time.monotonic() + 240
    while http_get(port, "/readyz")[0] != 200:
        check(time.monotonic() < deadline, "the guest never became ready:\n" + launcher.text()[-800:])
        time.sleep(0.3)
    session = ConsoleSession(port, headers={"Authorization": basic_auth("admin:pa55")})
    wait_for_shell(session)
    session.type("echo metrics-$((6*7))\r")
    session.read_until(b"metrics-42", timeout=30)

    scrape = Scrape(parse, port)
    print(scrape.text)
    check(scrape.value("guest_state", state="ready") == 1, "the guest is ready")
    check(scrape.value("guest_state", state="booting") == 0, "not booting")
    check(scrape.value("guest_state", state="unready") == 0, "not unready")
    check(scrape.value("guest_start", start="cold") == 1, "the busybox guest boots cold here")
    check(scrape.value("guest_start", start="warm") == 0, "not warm")
    check(0 < scrape.value("guest_start_seconds") < 240, "boot seconds")
    check(scrape.value("qemu_cpu_seconds_total") > 0.5, "QEMU used CPU booting the guest")
    check(scrape.value("qemu_resident_memory_bytes") > 16 * 1024 * 1024, "QEMU's RSS")
    check(scrape.value("launcher_uptime_seconds") >= scrape.value("guest_start_seconds"), "uptime")
    check(scrape.value("console_sessions") == 1, "one viewer")
    check(scrape.value("console_sessions_opened_total") >= 1, "sessions opened")
    check(scrape.value("console_sent_bytes_total") > 100, "bytes to browsers")
    check(scrape.value("console_received_bytes_total") >= len("0echo metrics-$((6*7))\r"), "bytes from browsers")
    check(scrape.value("launcher_telnet_clients") >= 1, "the viewer's telnet connection")
    for counter in ("console_sessions_stalled_total", "launcher_telnet_clients_dropped_total",
                    "launcher_stdout_dropped_bytes_total"):
        check(scrape.value(counter) == 0, counter + " stays 0")
    check(scrape.value("qemu_cpu_seconds_total") >= early.value("qemu_cpu_seconds_total"), "CPU time grows")
    session.close()
    deadline = time.monotonic() + 10
    while Scrape(parse, port).value("console_sessions") != 0:
        check(time.monotonic() < deadline, "the closed session is still counted")
        time.sleep(0.2)
    # Like /readyz: open at this machine's names, credentials elsewhere.
    check(http_get(port, "/metrics", host_header="203.0.113.10:8080")[0] == 401,
          "/metrics at a foreign Host is 401")
    Scrape(parse, port, host="203.0.113.10:8080", headers={"Authorization": basic_auth("admin:pa55")})
    print("ok: /metrics parsed; ready, cold, CPU %.1f s, RSS %d MiB, viewers counted"
          % (scrape.value("qemu_cpu_seconds_total"), scrape.value("qemu_resident_memory_bytes") // 2**20))


def test_metrics_hostile_status(parse, telnet_peer, console_server, tmp_path):
    _, telnet_port = telnet_peer()
    path = str(tmp_path / "status.sock")
    _, port = console_server(telnet_port, "--status", path)
    scrape = Scrape(parse, port)  # nobody listens yet
    check(scrape.value("launcher_up") == 0, "no launcher: launcher_up 0")
    check(scrape.value("guest_state", state="ready") == 0, "no launcher: not ready")
    check(not scrape.has("qemu_cpu_seconds_total"), "no launcher: no QEMU values")
    good = b"unready\nqemu_cpu_seconds 3.250\nqemu_rss_bytes 1000\nguest_start hibernate\nnew_thing 7\n"
    fake = FakeStatus(path, good)
    scrape = Scrape(parse, port)
    check(scrape.value("launcher_up") == 1, "a good reply: launcher_up 1")
    check(scrape.value("guest_state", state="unready") == 1, "unready")
    check(scrape.value("guest_start", start="hibernate") == 1, "hibernate")
    check(scrape.value("qemu_cpu_seconds_total") == 3.25, "CPU seconds passed on")
    check(http_get(port, "/readyz")[0] == 503, "unready is 503")
    fake.close()
    hostile = [
        b"ready",                                       # no newline
        b"ready\nqemu_cpu_seconds -1\n",                # negative
        b"ready\nqemu_cpu_seconds 1e308\n",             # not plain digits
        b"ready\nqemu_rss_bytes 99999999999999999999999\n",  # out of range
        b"ready\nqemu_rss_bytes 1\nqemu_rss_bytes 2\n",  # twice
        b"ready\nguest_start sideways\n",
        b'ready\nqemu_rss_bytes 1} 2\n',
        b"ready\nBad-Name 1\n",
        b"ready\n\n",
        b"ready\x00\n",
        b"READY\n",
        b"ready\n" + b"x 1\n" * 2000,                   # over 4 KiB
        bytes(range(256)) * 64,
        None,                                           # silent
    ]
    for reply in hostile:
        fake = FakeStatus(path, reply)
        scrape = Scrape(parse, port)
        shown = reply and reply[:60]
        check(scrape.value("launcher_up") == 0,
              "a malformed reply must give launcher_up 0: %r\n%s" % (shown, scrape.text))
        check(scrape.value("guest_state", state="ready") == 0, "not ready after %r" % shown)
        check(not scrape.has("qemu_resident_memory_bytes"), "values from a malformed reply")
        fake.close()
    check(http_get(port, "/healthz")[0] == 200, "the console still runs")
    print("ok: %d malformed replies each gave launcher_up 0 and a parseable /metrics" % len(hostile))
