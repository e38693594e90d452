"""Integration: the console bridging WebSocket clients to the QEMU-like telnet peer.

    run-pytest.sh test_bridge.py --console BIN

test_handshake_and_title          the first frame is the title (--title, UTF-8); the peer echoes
test_bytes_round_trip             every byte value 0x00-0xFF comes back unchanged
test_read_until_since             the tests' own prompt wait: output before `since` never counts,
                                  a prompt split over two messages counts once whole
test_text_frames_accepted         input in a text frame reaches the peer too
test_utf8_split                   UTF-8 typed one byte per frame comes back whole, in binary frames
test_foreign_origin_403           a foreign Origin is refused with 403, same host and none accepted;
                                  --allow-origin widens it
test_basic_auth                   --auth and CONSOLE_AUTH: 401 without or with wrong credentials
                                  (page, assets, /ws), the probes open
test_read_only_drops_input        a --read-only console says so and its keystrokes and resizes never
                                  reach the VM; a writable console's do
test_slow_reader_closed           a session that never reads is cut off (--stall-timeout); another
                                  keeps working
test_malformed_frames             invalid UTF-8 closes with 1007, unknown, empty and bad resize
                                  messages with 1008; other sessions unharmed
test_oversized_frame              a frame over 64 KiB closes with 1009; other sessions unharmed
test_max_sessions                 --max-sessions 2: a third is refused with 503, a closed one's slot
                                  given back
test_http_routes                  probes, page, assets with ETag, traversal refused, 426 without an
                                  upgrade, 413 for a large head; /readyz 503 with the peer down
test_status_json                  GET /status: name, state and viewers as JSON, credentials as
                                  /metrics; the host name when --vm-name is not given
test_naws_on_resize               a resize reaches the peer as NAWS (255 escaped as IAC IAC)
test_server_pings                 an idle session gets a ping and stays usable
test_host_allowlist               DNS rebinding refused (403), every local name allowed,
                                  --allow-host and CONSOLE_ALLOW_HOST add names
test_any_host_after_credentials   with --auth, any Host is served once the credentials are right,
                                  the Origin check still holds
test_auth_file_and_throttle       CONSOLE_AUTH_FILE, failed logins slowed down, the warning for
                                  --auth, both sources refused
test_max_connections              --max-connections 3: a fourth connection is closed at once, a
                                  freed slot serves again
test_accept_backoff               out of descriptors (EMFILE), the console backs off to one accept a
                                  second (strace counts them) and serves again after

Nothing waits by a fixed sleep: each wait polls for what it waits for.
"""
import json
import re
import resource
import shutil
import socket
import struct
import subprocess
import time

import pytest

from qemu_riscv64_test.console_session import OP, ConsoleSession, refused_status
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT
from qemu_riscv64_test.processes import check, check_accept_backs_off, wait_backoff_at_ceiling
from qemu_riscv64_test.websocket import (OP_BINARY, OP_PING, OP_PONG, OP_TEXT, ConnectionClosed,
                                         http_get, raw_request, upgrade_lines)
from qemu_riscv64_test.websocket import basic_auth as authorization

DESCRIPTOR_LIMIT = 24  # the open files of the console that runs out of them


@pytest.fixture
def bridge(telnet_peer, console_server):
    """Starts a console bridged to a telnet peer of its own:
    bridge(peer_flags=(), console_flags=(), env=None) -> (peer process, console process, console port)."""
    def start(peer_flags=(), console_flags=(), env=None):
        peer, peer_port = telnet_peer(*peer_flags)
        console, port = console_server(peer_port, *console_flags, env=env)
        return peer, console, port

    return start


@pytest.fixture
def open_connections():
    """Opens TCP connections to 127.0.0.1, each closed after the test:
    open_connections(port, count, timeout=None) -> [socket, ...]."""
    opened = []

    def connect(port, count, timeout=None):
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=timeout) for _ in range(count)]
        opened.extend(sockets)
        return sockets

    yield connect
    for sock in opened:
        sock.close()


