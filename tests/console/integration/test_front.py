"""Integration: the front (console --role front) before a fleet of real consoles.

    run-pytest.sh test_front.py --console BIN

Each VM is a real console on its own loopback address (127.0.0.11, .12, ...,
one port for all, as pods share 8080), bridged to its own QEMU-like telnet
peer, with a stand-in launcher status socket whose reply the test sets. The
front finds them as a pod would: a DNS name whose A records are the consoles
(a small DNS server on a free UDP port, --dns-server; the records change
while it runs), or a static list. Everything waits by polling, never by a
fixed sleep.

test_index        vms.json and the page list every VM with its state, uptime, vCPUs, memory,
                  viewers; a static --peers list works the same; a launcher gone is "stopped"
test_sessions     a WebSocket through the front to VM b gets b's title and output and not a's;
                  keystrokes reach b's telnet peer only; every byte value and a 200 KiB paste
                  pass; the VM closing passes its close code on
test_http         the VM's page, assets (ETag, 304), HEAD and a bare /<vm> through the front;
                  the front under a base path before consoles under theirs
test_refusals     unknown names 404, traversal and encodings 400, Host and Origin checks as
                  the console's, credentials (the front's own, and a VM wanting others: not
                  listed, not even as starting when DNS names it), oversized heads, other methods
test_discovery    a VM started shows within seconds; a pod in DNS whose console does not listen yet
                  shows as starting under the name its address's PTR record gives; a console
                  stopped turns failed (and its WebSocket 502), one gone from DNS leaves the
                  list; DNS down keeps the list
test_metrics      the front's /metrics parsed by prometheus-client: VMs by state, sessions,
                  bytes each way, requests; credentials as /metrics on the console
test_slow_reader  a browser that never reads is cut off through the front; another session
                  to the same VM keeps working
test_recording    a VM's /recording.cast of 6 MiB (past the 4 MiB the front fetches whole)
                  through the front, byte for byte, in chunks; HEAD; a VM without one: 502
                  saying what its console answered
"""
import contextlib
from http.client import HTTPConnection
import json
import os
import re
import time

import pytest

from qemu_riscv64_test.console import start_console, start_peer
from qemu_riscv64_test.console_session import ConsoleSession, refused_status
from qemu_riscv64_test.dns import TYPE_PTR, DnsServer, reverse_name
from qemu_riscv64_test.launcher import FakeStatus
from qemu_riscv64_test.processes import Process, check, free_port
from qemu_riscv64_test.prometheus import Scrape
from qemu_riscv64_test.websocket import (ConnectionClosed, basic_auth, http_get, raw_request,
                                         upgrade_lines)

PASSWORD = "admin:fleet-pa55"
AUTH = {"Authorization": basic_auth(PASSWORD)}
SERVICE = "vms-headless.front.test"
READY = b"ready\nguest_start cold\nlauncher_uptime_seconds 3725.500\ncpu_count 2\nmemory_mib 2048\n"


class Vm:
    """One VM as the front sees it: a console on its own address, its telnet peer, its status socket."""

    def __init__(self, console_binary, name, address, port, folder, status, console_flags,
                 peer_flags=("--log-input",)):
        self.name, self.address = name, address
        self.peer, peer_port = start_peer(*peer_flags)
        self.status_path = os.path.join(folder, name + ".sock")
        self.status = FakeStatus(self.status_path, status)
        self.console, _ = start_console(console_binary, peer_port, "--vm-name", name, "--title", "title-" + name,
                                        "--status", self.status_path, *console_flags,
                                        listen_host=address, listen_port=port)

    def stop(self):
        self.console.stop()
        self.peer.stop()
        with contextlib.suppress(FileNotFoundError):  # closed already: its launcher went away
            self.status.close()


