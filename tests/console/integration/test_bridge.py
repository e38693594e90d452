#!/usr/bin/env python3
"""Integration: the console bridging WebSocket clients to the QEMU-like telnet peer.

    test_bridge.py --console build/bin/console CASE
"""
import contextlib
import json
import re
import resource
import socket
import subprocess
import sys
import time

from qemu_riscv64_test.console import case_arguments, start_console, start_peer
from qemu_riscv64_test.console_session import OP, ConsoleSession
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT
from qemu_riscv64_test.processes import check, check_accept_backs_off
from qemu_riscv64_test.websocket import (OP_BINARY, OP_PING, OP_PONG, OP_TEXT, ConnectionClosed, HandshakeError,
                                         http_get, raw_request, upgrade_lines)
from qemu_riscv64_test.websocket import basic_auth as authorization

CASES = {}
CONSOLE = None


def case(function):
    CASES[function.__name__] = function
    return function


@contextlib.contextmanager
def bridge(peer_flags=(), console_flags=(), env=None):
    """Yields (peer process, console process, console port)."""
    peer, peer_port = start_peer(*peer_flags)
    try:
        console, port = start_console(CONSOLE, peer_port, *console_flags, env=env)
        try:
            yield peer, console, port
        finally:
            console.stop()
    finally:
        peer.stop()


def refused(port, **options):
    """The HTTP status a refused WebSocket handshake got (None: accepted)."""
    try:
        ConsoleSession(port, **options).close()
    except HandshakeError as error:
        return error.status
    return None


def echo_works(session, text):
    session.type(text)
    session.read_until(text, timeout=30)
    return True


@case
def handshake_and_title(_):
    with bridge(console_flags=["--title", "bridge test ✓"]) as (_, _, port):
        session = ConsoleSession(port)
        opcode, _ = session.read_message()
        check(opcode == OP["server_title"], "first frame is the title, got opcode %r" % opcode)
        check(session.title == "bridge test ✓", "title %r" % session.title)
        check(echo_works(session, "hello"), "echo")


@case
def bytes_round_trip(_):
    with bridge() as (_, _, port):
        session = ConsoleSession(port)
        every_byte = bytes(range(256)) * 8
        session.type(every_byte)
        output = session.read_until(every_byte[-16:], timeout=30)
        check(output == every_byte, "0x00-0xFF came back changed: %r" % output[:64])


@case
def read_until_since(_):
    """The tests' own prompt wait: output before `since` never counts, and a
    prompt that arrives in two messages is found only once it is whole."""
    with bridge() as (_, _, port):
        session = ConsoleSession(port)
        session.type(PROMPT)
        session.read_until(PROMPT, timeout=30)
        mark = len(session.output)
        try:
            session.read_until(PROMPT, timeout=1, since=mark)
            raise AssertionError("read_until found a prompt printed before `since`")
        except TimeoutError:
            pass
        half = len(PROMPT) // 2
        session.type(PROMPT[:half])
        session.read_until(PROMPT[:half], timeout=30, since=mark)
        check(session.output.find(PROMPT, mark) < 0, "half a prompt read as a whole one")
        session.type(PROMPT[half:])
        output = session.read_until(PROMPT, timeout=30, since=mark)
        check(output[mark:] == PROMPT, "after `since`: %r" % output[mark:])


@case
def text_frames_accepted(_):
    with bridge() as (_, _, port):
        session = ConsoleSession(port)
        session.ws.send_frame(OP_TEXT, b"0typed as text")
        session.read_until("typed as text", timeout=30)


@case
def utf8_split(_):
    with bridge() as (_, _, port):
        session = ConsoleSession(port)
        text = "é✓🙂 done".encode()
        for byte in text:  # one byte per frame: every character split across reads
            session.type(bytes([byte]))
        kinds = set()
        while text not in session.output:
            opcode, payload = session.ws.recv()
            kinds.add(opcode)
            if payload[0] == OP["server_output"]:
                session.output += payload[1:]
        check(bytes(session.output) == text, "UTF-8 changed: %r" % bytes(session.output))
        check(kinds == {OP_BINARY}, "frames other than binary: %r" % kinds)