@pytest.fixture
def starved_console(console_binary, telnet_peer):
    """A console allowed DESCRIPTOR_LIMIT open files, bridged to a telnet peer, its output a pipe
    of lines (the first says its port: serving_port); killed after the test."""
    _, peer_port = telnet_peer()
    console = subprocess.Popen(
        [console_binary, "--listen", "127.0.0.1:0", "--telnet", "127.0.0.1:%d" % peer_port],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTOR_LIMIT, DESCRIPTOR_LIMIT)))
    yield console
    console.kill()
    console.wait()


def serving_port(console):
    """The port in the first line of a console's output ("serving http://HOST:PORT ...")."""
    return int(re.search(r"serving http://[^ ]+:(\d+) ", console.stdout.readline()).group(1))


def echo_works(session, text):
    session.type(text)
    session.read_until(text, timeout=30)
    return True


def times_out(wait):
    """Whether wait() raised TimeoutError."""
    try:
        wait()
    except TimeoutError:
        return True
    return False


def closes_with(port, frame_kind, payload):
    session = ConsoleSession(port)
    session.ws.send_frame(frame_kind, payload)
    return session.read_until_closed(timeout=30)


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


def accepts_waiting(port):
    """How many connections wait in the accept queue of the socket listening on 127.0.0.1:port
    (the kernel's count: rx_queue of a LISTEN socket in /proc/net/tcp)."""
    local = "%08X:%04X" % (struct.unpack("=I", socket.inet_aton("127.0.0.1"))[0], port)
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[3] == "0A":
                return int(fields[4].split(":")[1], 16)
    raise AssertionError("nothing listens on 127.0.0.1:%d" % port)


def wait_all_accepted(port, timeout=10):
    """Waits until the console has taken every connection made to it so far."""
    deadline = time.monotonic() + timeout
    while accepts_waiting(port):
        check(time.monotonic() < deadline, "the console left connections unaccepted for %d s" % timeout)
        time.sleep(0.05)


def test_handshake_and_title(bridge):
    _, _, port = bridge(console_flags=["--title", "bridge test ✓"])
    session = ConsoleSession(port)
    opcode, _ = session.read_message()
    check(opcode == OP["server_title"], "first frame is the title, got opcode %r" % opcode)
    check(session.title == "bridge test ✓", "title %r" % session.title)
    check(echo_works(session, "hello"), "echo")


def test_bytes_round_trip(bridge):
    _, _, port = bridge()
    session = ConsoleSession(port)
    every_byte = bytes(range(256)) * 8
    session.type(every_byte)
    output = session.read_until(every_byte[-16:], timeout=30)
    check(output == every_byte, "0x00-0xFF came back changed: %r" % output[:64])


def test_read_until_since(bridge):
    """The tests' own prompt wait: output before `since` never counts, and a
    prompt that arrives in two messages is found only once it is whole."""
    _, _, port = bridge()
    session = ConsoleSession(port)
    session.type(PROMPT)
    session.read_until(PROMPT, timeout=30)
    mark = len(session.output)
    check(times_out(lambda: session.read_until(PROMPT, timeout=1, since=mark)),
          "read_until found a prompt printed before `since`")
    half = len(PROMPT) // 2
    session.type(PROMPT[:half])
    session.read_until(PROMPT[:half], timeout=30, since=mark)
    check(session.output.find(PROMPT, mark) < 0, "half a prompt read as a whole one")
    session.type(PROMPT[half:])
    output = session.read_until(PROMPT, timeout=30, since=mark)
    check(output[mark:] == PROMPT, "after `since`: %r" % output[mark:])


def test_text_frames_accepted(bridge):
    _, _, port = bridge()
    session = ConsoleSession(port)
    session.ws.send_frame(OP_TEXT, b"0typed as text")
    session.read_until("typed as text", timeout=30)


def test_utf8_split(bridge):
    _, _, port = bridge()
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


def test_foreign_origin_403(bridge):
    _, _, port = bridge()
    check(refused_status(port, origin="http://evil.example") == 403, "foreign Origin not refused with 403")
    check(refused_status(port, origin="http://127.0.0.1:%d" % port) is None, "same-host Origin refused")
    check(refused_status(port) is None, "a client without Origin refused")
    _, _, port = bridge(console_flags=["--allow-origin", r"https://console\.example\.org"])
    check(refused_status(port, origin="https://console.example.org") is None, "--allow-origin ignored")
    check(refused_status(port, origin="http://evil.example") == 403, "foreign Origin accepted")