class Fleet:
    """VMs on 127.0.0.11, .12, ... (one port), a DNS server for SERVICE, and the front;
    the status sockets in `folder`."""

    def __init__(self, console_binary, folder, console_flags=("--auth", PASSWORD)):
        self.console_binary = console_binary
        self.port = free_port()
        self.folder = folder
        self.console_flags = list(console_flags)
        self.vms = {}
        self.in_dns = []  # addresses the headless Service's name gives
        self.pointers = {}  # address: the name its PTR record gives (as for a StatefulSet's pod)
        self.dns = DnsServer("127.0.0.1", self.lookup)
        self.front = None
        self.front_port = None

    def lookup(self, name, qtype):
        if qtype == TYPE_PTR:
            named = [self.pointers[a] for a in self.in_dns if a in self.pointers and reverse_name(a) == name]
            return named or None
        return list(self.in_dns) if name == SERVICE else None

    def next_address(self):
        """The address the next VM added gets."""
        return "127.0.0.%d" % (11 + len(self.vms))

    def add(self, name, status=READY, in_dns=True, peer_flags=("--log-input",), console_flags=()):
        address = self.next_address()
        self.vms[name] = Vm(self.console_binary, name, address, self.port, self.folder, status,
                            self.console_flags + list(console_flags), peer_flags)
        if in_dns:
            self.in_dns.append(address)
        return self.vms[name]

    def start_front(self, *flags, peers=None):
        """The front on a free port of 127.0.0.1, polling every second."""
        argv = [self.console_binary, "--role", "front", "--listen", "127.0.0.1:0", "--poll-interval", "1",
                "--peers", peers or "%s:%d" % (SERVICE, self.port),
                "--dns-server", "127.0.0.1:%d" % self.dns.port] + list(flags)
        self.front = Process(argv, name="front")
        self.front_port = int(self.front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))
        return self.front_port

    def vm_list(self, path="/vms.json"):
        status, _, body = http_get(self.front_port, path, headers=AUTH)
        check(status == 200, "%s answered %d" % (path, status))
        return json.loads(body)

    def wait_for_list(self, condition, what, timeout=20, path="/vms.json"):
        """Polls vms.json until condition(list by name) holds; returns that list."""
        deadline = time.monotonic() + timeout
        while True:
            listed = self.vm_list(path)
            by_name = {vm["name"]: vm for vm in listed["vms"]}
            if condition(by_name):
                return listed
            check(time.monotonic() < deadline, "%s: not within %d s: %s\n%s" % (
                what, timeout, json.dumps(listed), self.front.text()[-2000:]))
            time.sleep(0.2)

    def session(self, name, **options):
        options.setdefault("headers", AUTH)
        return ConsoleSession(self.front_port, path="/%s/ws" % name, **options)

    def close(self):
        if self.front:
            self.front.stop()
        for vm in self.vms.values():
            vm.stop()
        self.dns.close()


@pytest.fixture
def new_fleet(console_binary, tmp_path):
    """Makes fleets without VMs or front yet, each closed after the test:
    new_fleet(console_flags=("--auth", PASSWORD)) -> Fleet."""
    fleets = []

    def make(console_flags=("--auth", PASSWORD)):
        folder = tmp_path / ("fleet-%d" % len(fleets))
        folder.mkdir()
        fleets.append(Fleet(console_binary, str(folder), console_flags))
        return fleets[-1]

    yield make
    for vms in reversed(fleets):
        vms.close()


@pytest.fixture
def fleet(new_fleet):
    """Starts a fleet of `names`, all in DNS, and its front (once it lists them all, when `listed`):
    fleet(names=("vm-a", "vm-b"), front_flags=("--auth", PASSWORD), listed=True, console_flags=...) -> Fleet."""
    def start(names=("vm-a", "vm-b"), front_flags=("--auth", PASSWORD), listed=True, **options):
        vms = new_fleet(**options)
        for name in names:
            vms.add(name)
        vms.start_front(*front_flags)
        if listed:
            vms.wait_for_list(lambda by: set(names) <= set(by), "every VM listed")
        return vms

    return start