@case
def foreign_origin_403(_):
    with bridge() as (_, _, port):
        check(refused(port, origin="http://evil.example") == 403, "foreign Origin not refused with 403")
        check(refused(port, origin="http://127.0.0.1:%d" % port) is None, "same-host Origin refused")
        check(refused(port) is None, "a client without Origin refused")
    with bridge(console_flags=["--allow-origin", r"https://console\.example\.org"]) as (_, _, port):
        check(refused(port, origin="https://console.example.org") is None, "--allow-origin ignored")
        check(refused(port, origin="http://evil.example") == 403, "foreign Origin accepted")


@case
def basic_auth(_):
    good = {"Authorization": authorization("admin:pa55:word")}
    wrong = {"Authorization": authorization("admin:nope")}
    for flags, env in ((["--auth", "admin:pa55:word"], None), ([], {"CONSOLE_AUTH": "admin:pa55:word"})):
        with bridge(console_flags=flags, env=env) as (_, _, port):
            check(refused(port) == 401, "/ws without credentials not 401")
            check(refused(port, headers=wrong) == 401, "/ws with wrong credentials not 401")
            status, head, _ = http_get(port, "/")
            check(status == 401 and "WWW-Authenticate: Basic" in head, "page without credentials: %d" % status)
            check(http_get(port, "/assets/xterm.js")[0] == 401, "asset without credentials served")
            check(http_get(port, "/", headers=good)[0] == 200, "page with credentials refused")
            check(http_get(port, "/healthz")[0] == 200, "probe needs credentials")
            check(echo_works(ConsoleSession(port, headers=good), "authorized"), "echo with credentials")


@case
def read_only_drops_input(_):
    with bridge(peer_flags=["--log-input"]) as (peer, _, writable_port):
        viewer_console, viewer_port = start_console(CONSOLE, int(peer.wait_for(r"PORT (\d+)").group(1)),
                                                    "--read-only")
        try:
            viewer = ConsoleSession(viewer_port)
            viewer.read_message()  # title
            viewer.read_message()
            check(viewer.read_only, "no read-only notice")
            viewer.type("dropped-keys")
            viewer.resize(99, 33)
            # A writable session's echo proves the peer has read what reached it by then.
            writer = ConsoleSession(writable_port)
            check(echo_works(writer, "kept-keys"), "writable echo")
            log = peer.text()
            check("kept-keys".encode().hex() in log, "peer never saw the writable input")
            check("dropped-keys".encode().hex() not in log, "read-only input reached the VM")
        finally:
            viewer_console.stop()


@case
def slow_reader_closed(_):
    flood = 64 * 1024 * 1024
    with bridge(peer_flags=["--flood-bytes", str(flood)], console_flags=["--stall-timeout", "2"]) as (
            _, console, port):
        stuck = ConsoleSession(port, receive_buffer=4096)
        stuck.type(b"\x06")  # the peer floods this session; it never reads
        console.wait_for(r"browser stopped reading", timeout=90)
        other = ConsoleSession(port)
        check(echo_works(other, "still-working"), "the other session stalled")
        stuck.read_until_closed(timeout=60)
        check(len(stuck.output) < flood, "the stuck session was not cut off")
        check(echo_works(other, "and-after"), "the other session broke after the close")


def closes_with(port, frame_kind, payload):
    session = ConsoleSession(port)
    session.ws.send_frame(frame_kind, payload)
    return session.read_until_closed(timeout=30)