def test_basic_auth(bridge):
    good = {"Authorization": authorization("admin:pa55:word")}
    wrong = {"Authorization": authorization("admin:nope")}
    for flags, env in ((["--auth", "admin:pa55:word"], None), ([], {"CONSOLE_AUTH": "admin:pa55:word"})):
        _, _, port = bridge(console_flags=flags, env=env)
        check(refused_status(port) == 401, "/ws without credentials not 401")
        check(refused_status(port, headers=wrong) == 401, "/ws with wrong credentials not 401")
        status, head, _ = http_get(port, "/")
        check(status == 401 and "WWW-Authenticate: Basic" in head, "page without credentials: %d" % status)
        check(http_get(port, "/assets/xterm.js")[0] == 401, "asset without credentials served")
        check(http_get(port, "/", headers=good)[0] == 200, "page with credentials refused")
        check(http_get(port, "/healthz")[0] == 200, "probe needs credentials")
        check(echo_works(ConsoleSession(port, headers=good), "authorized"), "echo with credentials")


def test_read_only_drops_input(telnet_peer, console_server):
    peer, peer_port = telnet_peer("--log-input")
    _, writable_port = console_server(peer_port)
    _, viewer_port = console_server(peer_port, "--read-only")
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


def test_slow_reader_closed(bridge):
    flood = 64 * 1024 * 1024
    _, console, port = bridge(peer_flags=["--flood-bytes", str(flood)], console_flags=["--stall-timeout", "2"])
    stuck = ConsoleSession(port, receive_buffer=4096)
    stuck.type(b"\x06")  # the peer floods this session; it never reads
    console.wait_for(r"browser stopped reading", timeout=90)
    other = ConsoleSession(port)
    check(echo_works(other, "still-working"), "the other session stalled")
    stuck.read_until_closed(timeout=60)
    check(len(stuck.output) < flood, "the stuck session was not cut off")
    check(echo_works(other, "and-after"), "the other session broke after the close")


def test_malformed_frames(bridge):
    _, _, port = bridge()
    bystander = ConsoleSession(port)
    check(closes_with(port, OP_TEXT, b"\xff\xfe") == 1007, "invalid UTF-8 in a text frame not closed with 1007")
    check(closes_with(port, OP_BINARY, b"9unknown") == 1008, "unknown opcode not closed with 1008")
    check(closes_with(port, OP_BINARY, b"") == 1008, "empty frame not closed with 1008")
    check(closes_with(port, OP_BINARY, b"1\x00") == 1008, "short resize not closed with 1008")
    check(closes_with(port, OP_BINARY, b"1\x00\x00\x00\x00") == 1008, "zero resize not closed")
    check(echo_works(bystander, "unharmed"), "a bad frame hurt another session")


def test_oversized_frame(bridge):
    _, _, port = bridge()
    bystander = ConsoleSession(port)
    # Just over the limit, so the whole frame is sent before the server answers.
    code = closes_with(port, OP_BINARY, b"0" + b"x" * (64 * 1024 + 100))
    check(code == 1009, "oversized frame: close code %r" % code)
    check(echo_works(bystander, "unharmed"), "an oversized frame hurt another session")


def test_max_sessions(bridge):
    _, _, port = bridge(console_flags=["--max-sessions", "2"])
    first, second = ConsoleSession(port), ConsoleSession(port)
    check(refused_status(port) == 503, "a third session was accepted")
    check(echo_works(first, "one") and echo_works(second, "two"), "echo")
    first.close()
    second.read_until("two")
    # The slot frees once the server has seen the close.
    check(any(refused_status(port) is None for _ in range(200)), "the closed session's slot was never given back")


def test_http_routes(bridge):
    _, _, port = bridge()
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
    peer, _, port = bridge()
    peer.stop()
    check(http_get(port, "/readyz")[0] == 503, "/readyz with the peer down")