def large_cast():
    """An asciicast v2 recording of 50000 lines, past 6 MiB."""
    lines = [json.dumps({"version": 2, "width": 80, "height": 24, "timestamp": 1700000000})]
    lines += [json.dumps([i / 100, "o", "line %d %s\r\n" % (i, "x" * 100)]) for i in range(50000)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def large_recording(tmp_path):
    """A stand-in for a launcher's recording socket that serves large_cast(): (FakeStatus, the cast)."""
    cast = large_cast()
    fake = FakeStatus(str(tmp_path / "recording.sock"), cast)
    yield fake, cast
    fake.close()


def discovery_rounds(port, headers):
    """The front's count of completed looks for VMs, from its /metrics."""
    text = http_get(port, "/metrics", headers=headers)[2].decode()
    return int(re.search(r"^qemu_riscv64_front_discovery_rounds_total (\d+)$", text, re.M).group(1))


def test_index(fleet, new_fleet):
    vms = fleet(names=())
    vms.add("vm-a")
    vms.add("vm-9", status=b"booting\nguest_start warm\nlauncher_uptime_seconds 2.000\n")
    vms.add("vm-10", status=b"unready\ncpu_count 4\nmemory_mib 512\n")
    listed = vms.wait_for_list(lambda by: len(by) == 3, "three VMs")
    check([vm["name"] for vm in listed["vms"]] == ["vm-9", "vm-10", "vm-a"], "order: %s" % listed)
    by_name = {vm["name"]: vm for vm in listed["vms"]}
    check(by_name["vm-a"] == {"name": "vm-a", "state": "ready", "start": "cold", "uptime_seconds": 3725.5,
                              "vcpus": 2, "memory_mib": 2048, "viewers": 0}, "vm-a: %s" % by_name["vm-a"])
    check(by_name["vm-9"]["state"] == "booting" and by_name["vm-9"]["start"] == "warm", "vm-9 booting")
    check(by_name["vm-10"]["state"] == "unready" and by_name["vm-10"]["vcpus"] == 4, "vm-10 unready")
    check(listed["unlisted"] == 0, "every address answered")
    check(b"127.0.0." not in http_get(vms.front_port, "/vms.json", headers=AUTH)[2], "addresses leak")
    # The viewer count follows a session.
    session = vms.session("vm-a")
    vms.wait_for_list(lambda by: by["vm-a"]["viewers"] == 1, "vm-a's viewer")
    session.close()
    vms.wait_for_list(lambda by: by["vm-a"]["viewers"] == 0, "vm-a's viewer gone")
    # The launcher gone (shutting down, saving its guest): stopped, still listed.
    vms.vms["vm-9"].status.close()
    vms.wait_for_list(lambda by: by["vm-9"]["state"] == "stopped", "vm-9 stopped")
    check_index_page(vms.front_port)
    # A static list of addresses, no DNS.
    vms = new_fleet()
    vms.add("vm-a", in_dns=False)
    vms.add("vm-b", in_dns=False)
    vms.start_front("--auth", PASSWORD, peers="127.0.0.11:%d,127.0.0.12:%d" % (vms.port, vms.port))
    vms.wait_for_list(lambda by: set(by) == {"vm-a", "vm-b"}, "the static list")
    check(vms.dns.queries == [], "a static list asks no DNS: %s" % vms.dns.queries)


def check_index_page(port):
    """The page: the title, its script and style, no VM data in it (the script fetches it)."""
    status, head, body = http_get(port, "/", headers=AUTH)
    check(status == 200 and "text/html" in head and b"assets/front.js" in body, "index page")
    for asset in ("/assets/front.js", "/assets/front.css", "/assets/favicon.svg"):
        check(http_get(port, asset, headers=AUTH)[0] == 200, asset)
    check(http_get(port, "/readyz")[0] == 200, "the front is ready once it has looked")


def test_sessions(fleet):
    vms = fleet()
    a, b = vms.session("vm-a"), vms.session("vm-b")
    a.read_message()
    b.read_message()
    check(a.title == "title-vm-a" and b.title == "title-vm-b", "titles %r %r" % (a.title, b.title))
    a.type("typed-into-a")
    b.type("typed-into-b")
    a.read_until("typed-into-a", timeout=30)
    b.read_until("typed-into-b", timeout=30)
    a.sync()
    b.sync()
    check(b"typed-into-b" not in a.output and b"typed-into-a" not in b.output, "output crossed VMs")
    peer_a, peer_b = vms.vms["vm-a"].peer, vms.vms["vm-b"].peer
    check("typed-into-b".encode().hex() in peer_b.text(), "b's keystrokes never reached b")
    check("typed-into-b".encode().hex() not in peer_a.text(), "b's keystrokes reached a")
    check("typed-into-a".encode().hex() not in peer_b.text(), "a's keystrokes reached b")
    check_large_input(b)
    # The VM's console going away closes the browser's session with its code (1001).
    vms.vms["vm-a"].peer.stop()
    check(a.read_until_closed(timeout=30) == 1001, "the VM's close code")
    b.type("b-still-here")
    b.read_until("b-still-here", timeout=30)


def check_large_input(session):
    """Every byte value, then a paste bigger than one console message (the front keeps each
    under its 64 KiB limit), come back unchanged."""
    every_byte = bytes(range(256)) * 4 + b"<end of bytes>"
    mark = len(session.output)
    session.type(every_byte)
    check(session.read_until(b"<end of bytes>", timeout=30, since=mark)[mark:] == every_byte, "0x00-0xFF changed")
    paste = (b"0123456789abcdef" * 64 + b"\r\n") * 200 + b"<end of paste>"
    mark = len(session.output)
    for at in range(0, len(paste), 60000):
        session.type(paste[at:at + 60000])
    check(session.read_until(b"<end of paste>", timeout=60, since=mark)[mark:] == paste,
          "the 200 KiB paste changed")


def test_http(fleet, new_fleet):
    port = fleet().front_port
    status, head, body = http_get(port, "/vm-b/", headers=AUTH)
    check(status == 200 and b"title-vm-b" in body and b"xterm" in body, "vm-b's page: %d" % status)
    check("X-Frame-Options: DENY" in head and "Content-Security-Policy" in head, "safety headers")
    status, head, body = http_get(port, "/vm-b/assets/xterm.js", headers=AUTH)
    check(status == 200 and len(body) > 100000 and "application/javascript" in head, "xterm.js")
    etag = re.search(r"ETag: (\S+)", head).group(1)
    check(http_get(port, "/vm-b/assets/xterm.js", headers=dict(AUTH, **{"If-None-Match": etag}))[0] == 304,
          "ETag passed on")
    status, head, body = http_get(port, "/vm-b/assets/xterm.js", headers=AUTH, method="HEAD")
    check(status == 200 and body == b"" and "Content-Length: " in head, "HEAD")
    status, head, _ = http_get(port, "/vm-b", headers=AUTH)
    check(status == 301 and "Location: /vm-b/" in head, "bare /vm-b: %d\n%s" % (status, head))
    check(http_get(port, "/vm-b/no-such-file", headers=AUTH)[0] == 404, "the VM's 404 passed on")
    status, _, body = http_get(port, "/vm-b/status", headers=AUTH)
    check(status == 200 and json.loads(body)["name"] == "vm-b", "vm-b's own /status")
    check_under_base_paths(new_fleet(console_flags=("--auth", PASSWORD, "--base-path", "/vm")))


def check_under_base_paths(vms):
    """The front under /fleet before a console under /vm (--peer-base-path)."""
    vms.add("vm-a")
    vms.start_front("--auth", PASSWORD, "--base-path", "/fleet", "--peer-base-path", "/vm")
    vms.wait_for_list(lambda by: "vm-a" in by, "vm-a under base paths", path="/fleet/vms.json")
    port = vms.front_port
    status, _, body = http_get(port, "/fleet/vm-a/", headers=AUTH)
    check(status == 200 and b"title-vm-a" in body, "vm-a's page under /fleet: %d" % status)
    status, head, _ = http_get(port, "/fleet/vm-a", headers=AUTH)
    check(status == 301 and "Location: /fleet/vm-a/" in head, "bare /fleet/vm-a")
    check(http_get(port, "/vm-a/", headers=AUTH)[0] == 404, "outside the base path")
    session = ConsoleSession(port, path="/fleet/vm-a/ws", headers=AUTH)
    session.type("under-base-paths")
    session.read_until("under-base-paths", timeout=30)


def test_refusals(fleet):
    port = fleet().front_port
    check_bad_targets_refused(port)
    check_credentials_asked(port)
    check_hosts_and_origins(port)
    check(http_get(port, "/vm-a/ws", headers=AUTH)[0] == 426, "/vm-a/ws without an upgrade")
    check(http_get(port, "/", headers=dict(AUTH, **{"X-Padding": "x" * 20000}))[0] == 413, "a large head")
    check(http_get(port, "/vm-a/", headers=AUTH, method="POST")[0] == 405, "POST")
    check(http_get(port, "/vm-a/", headers=AUTH, method="DELETE")[0] == 405, "DELETE")
    # Without auth, a foreign Host gets nothing (the consoles allow their own test addresses).
    check_rebinding_refused(fleet(front_flags=(), console_flags=("--allow-host", "127.0.0.11,127.0.0.12")))
    # Consoles that want another password: not listed, and the front says why; not "starting"
    # either when DNS names their pods (they answer: consoles to fix, not ones coming up).
    check_other_password_unlisted(fleet(front_flags=("--auth", "admin:other"), listed=False))


def check_bad_targets_refused(port):
    """Unknown names 404; traversal, encodings, addresses and absolute URIs 400 or 404."""
    check(http_get(port, "/vm-z/", headers=AUTH)[0] == 404, "an unknown VM")
    check(refused_status(port, path="/vm-z/ws", headers=AUTH) == 404, "an unknown VM's WebSocket")
    for target in ("/vm-a/../vm-b/ws", "/vm-a/../../etc/passwd", "/%2e%2e/vm-b/", "/vm-a/%2e%2e/status",
                   "/vm-a/..%2fvm-b/", "/vm-a%2f..%2fvm-b/", "/vm-a//ws", "/vm-a/./ws", "/vm-a\\..\\vm-b/"):
        status, _, body = http_get(port, target, headers=AUTH)
        check(status == 400 and b"root:" not in body, "%s gave %d" % (target, status))
    for target in ("/127.0.0.1:22/", "/127.0.0.11/", "/example.com/", "/VM-A/", "/metrics/x",
                   "/vm-a@127.0.0.1:22/", "/assets/../vm-a/"):
        status, _, _ = http_get(port, target, headers=AUTH)
        check(status in (400, 404), "%s gave %d" % (target, status))
    check(http_get(port, "http://127.0.0.1:22/", headers=AUTH)[0] in (400, 404), "an absolute URI")


def check_credentials_asked(port):
    """The release's one password, asked once, by the front; the probes open."""
    for target in ("/", "/vms.json", "/vm-a/", "/vm-a/assets/xterm.js"):
        status, head, _ = http_get(port, target)
        check(status == 401 and "WWW-Authenticate: Basic" in head, "%s without credentials" % target)
    check(refused_status(port, path="/vm-a/ws", headers={}) == 401, "/vm-a/ws without credentials")
    wrong = {"Authorization": basic_auth("admin:wrong")}
    check(http_get(port, "/vm-a/", headers=wrong)[0] == 401, "wrong credentials")
    check(http_get(port, "/healthz")[0] == 200, "probes open at this machine's names")


def check_hosts_and_origins(port):
    """DNS rebinding and cross-site WebSockets: the console's rules."""
    check(http_get(port, "/healthz", host_header="rebound.example")[0] == 401, "a probe at a foreign Host")
    check(http_get(port, "/vms.json", host_header="lb.example:8080", headers=AUTH)[0] == 200,
          "any Host after the credentials")
    good = "Authorization: " + AUTH["Authorization"]
    host = "127.0.0.1:%d" % port
    status, _ = raw_request(port, upgrade_lines(host, "http://evil.example", "/vm-a/ws") + [good])
    check(status == 403, "a foreign Origin got %d" % status)
    status, _ = raw_request(port, upgrade_lines(host, "http://" + host, "/vm-a/ws") + [good])
    check(status == 101, "a same-host Origin got %d" % status)


def check_rebinding_refused(vms):
    """A front without auth: a foreign Host gets 403; its own gets through."""
    port = vms.front_port
    for target in ("/", "/vm-a/", "/healthz"):
        check(http_get(port, target, host_header="rebound.example:%d" % port)[0] == 403,
              "%s at a rebound Host" % target)
    rebound = "rebound.example:%d" % port
    check(raw_request(port, upgrade_lines(rebound, "http://" + rebound, "/vm-a/ws"))[0] == 403,
          "a rebinding upgrade")
    session = vms.session("vm-a", headers={})
    session.type("no-auth-echo")
    session.read_until("no-auth-echo", timeout=30)


def check_other_password_unlisted(vms):
    """Consoles refusing the front's credentials, their pods named in DNS: after two looks, not listed."""
    other = {"Authorization": basic_auth("admin:other")}
    for name, vm in vms.vms.items():
        vms.pointers[vm.address] = name + "." + SERVICE
    vms.front.wait_for(r"refused the front's credentials", timeout=20)
    rounds = discovery_rounds(vms.front_port, other)
    deadline = time.monotonic() + 20
    while discovery_rounds(vms.front_port, other) < rounds + 2:  # two looks with the PTR names there
        check(time.monotonic() < deadline, "the front made no two looks in 20 s")
        time.sleep(0.2)
    status, _, body = http_get(vms.front_port, "/vms.json", headers=other)
    listed = json.loads(body)
    check(status == 200 and listed["vms"] == [] and listed["unlisted"] == 2, "listed: %s" % listed)


def test_discovery(fleet):
    vms = fleet()
    # A VM that starts shows within seconds.
    started = time.monotonic()
    vms.add("vm-c")
    vms.wait_for_list(lambda by: by.get("vm-c", {}).get("state") == "ready", "vm-c appearing")
    print("vm-c listed %.1f s after its console started" % (time.monotonic() - started))
    # A pod in DNS before its console listens (its init containers run): starting, under the
    # name its address's PTR record gives, until its console answers for it.
    address = vms.next_address()
    vms.in_dns.append(address)
    vms.pointers[address] = "vm-d." + SERVICE
    started = time.monotonic()
    vms.wait_for_list(lambda by: by.get("vm-d", {}).get("state") == "starting", "vm-d starting")
    print("vm-d listed starting %.1f s after its address came into DNS" % (time.monotonic() - started))
    vms.add("vm-d", in_dns=False)
    vms.wait_for_list(lambda by: by.get("vm-d", {}).get("state") == "ready", "vm-d ready once its console is up")
    check_failed_then_gone(vms)
    check_list_kept_without_dns(vms)


def check_failed_then_gone(vms):
    """vm-b's console stops while its address stays in DNS: failed, and no session; its address
    gone from DNS: gone from the list."""
    started = time.monotonic()
    vms.vms["vm-b"].console.stop()
    vms.wait_for_list(lambda by: by["vm-b"]["state"] == "failed", "vm-b failed")
    print("vm-b failed %.1f s after its console stopped" % (time.monotonic() - started))
    check(refused_status(vms.front_port, path="/vm-b/ws", headers=AUTH) == 502, "a failed VM's WebSocket")
    check(http_get(vms.front_port, "/vm-b/", headers=AUTH)[0] == 502, "a failed VM's page")
    vms.in_dns.remove(vms.vms["vm-b"].address)
    vms.wait_for_list(lambda by: "vm-b" not in by, "vm-b gone")
    check(http_get(vms.front_port, "/vm-b/", headers=AUTH)[0] == 404, "a gone VM is not found")


def check_list_kept_without_dns(vms):
    """DNS down: the last addresses are kept, and the failure counted."""
    listed_before = vms.vm_list()
    vms.dns.close()
    deadline = time.monotonic() + 20
    while not re.search(r"front_dns_failures_total [1-9]", http_get(vms.front_port, "/metrics")[2].decode()):
        check(time.monotonic() < deadline, "no DNS failure counted")
        time.sleep(0.2)
    check(vms.vm_list() == listed_before, "the list changed while DNS was down")
    vms.front.wait_for(r"no DNS answer for " + re.escape(SERVICE))
    vms.dns = DnsServer("127.0.0.1", vms.lookup)  # for close()


def test_metrics(parse, fleet):
    vms = fleet(names=("vm-a", "vm-b"))
    vms.add("vm-c", status=b"booting\n")
    vms.wait_for_list(lambda by: "vm-c" in by, "vm-c")
    session = vms.session("vm-a")
    session.type("metrics-typed")
    session.read_until("metrics-typed", timeout=30)
    check(http_get(vms.front_port, "/vm-a/", headers=AUTH)[0] == 200, "a page through the front")
    scrape = Scrape(parse, vms.front_port)
    print(scrape.text)
    check(scrape.value("front_vms", state="ready") == 2, "two ready")
    check(scrape.value("front_vms", state="booting") == 1, "one booting")
    check(scrape.value("front_vms", state="failed") == 0, "none failed")
    check(scrape.value("front_sessions") == 1, "one session")
    check(scrape.value("front_sessions_opened_total") == 1, "one session opened")
    check(scrape.value("front_received_bytes_total") >= len("0metrics-typed"), "bytes from the browser")
    check(scrape.value("front_sent_bytes_total") >= len("0metrics-typed"), "bytes to the browser")
    check(scrape.value("front_http_requests_total") >= 1, "the page request")
    check(scrape.value("front_discovery_rounds_total") >= 1, "rounds")
    session.close()
    deadline = time.monotonic() + 10
    while Scrape(parse, vms.front_port).value("front_sessions") != 0:
        check(time.monotonic() < deadline, "the closed session is still counted")
        time.sleep(0.2)
    check(http_get(vms.front_port, "/metrics", host_header="203.0.113.10:8080")[0] == 401,
          "/metrics at a foreign Host")
    Scrape(parse, vms.front_port, host="203.0.113.10:8080", headers=AUTH)


def test_recording(large_recording, new_fleet):
    fake, cast = large_recording
    check(len(cast) > 6 * 1024 * 1024, "a recording past the front's 4 MiB page limit")
    vms = new_fleet()
    vms.add("vm-a", console_flags=("--recording", fake.path))
    vms.add("vm-b")
    vms.start_front("--auth", PASSWORD)
    vms.wait_for_list(lambda by: {"vm-a", "vm-b"} <= set(by), "every VM listed")
    connection = HTTPConnection("127.0.0.1", vms.front_port, timeout=30)
    connection.request("GET", "/vm-a/recording.cast", headers=AUTH)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    check(answer.status == 200 and answer.getheader("Transfer-Encoding") == "chunked"
          and answer.getheader("Content-Type") == "application/x-asciicast"
          and answer.getheader("Content-Disposition") == 'attachment; filename="vm-a.cast"',
          "vm-a's recording through the front: %d %s" % (answer.status, answer.getheaders()))
    check(body == cast, "byte for byte: %d of %d bytes" % (len(body), len(cast)))
    status, _, body = http_get(vms.front_port, "/vm-a/recording.cast", headers=AUTH, method="HEAD")
    check(status == 200 and body == b"", "HEAD: %d, %d bytes" % (status, len(body)))
    status, _, body = http_get(vms.front_port, "/vm-b/recording.cast", headers=AUTH)
    check(status == 502 and b"answered 404" in body, "a VM without a recording: %d %r" % (status, body))
    print("ok: %d bytes through the front in chunks; HEAD; 502 for a VM without one" % len(cast))


def test_slow_reader(new_fleet):
    vms = new_fleet()
    vm = vms.add("vm-a", peer_flags=("--flood-bytes", str(64 * 1024 * 1024)),
                 console_flags=("--stall-timeout", "2"))
    vms.start_front("--auth", PASSWORD, "--stall-timeout", "2")
    vms.wait_for_list(lambda by: "vm-a" in by, "vm-a")
    stuck = vms.session("vm-a", receive_buffer=4096)
    stuck.type(b"\x06")  # the peer floods this session; it never reads
    deadline = time.monotonic() + 90
    while "browser stopped reading" not in vms.front.text() + vm.console.text():
        check(time.monotonic() < deadline, "nobody cut the stuck session off")
        time.sleep(0.2)
    other = vms.session("vm-a")
    other.type("still-working")
    other.read_until("still-working", timeout=30)
    with contextlib.suppress(ConnectionClosed):
        stuck.read_until_closed(timeout=60)
    check(len(stuck.output) < 64 * 1024 * 1024, "the stuck session was not cut off")