@case
def malformed_frames(_):
    with bridge() as (_, _, port):
        bystander = ConsoleSession(port)
        check(closes_with(port, OP_TEXT, b"\xff\xfe") == 1007, "invalid UTF-8 in a text frame not closed with 1007")
        check(closes_with(port, OP_BINARY, b"9unknown") == 1008, "unknown opcode not closed with 1008")
        check(closes_with(port, OP_BINARY, b"") == 1008, "empty frame not closed with 1008")
        check(closes_with(port, OP_BINARY, b"1\x00") == 1008, "short resize not closed with 1008")
        check(closes_with(port, OP_BINARY, b"1\x00\x00\x00\x00") == 1008, "zero resize not closed")
        check(echo_works(bystander, "unharmed"), "a bad frame hurt another session")


@case
def oversized_frame(_):
    with bridge() as (_, _, port):
        bystander = ConsoleSession(port)
        # Just over the limit, so the whole frame is sent before the server answers.
        code = closes_with(port, OP_BINARY, b"0" + b"x" * (64 * 1024 + 100))
        check(code == 1009, "oversized frame: close code %r" % code)
        check(echo_works(bystander, "unharmed"), "an oversized frame hurt another session")


@case
def max_sessions(_):
    with bridge(console_flags=["--max-sessions", "2"]) as (_, _, port):
        first, second = ConsoleSession(port), ConsoleSession(port)
        check(refused(port) == 503, "a third session was accepted")
        check(echo_works(first, "one") and echo_works(second, "two"), "echo")
        first.close()
        second.read_until("two")
        for _ in range(200):  # the slot frees once the server has seen the close
            if refused(port) is None:
                return
        raise AssertionError("the closed session's slot was never given back")


@case
def http_routes(_):
    with bridge() as (_, _, port):
        check(http_get(port, "/healthz")[0] == 200, "/healthz")
        check(http_get(port, "/readyz")[0] == 200, "/readyz with the peer up")
        status, head, body = http_get(port, "/")
        check(status == 200 and "text/html" in head and b"xterm" in body, "page")
        for target in ("/../../etc/passwd", "/assets/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
            status, _, body = http_get(port, target)
            check(status == 404 and b"root:" not in body, "%s gave %d" % (target, status))
        check(http_get(port, "/assets/xterm.js")[0] == 200, "xterm.js")
        _, head, _ = http_get(port, "/assets/console.js")
        etag = head.split("ETag: ", 1)[1].split("\r\n", 1)[0]
        check(http_get(port, "/assets/console.js", headers={"If-None-Match": etag})[0] == 304, "ETag")
        check(http_get(port, "/ws")[0] == 426, "/ws without upgrade")
        status, _, _ = http_get(port, "/", headers={"X-Padding": "x" * 20000})
        check(status == 413, "oversized request head gave %d" % status)
    with bridge() as (peer, console, port):
        peer.stop()
        check(http_get(port, "/readyz")[0] == 503, "/readyz with the peer down")


@case
def status_json(_):
    """GET /status: the VM's name and state as JSON, viewers counted, credentials as /metrics."""
    with bridge(console_flags=["--vm-name", "bridge-vm", "--auth", "admin:pw"]) as (peer, _, port):
        status, head, body = http_get(port, "/status")
        check(status == 200 and "application/json" in head, "/status: %d\n%s" % (status, head))
        check(json.loads(body) == {"name": "bridge-vm", "state": "ready", "viewers": 0}, body)
        session = ConsoleSession(port, headers={"Authorization": authorization("admin:pw")})
        check(echo_works(session, "counted"), "echo")
        check(json.loads(http_get(port, "/status")[2])["viewers"] == 1, "one viewer")
        status, _ = raw_request(port, ["GET /status HTTP/1.1", "Host: vm.example"])
        check(status == 401, "/status at a foreign Host without credentials: %d" % status)
        peer.stop()
        check(json.loads(http_get(port, "/status")[2])["state"] == "stopped", "peer down")
    with bridge() as (_, _, port):
        # Without --vm-name: this machine's host name, as a DNS label.
        name = json.loads(http_get(port, "/status")[2])["name"]
        check(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name), "default name %r" % name)