def test_status_json(bridge):
    """GET /status: the VM's name and state as JSON, viewers counted, credentials as /metrics."""
    peer, _, port = bridge(console_flags=["--vm-name", "bridge-vm", "--auth", "admin:pw"])
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
    # Without --vm-name: this machine's host name, as a DNS label.
    _, _, port = bridge()
    name = json.loads(http_get(port, "/status")[2])["name"]
    check(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name), "default name %r" % name)


def test_naws_on_resize(bridge):
    peer, _, port = bridge(peer_flags=["--ask-naws"])
    session = ConsoleSession(port)
    session.resize(100, 30)
    peer.wait_for(r"NAWS 1f0064001e", timeout=30)
    session.resize(300, 255)
    peer.wait_for(r"NAWS 1f012c00ff\b", timeout=30)  # sent as IAC IAC, read back as 255


def test_server_pings(bridge):
    _, _, port = bridge(console_flags=["--ping-interval", "1"])
    session = ConsoleSession(port)
    session.ws.sock.settimeout(30)
    while True:  # an idle session gets a ping, answered, and stays open
        opcode, payload = session.ws.recv_frame()
        if opcode == OP_PING:
            session.ws.send_frame(OP_PONG, payload)
            break
    check(echo_works(session, "after-ping"), "session unusable after the ping")


def test_host_allowlist(bridge):
    _, _, port = bridge()
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
    _, _, port = bridge(console_flags=["--allow-host", "vm.example"])
    host = "vm.example:%d" % port
    check(raw_request(port, upgrade_lines(host, "http://" + host))[0] == 101, "--allow-host ignored")
    _, _, port = bridge(env={"CONSOLE_ALLOW_HOST": "*.apps.example"})
    host = "vm.apps.example:%d" % port
    check(raw_request(port, upgrade_lines(host, "http://" + host))[0] == 101, "CONSOLE_ALLOW_HOST ignored")


def test_any_host_after_credentials(bridge):
    """With auth on, a load balancer's or node's address is served once the credentials are right."""
    good = "Authorization: " + authorization("admin:pa55")
    _, _, port = bridge(console_flags=["--auth", "admin:pa55"])
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


def test_auth_file_and_throttle(bridge, console_binary, tmp_path):
    auth_file = tmp_path / "console.auth"
    auth_file.write_text("admin:from-a-file\n")
    _, console, port = bridge(env={"CONSOLE_AUTH_FILE": str(auth_file)})
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
    flagged = subprocess.run([console_binary, "--auth", "a:b", "--auth-file", "/no/such/file"],
                             capture_output=True, text=True)
    check("--auth puts the password in the process list" in flagged.stderr, "no warning for --auth")
    check(flagged.returncode != 0 and "CONSOLE_AUTH and CONSOLE_AUTH_FILE are both set" in flagged.stderr,
          "both auth sources accepted: %r" % flagged.stderr)


def test_max_connections(bridge, open_connections):
    _, _, port = bridge(console_flags=["--max-connections", "3"])
    idle = open_connections(port, 3)
    wait_all_accepted(port)
    # A fourth connection is closed at once; a freed slot serves again.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
        check(extra.recv(1) == b"", "a connection over --max-connections was kept")
    idle[0].close()
    check(serves_again(port, pause=0.05), "a freed connection slot was not reused")


def test_accept_backoff(starved_console, open_connections, tmp_path):
    if not shutil.which("strace"):
        pytest.skip("needs `strace` to count accept calls (scripts/install-deps.sh test)")
    console = starved_console
    port = serving_port(console)
    held = open_connections(port, 2 * DESCRIPTOR_LIMIT, timeout=5)
    line = console.stdout.readline()
    check("accept (backing off): Too many open files" in line, "no back-off reported: %r" % line)
    wait_backoff_at_ceiling(console.pid, tmp_path / "accept-times.strace")
    calls = check_accept_backs_off(console.pid, "console")
    for sock in held:
        sock.close()
    check(serves_again(port, pause=0.1), "the console did not serve again after EMFILE")
    print("EMFILE: %d accept calls in 3 s, served again after" % calls)