@case
def naws_on_resize(_):
    with bridge(peer_flags=["--ask-naws"]) as (peer, _, port):
        session = ConsoleSession(port)
        session.resize(100, 30)
        peer.wait_for(r"NAWS 1f0064001e", timeout=30)
        session.resize(300, 255)
        peer.wait_for(r"NAWS 1f012c00ff\b", timeout=30)  # sent as IAC IAC, read back as 255


@case
def server_pings(_):
    with bridge(console_flags=["--ping-interval", "1"]) as (_, _, port):
        session = ConsoleSession(port)
        session.ws.sock.settimeout(30)
        while True:  # an idle session gets a ping, answered, and stays open
            opcode, payload = session.ws.recv_frame()
            if opcode == OP_PING:
                session.ws.send_frame(OP_PONG, payload)
                break
        check(echo_works(session, "after-ping"), "session unusable after the ping")


@case
def host_allowlist(_):
    with bridge() as (_, _, port):
        # DNS rebinding: a foreign name pointed at 127.0.0.1, with its own Origin.
        rebound = "rebound.example:%d" % port
        status, _ = raw_request(port, upgrade_lines(rebound, "http://" + rebound))
        check(status == 403, "rebinding upgrade got %d" % status)
        for target in ("/", "/healthz", "/assets/xterm.js"):
            status, _ = raw_request(port, ["GET %s HTTP/1.1" % target, "Host: " + rebound])
            check(status == 403, "rebinding GET %s got %d" % (target, status))
        # Same host, by every local name.
        for host in ("localhost:%d" % port, "127.0.0.1:%d" % port, "[::1]:%d" % port):
            status, _ = raw_request(port, upgrade_lines(host, "http://" + host))
            check(status == 101, "same-host upgrade for %s got %d" % (host, status))
        # The Origin check still holds for an allowed Host.
        status, _ = raw_request(port, upgrade_lines("localhost:%d" % port, "http://evil.example"))
        check(status == 403, "foreign Origin on an allowed Host got %d" % status)
    with bridge(console_flags=["--allow-host", "vm.example"]) as (_, _, port):
        host = "vm.example:%d" % port
        check(raw_request(port, upgrade_lines(host, "http://" + host))[0] == 101, "--allow-host ignored")
    with bridge(env={"CONSOLE_ALLOW_HOST": "*.apps.example"}) as (_, _, port):
        host = "vm.apps.example:%d" % port
        check(raw_request(port, upgrade_lines(host, "http://" + host))[0] == 101, "CONSOLE_ALLOW_HOST ignored")


@case
def any_host_after_credentials(_):
    """With auth on, a load balancer's or node's address is served once the credentials are right."""
    good = "Authorization: " + authorization("admin:pa55")
    with bridge(console_flags=["--auth", "admin:pa55"]) as (_, _, port):
        for remote in ("203.0.113.10:8080", "172.18.0.2:30080", "a1b2.elb.example.com:8080", "lab.example.org"):
            # Without them, every route asks for them: the probes too, at a name not this machine's.
            for target in ("/", "/healthz", "/readyz", "/ws"):
                status, head = raw_request(port, ["GET %s HTTP/1.1" % target, "Host: " + remote])
                check(status == 401 and "WWW-Authenticate: Basic" in head,
                      "GET %s at Host %s without credentials got %d" % (target, remote, status))
            status, _ = raw_request(port, ["GET / HTTP/1.1", "Host: " + remote, good])
            check(status == 200, "the page at Host %s with credentials got %d" % (remote, status))
            status, _ = raw_request(port, upgrade_lines(remote, "http://" + remote) + [good])
            check(status == 101, "same-origin upgrade at Host %s with credentials got %d" % (remote, status))
            # Another site's page still cannot open the WebSocket (the Origin check holds).
            status, _ = raw_request(port, upgrade_lines(remote, "http://evil.example") + [good])
            check(status == 403, "foreign Origin at Host %s got %d" % (remote, status))
        # The kubelet's probes at the pod's own address need nothing.
        check(raw_request(port, ["GET /healthz HTTP/1.1", "Host: 127.0.0.1:%d" % port])[0] == 200,
              "the probe at a local name needs credentials")


@case
def auth_file_and_throttle(_):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".auth") as auth_file:
        auth_file.write("admin:from-a-file\n")
        auth_file.flush()
        with bridge(env={"CONSOLE_AUTH_FILE": auth_file.name}) as (_, console, port):
            good = {"Authorization": authorization("admin:from-a-file")}
            wrong = {"Authorization": authorization("admin:guess")}
            check(http_get(port, "/", headers=good)[0] == 200, "the file's credentials refused")
            check("from-a-file" not in console.text(), "the console printed the password")
            waits = []
            for _ in range(4):
                started = time.monotonic()
                check(http_get(port, "/", headers=wrong, timeout=30)[0] == 401, "wrong password")
                waits.append(time.monotonic() - started)
            # Two typos answered at once, then 0.5 s, then 1 s (lower bounds only).
            check(waits[2] >= 0.45 and waits[3] >= 0.95, "failed logins not slowed: %r" % waits)
            check(http_get(port, "/", headers=good)[0] == 200, "the right password after failures")
    flagged = subprocess.run([CONSOLE, "--auth", "a:b", "--auth-file", "/no/such/file"],
                             capture_output=True, text=True)
    check("--auth puts the password in the process list" in flagged.stderr, "no warning for --auth")
    check(flagged.returncode != 0 and "CONSOLE_AUTH and CONSOLE_AUTH_FILE are both set" in flagged.stderr,
          "both auth sources accepted: %r" % flagged.stderr)


def serves_again(port, pause, tries=100):
    """Whether /healthz answers 200 within `tries` requests, `pause` s apart. Until
    the console has a slot again, it closes a new connection (reset, or closed
    before the answer's head)."""
    for _ in range(tries):
        try:
            if http_get(port, "/healthz", timeout=5)[0] == 200:
                return True
        except (ConnectionError, ConnectionClosed, ValueError, IndexError):
            time.sleep(pause)
    return False


@case
def max_connections(_):
    with bridge(console_flags=["--max-connections", "3"]) as (_, _, port):
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        time.sleep(0.5)
        # A fourth connection is closed at once; a freed slot serves again.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
            check(extra.recv(1) == b"", "a connection over --max-connections was kept")
        idle.pop().close()
        check(serves_again(port, pause=0.05), "a freed connection slot was not reused")
        for sock in idle:
            sock.close()


@case
def accept_backoff(_):
    peer, peer_port = start_peer()
    limit = 24
    console = subprocess.Popen(
        [CONSOLE, "--listen", "127.0.0.1:0", "--telnet", "127.0.0.1:%d" % peer_port],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
    held = []
    try:
        port = int(re.search(r"serving http://[^ ]+:(\d+) ", console.stdout.readline()).group(1))
        for _ in range(2 * limit):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        line = console.stdout.readline()
        check("accept (backing off): Too many open files" in line, "no back-off reported: %r" % line)
        time.sleep(2)  # the back-off reaches its ceiling
        calls = check_accept_backs_off(console.pid, "console")
        for sock in held:
            sock.close()
        held = []
        check(serves_again(port, pause=0.1), "the console did not serve again after EMFILE")
        print("EMFILE: %d accept calls in 3 s, served again after" % calls)
    finally:
        for sock in held:
            sock.close()
        console.kill()
        console.wait()
        peer.stop()


def main():
    global CONSOLE
    args = case_arguments(CASES, __doc__)
    CONSOLE = args.console
    CASES[args.case](args)
    print("ok: %s" % args.case)


if __name__ == "__main__":
    sys.exit(main())
