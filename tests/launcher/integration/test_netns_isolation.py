"""Guest isolation, in a private network namespace ("pod") whose default route leads through a
veth pair into a second namespace of the test's own ("outside"), so no packet leaves the
machine. Needs root (`ip netns`) and, for VM_NETWORK=passt, passt: skipped without them.

    run-pytest.sh test_netns_isolation.py --launcher BIN --console BIN --guest DIR

In the pod namespace: the real launcher on a copy of the busybox guest, the real console
(dialing the launcher's unix socket), and a canary server on 127.0.0.1. From the guest's
shell, as root, connections to 10.0.2.2, to the guest's default gateway and (after routing
127.0.0.1 out of eth0) to 127.0.0.1, on the telnet port, the console's port and the canary's
port, must all fail: the canary receives nothing, the serial console never runs what was
sent, the console never answers.

test_isolation_user,     the above, for VM_NETWORK user or passt; also what the guest reaches
test_isolation_passt     outside (passt: the outside namespace; user: nothing) and, in user
                         mode, a VM_FORWARD_PORTS forward into the guest
test_inbound_passt       guest TCP servers reachable at the pod's address from outside (a client
                         that speaks first, as HTTP, and a server that speaks first, as SMTP), a
                         VM_FORWARD_PORTS forward too, the pod's own ports never
test_hibernate_moved_passt  passt with hibernation, the busybox guest (no agent): a guest server
                         reached at the pod's address; SIGTERM saves the guest; the pod's
                         address changes (as a new pod's does); the next start resumes it, and
                         the same server (never restarted) is reached at the new address, the
                         guest still reaching the outside
test_passt_newcomer      passt as a newcomer starts it on a host: VM_RUNTIME_DIR from
                         `mktemp -d` (mode 0700, which nobody cannot enter), the default
                         VM_PASST_PORTS, and an open-file hard limit of 20,000 (this machine's;
                         the default ports would need about 144,000): the launcher says how it
                         runs passt and which ports it forwards, the guest boots with the pod's
                         address, reaches the outside, and a guest port of the forwarded range
                         is reachable from outside

Older passt versions have faults that Debian 13's (the launcher image's) has not: Debian 12's
(0.0~git20230309) and Ubuntu 24.04's (0.0~git20240220) forward what guest root routes to
127.0.0.0/8 to the pod's loopback, and Debian 12's also never acknowledges a guest's SYN-ACK,
so a server that speaks first stalls until the client sends. With those versions the check of
their fault prints LIMITATION; with any other passt every check is strict.
"""
import ctypes
import functools
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT
from qemu_riscv64_test.processes import check

POD_ADDR, OUTSIDE_ADDR = "192.0.2.2", "192.0.2.1"  # TEST-NET-1, never routed anywhere
NEXT_POD_ADDR = "192.0.2.3"  # the pod's address after it "moved"
CONSOLE_PORT, TELNET_PORT, CANARY_PORT, OUTSIDE_PORT = 8080, 10023, 9500, 4242
# Forwarded by passt: fits this machine's RLIMIT_NOFILE (three descriptors per
# port, and 2048 kept: the launcher would narrow a range that does not),
# holds the guest's and the forward's ports, the console's and the telnet
# port; the canary's is outside it.
PASST_PORTS = "1024-5100,8000-8100,10000-10100"
GUEST_PORT, FORWARD_HOST, FORWARD_GUEST = 5000, 2222, 22
OPEN_RUNTIME_MODE = 0o755  # a VM_RUNTIME_DIR nobody (passt's user) may enter
NEWCOMER_HARD_LIMIT = 20000  # open files: the hard limit of the machine this was found on
CLONE_NEWNET = 0x40000000
# The passt versions with each known fault (see the module's text), and whose they are.
LOOPBACK_FAULT = {"0.0~git20230309": "Debian 12", "0.0~git20240220": "Ubuntu 24.04"}
SYN_ACK_FAULT = {"0.0~git20230309": "Debian 12"}


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True)


def skip_without(tool, group):
    if not shutil.which(tool):
        pytest.skip(f"needs `{tool}` (scripts/install-deps.sh {group})")


def set_netns(ns_file):
    """Moves this thread into the network namespace `ns_file` is open on, and closes it."""
    libc = ctypes.CDLL(None, use_errno=True)
    with ns_file:
        if libc.setns(ns_file.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns_file.name}")


class Namespaces:
    """pod <-veth-> outside; the pod's default route is the outside's address."""

    def __init__(self):
        tag = f"{os.getpid() % 100000}"
        self.pod, self.outside = f"qr-{tag}-pod", f"qr-{tag}-out"
        self.veth_pod, self.veth_out = f"qr{tag}p", f"qr{tag}o"

    def create(self):
        sh("ip", "netns", "add", self.pod)
        sh("ip", "netns", "add", self.outside)
        sh("ip", "link", "add", self.veth_pod, "type", "veth", "peer", "name", self.veth_out)
        sh("ip", "link", "set", self.veth_pod, "netns", self.pod)
        sh("ip", "link", "set", self.veth_out, "netns", self.outside)
        for ns, dev, addr in ((self.pod, self.veth_pod, POD_ADDR), (self.outside, self.veth_out, OUTSIDE_ADDR)):
            sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", self.pod, "route", "add", "default", "via", OUTSIDE_ADDR)

    def delete(self):
        for ns in (self.pod, self.outside):  # deleting a namespace deletes its veth end
            sh("ip", "netns", "delete", ns, check=False)

    def move_pod(self, old_addr, new_addr):
        """The pod's address changes, as a pod made again gets another."""
        sh("ip", "-n", self.pod, "addr", "del", old_addr + "/24", "dev", self.veth_pod)
        sh("ip", "-n", self.pod, "addr", "add", new_addr + "/24", "dev", self.veth_pod)
        sh("ip", "-n", self.pod, "route", "replace", "default", "via", OUTSIDE_ADDR)


@pytest.fixture
def namespaces():
    """The pod and outside namespaces (root and `ip` needed, else the test is skipped). This
    process is in the pod's for the test: the canary, the telnet client and the probes of the
    pod's loopback all run there."""
    if os.geteuid() != 0:
        pytest.skip("needs root for `ip netns` (CAP_SYS_ADMIN, CAP_NET_ADMIN)")
    skip_without("ip", "test")
    names = Namespaces()
    home = open("/proc/self/ns/net")
    try:
        names.create()
        set_netns(open(f"/run/netns/{names.pod}"))
        yield names
    finally:
        set_netns(home)
        names.delete()


@pytest.fixture
def passt():
    """Skips the test where passt is not installed."""
    skip_without("passt", "vm")


@pytest.fixture
def runtime_dirs():
    """Makes VM_RUNTIME_DIR folders in /tmp (tmp_path lies under 0700 folders, which nobody,
    passt's user, cannot enter): runtime_dirs(mode=None) -> path, chmod to `mode`, or left 0700
    as `mktemp -d` makes it. Each is removed after the test."""
    folders = []

    def make(mode=None):
        folders.append(tempfile.mkdtemp(prefix="qr-netns-"))
        if mode is not None:
            os.chmod(folders[-1], mode)
        return folders[-1]

    yield make
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pod_launcher(namespaces, runtime_dirs, launcher_process, launcher_binary):
    """Starts the launcher in the pod namespace: pod_launcher(env, **options) -> Launcher.
    Each is killed after the test (before its runtime folder is removed), and its stderr printed."""
    launchers = []

    def start(env, **options):
        launchers.append(launcher_process(env, args=("netns", "exec", namespaces.pod, launcher_binary),
                                          program="ip", **options))
        return launchers[-1]

    yield start
    for launcher in launchers:
        launcher.kill()
        print(f"\nthe launcher's stderr:\n{launcher.stderr}")


def launcher_env(guest_dir, network, runtime, extra_env=None):
    """The launcher's settings in the pod: the console's port a pod port, its telnet also on a
    unix socket in `runtime`, passt's ports PASST_PORTS."""
    return {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "256", "VM_NETWORK": network,
            "VM_TELNET_SOCKET": os.path.join(runtime, "console.sock"),
            "VM_POD_PORTS": str(CONSOLE_PORT), "VM_RUNTIME_DIR": runtime,
            "VM_TELNET_PORT": str(TELNET_PORT), "VM_PASST_PORTS": PASST_PORTS, **(extra_env or {})}


@pytest.fixture
def pod_console(namespaces, console_binary):
    """Starts the console in the pod, on 127.0.0.1:CONSOLE_PORT, dialing the launcher's unix
    socket in `runtime`: pod_console(runtime); stopped after the test."""
    consoles = []

    def start(runtime):
        consoles.append(subprocess.Popen(
            ["ip", "netns", "exec", namespaces.pod, console_binary, "--listen", f"127.0.0.1:{CONSOLE_PORT}",
             "--telnet", "unix:" + os.path.join(runtime, "console.sock")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield start
    for console in consoles:
        console.kill()
        console.wait()


class Canary:
    """A TCP server and a UDP socket on the pod's 127.0.0.1 (same port number)
    that record every connection and datagram."""

    def __init__(self, port):
        self.connections = []
        self.server = socket.create_server(("127.0.0.1", port))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", port))
        threading.Thread(target=self._serve, daemon=True).start()
        threading.Thread(target=self._receive, daemon=True).start()

    def _receive(self):
        while True:
            try:
                self.connections.append(self.udp.recvfrom(4096))
            except OSError:
                return

    def _serve(self):
        while True:
            try:
                conn, peer = self.server.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            self.connections.append((peer, data))
            conn.close()

    def close(self):
        self.server.close()
        self.udp.close()


@pytest.fixture
def canary(namespaces):
    """The canary on the pod's 127.0.0.1:CANARY_PORT, closed after the test."""
    listener = Canary(CANARY_PORT)
    yield listener
    listener.close()


@pytest.fixture
def outside_server(namespaces):
    """A server in the outside namespace the guest may reach (passt): it answers
    `outside-answers`; stopped after the test."""
    code = ("import socket\n"
            f"s = socket.create_server(('{OUTSIDE_ADDR}', {OUTSIDE_PORT}))\n"
            "while True:\n"
            "  c, _ = s.accept(); c.sendall(b'outside-answers\\n'); c.close()\n")
    server = subprocess.Popen(["ip", "netns", "exec", namespaces.outside, sys.executable, "-c", code])
    yield server
    server.kill()
    server.wait()


class GuestShell:
    """The guest's shell, through one telnet client of the launcher."""

    def __init__(self, launcher):
        self.client = launcher.client()
        self.counter = 0

    def run(self, command, timeout=120):
        """Runs `command`; returns what it printed between two markers (the
        typed line shows $((n)), never the computed n)."""
        self.counter += 1
        n = self.counter
        self.client.type(f"echo begin-$(({n})); {command}; echo end-$(({n}))\r")
        text = self.client.read_until(f"end-{n}\r\n".encode(), timeout)
        start = text.rindex(f"begin-{n}\r\n".encode()) + len(f"begin-{n}\r\n")
        return text[start:text.rindex(f"end-{n}\r\n".encode())].decode(errors="replace")


def booted_shell(launcher):
    """The guest's shell once the busybox guest is ready and its prompt is there."""
    guest = GuestShell(launcher)
    guest.client.read_until(b"busybox guest ready")
    guest.client.read_until(PROMPT)
    return guest


def python_in(ns, code):
    """Runs Python `code` in namespace `ns`; returns its stdout and stderr."""
    result = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                            capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


HEALTHZ = (f"import socket\n"
           f"c = socket.create_connection(('127.0.0.1', {CONSOLE_PORT}), timeout=5)\n"
           f"c.sendall(b'GET /healthz HTTP/1.0\\r\\n\\r\\n')\n"
           f"print(c.recv(200))\n")


def tcp_read_code(addr, port, request=None):
    """Connects, sends `request` first if given, prints what comes back."""
    send = f"  c.sendall({request!r})\n" if request else ""
    return (f"import socket\n"
            f"try:\n"
            f"  c = socket.create_connection(('{addr}', {port}), timeout=5)\n"
            f"  c.settimeout(5)\n"
            f"{send}"
            f"  print('GOT', c.recv(200))\n"
            f"except OSError as e:\n"
            f"  print('FAILED', e)\n")


@functools.cache
def passt_version():
    """The host's passt package version (empty without one), asked once."""
    return sh("dpkg-query", "-W", "-f", "${Version}", "passt", check=False).stdout


def known_fault(faulty_versions):
    """"passt VERSION (RELEASE's)" when the host's passt is one of faulty_versions, else None."""
    for prefix, release in faulty_versions.items():
        if passt_version().startswith(prefix):
            return f"passt {prefix} ({release}'s)"
    return None


def guest_address(guest):
    return guest.run("ip -4 addr show eth0 | sed -n 's/.*inet \\([0-9.]*\\).*/\\1/p'").strip()


def udp_probe(target):
    """busybox has no `nc -u`: tftp sends one datagram (a read request)."""
    return f"timeout 3 tftp -g -r udp-canary -l /tmp/udp-canary {target} {CANARY_PORT} 2>/dev/null"


def attempts(guest, telnet_port):
    """Connections from the guest to every loopback listener through every
    address that might lead there; returns the gateway and a report line per attempt."""
    routes = guest.run("ip route")
    if "default via" not in routes:
        # Restricted user networking leases no gateway; root in the guest adds
        # QEMU's usual one.
        guest.run("ip route add default via 10.0.2.2 dev eth0")
        routes = guest.run("ip route")
    gateway = next((line.split()[2] for line in routes.splitlines()
                    if line.startswith("default via ")), None)
    check(gateway, f"the guest has no default route: {routes!r}")
    targets = ["10.0.2.2", "10.0.2.3", gateway]
    report = []
    for target in dict.fromkeys(targets):
        for port in (telnet_port, CONSOLE_PORT, CANARY_PORT):
            # Were this the serial console, it would run this line and print PWNED42.
            out = guest.run(f"echo bytes=$(printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n"
                            f"echo PWNED$((40+2))\\r\\n' | timeout 5 nc -w 2 {target} {port} "
                            f"2>/dev/null | wc -c)")
            report.append((target, port, out))
        guest.run(udp_probe(target))
    return gateway, report


def check_no_path_to_loopback(guest, launcher, canary):
    """No connection from the guest gets an answer, the canary hears nothing, the serial
    console runs nothing; returns the guest's gateway."""
    gateway, report = attempts(guest, launcher.port)
    for target, port, out in report:
        print(f"  guest -> {target}:{port}: {out.strip()}")
        check("bytes=0" in out, f"the guest got an answer from {target}:{port}: {out}")
    check(not canary.connections, f"the canary on 127.0.0.1 was reached: {canary.connections}")
    check(b"PWNED42" not in launcher.stdout, "the guest typed into its own serial console")
    return gateway


def route_loopback_out_of_eth0(guest, gateway):
    """Root in the guest sends to 127.0.0.1 itself, through eth0."""
    guest.run("echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet; "
              "echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet; "
              "ip route del local 127.0.0.0/8 dev lo table local; "
              "ip route del local 127.0.0.1 dev lo table local; "
              f"ip route add 127.0.0.1/32 via {gateway} dev eth0 2>&1")
    routed = guest.run("ip route get 127.0.0.1")
    check("eth0" in routed, f"127.0.0.1 is not routed out of eth0: {routed}")


def check_user_root_route(guest, gateway, launcher, canary):
    """User networking (restricted) drops whatever guest root addresses to 127.0.0.1."""
    route_loopback_out_of_eth0(guest, gateway)
    for port in (launcher.port, CONSOLE_PORT, CANARY_PORT):
        out = guest.run(f"echo bytes=$(printf 'echo PWNED$((40+2))\\r\\n' | "
                        f"timeout 5 nc -w 2 127.0.0.1 {port} 2>/dev/null | wc -c)")
        print(f"  guest root -> 127.0.0.1:{port} via eth0: {out.strip()}")
        check("bytes=0" in out, f"guest root reached 127.0.0.1:{port}: {out}")
    guest.run(udp_probe("127.0.0.1"))
    check(not canary.connections, f"the canary on 127.0.0.1 was reached: {canary.connections}")
    check(b"PWNED42" not in launcher.stdout, "guest root typed into its own serial console")


def check_passt_root_route(guest, gateway, canary):
    """passt drops what guest root routes to 127.0.0.1 out of eth0 (Debian
    12's and Ubuntu 24.04's passt forward it: LIMITATION, launcher/README.md)."""
    route_loopback_out_of_eth0(guest, gateway)
    guest.run(f"echo tcp-canary | timeout 5 nc -w 2 127.0.0.1 {CANARY_PORT}")
    guest.run(udp_probe("127.0.0.1"))
    # A datagram that must not arrive has no answer to wait for: the canary is given a second.
    time.sleep(1)
    fault = known_fault(LOOPBACK_FAULT)
    if fault:
        print(f"  LIMITATION ({fault}): guest root routing 127.0.0.0/8 out of "
              f"eth0 reached the pod's 127.0.0.1: {canary.connections}")
        return
    check(not canary.connections, f"guest root reached the pod's 127.0.0.1: {canary.connections}")
    print("  guest root -> 127.0.0.1 via eth0: nothing reached the canary")


def check_outside_reach(guest, network):
    """passt: the guest reaches the outside namespace; user: it does not."""
    out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
    if network == "passt":
        check("outside-answers" in out, f"passt: the guest cannot reach the outside: {out}")
    else:
        check("outside-answers" not in out, f"user: the guest reached the outside: {out}")
    print(f"  guest -> outside {OUTSIDE_ADDR}:{OUTSIDE_PORT}: "
          f"{'reached' if 'outside-answers' in out else 'not reached'}")


def wait_listening(guest, port):
    """Until a guest server listens on `port` (again: a loop starts a new nc after each client)."""
    guest.run(f"until netstat -ltn | grep -q ':{port} '; do sleep 1; done")


def guest_server(guest, port, word):
    """A server in the guest that answers `word` to every client, listening once this returns."""
    guest.run(f"(while :; do echo {word} | nc -l -p {port}; done >/dev/null 2>&1 &)")
    wait_listening(guest, port)


def check_user_forward(guest, names):
    """VM_FORWARD_PORTS reaches a server in the guest from outside, at the pod's address."""
    guest.run(f"(echo forwarded-to-guest | nc -l -p {FORWARD_GUEST} &)")
    wait_listening(guest, FORWARD_GUEST)
    got = python_in(names.outside, tcp_read_code(POD_ADDR, FORWARD_HOST))
    check("forwarded-to-guest" in got, f"VM_FORWARD_PORTS did not reach the guest: {got}")
    print(f"  outside -> {POD_ADDR}:{FORWARD_HOST} (VM_FORWARD_PORTS): {got.strip()}")


def check_isolation(network, names, start_launcher, start_console, canary, guest_dir, runtime):
    extra = {"VM_FORWARD_PORTS": f"{FORWARD_HOST}:{FORWARD_GUEST}"} if network == "user" else {}
    launcher = start_launcher(launcher_env(guest_dir, network, runtime, extra))
    start_console(runtime)
    guest = booted_shell(launcher)
    print(f"{network}: guest address {guest_address(guest)}")
    # The console answers on the pod's loopback, and bridges the unix socket.
    health = subprocess.run([sys.executable, "-c", HEALTHZ], capture_output=True, text=True).stdout
    check("200 OK" in health, f"the console does not answer in the pod: {health}")
    gateway = check_no_path_to_loopback(guest, launcher, canary)
    if network == "user":
        check_user_root_route(guest, gateway, launcher, canary)
    else:
        check_passt_root_route(guest, gateway, canary)
    check_outside_reach(guest, network)
    if network == "user":
        check_user_forward(guest, names)
        print("user: nothing in the guest, root included, reached the pod's loopback: ok")
    else:
        print("passt: no path from the guest reached the pod's loopback: ok"
              + (" (but guest root's: LIMITATION above)" if known_fault(LOOPBACK_FAULT) else ""))


def test_isolation_user(namespaces, pod_launcher, pod_console, canary, outside_server, busybox_dir, runtime_dirs):
    check_isolation("user", namespaces, pod_launcher, pod_console, canary, busybox_dir,
                    runtime_dirs(OPEN_RUNTIME_MODE))


def test_isolation_passt(passt, namespaces, pod_launcher, pod_console, canary, outside_server, busybox_dir,
                         runtime_dirs):
    check_isolation("passt", namespaces, pod_launcher, pod_console, canary, busybox_dir,
                    runtime_dirs(OPEN_RUNTIME_MODE))


def soft_open_file_limit_1024():
    """A soft open-file limit of 1024 (systemd's default) under the hard one."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))


def check_pod_ports_kept(names, telnet_port):
    """The pod's own ports (the console's, the telnet port) never reach the guest's servers on them."""
    for port in (CONSOLE_PORT, telnet_port):
        got = python_in(names.outside, tcp_read_code(POD_ADDR, port))
        check("guest-on" not in got, f"pod port {port} was forwarded to the guest: {got}")
        print(f"outside -> {POD_ADDR}:{port} (a pod port): {got.strip()}")


def test_inbound_passt(passt, namespaces, pod_launcher, busybox_dir, runtime_dirs):
    extra = {"VM_FORWARD_PORTS": f"{FORWARD_HOST}:{FORWARD_GUEST}"}
    # passt's ~13,000 sockets need passt to raise its soft limit to the hard one.
    launcher = pod_launcher(launcher_env(busybox_dir, "passt", runtime_dirs(OPEN_RUNTIME_MODE), extra),
                            preexec_fn=soft_open_file_limit_1024)
    guest = booted_shell(launcher)
    telnet = launcher.port
    # Servers in the guest: an ordinary port, the forward's guest port, the
    # pod's own ports (which must stay the pod's), and a UDP port.
    for port, word in ((GUEST_PORT, "guest-tcp"), (FORWARD_GUEST, "guest-ssh"),
                       (CONSOLE_PORT, "guest-on-console-port"), (telnet, "guest-on-telnet-port")):
        guest.run(f"(while :; do echo {word} | nc -l -p {port}; done >/dev/null 2>&1 &)")
    # A client that speaks first (HTTP), then a server that speaks first.
    got = python_in(namespaces.outside, tcp_read_code(POD_ADDR, GUEST_PORT, b"GET / HTTP/1.0\r\n\r\n"))
    if "guest-tcp" not in got:
        print("guest:", guest.run("netstat -ltn; ip addr show eth0; ip route"))
    check("guest-tcp" in got, f"guest TCP port {GUEST_PORT} not reachable: {got}")
    print(f"outside -> {POD_ADDR}:{GUEST_PORT}, client first: {got.strip()}")
    # That nc has ended and the loop starts another: until it listens, passt's
    # connection to the guest is refused and the client reads nothing.
    wait_listening(guest, GUEST_PORT)
    got = python_in(namespaces.outside, tcp_read_code(POD_ADDR, GUEST_PORT))
    fault = known_fault(SYN_ACK_FAULT)
    if fault and "guest-tcp" not in got:
        print(f"LIMITATION ({fault}): a guest server that speaks first "
              f"stalls until the client sends: {got.strip()}")
    else:
        check("guest-tcp" in got, f"guest TCP port {GUEST_PORT}, server first: {got}")
        print(f"outside -> {POD_ADDR}:{GUEST_PORT}, server first: {got.strip()}")
    got = python_in(namespaces.outside, tcp_read_code(POD_ADDR, FORWARD_HOST, b"SSH-2.0-test\r\n"))
    check("guest-ssh" in got, f"VM_FORWARD_PORTS {FORWARD_HOST}:{FORWARD_GUEST}: {got}")
    print(f"outside -> {POD_ADDR}:{FORWARD_HOST} (to guest {FORWARD_GUEST}): {got.strip()}")
    check_pod_ports_kept(namespaces, telnet)
    print("passt: guest ports reachable at the pod's address, the pod's own ports not: ok")


def hibernate_in_pod(launcher, guest_dir):
    """SIGTERM saves the guest; hibernate.conf keeps passt's lease of the pod's address."""
    launcher.signal(signal.SIGTERM)
    check(launcher.wait(timeout=360) == 0, f"the launcher did not hibernate: {launcher.stderr}")
    with open(os.path.join(guest_dir, "hibernate.conf")) as conf:
        kept = conf.read()
    check(f"LEASE='{POD_ADDR} 255.255.255.0 {OUTSIDE_ADDR}'" in kept,
          f"hibernate.conf keeps no lease of {POD_ADDR}: {kept}")


def test_hibernate_moved_passt(passt, namespaces, pod_launcher, outside_server, busybox_dir, runtime_dirs):
    hibernating = {"VM_HIBERNATE": "on", "VM_SHUTDOWN_TIMEOUT": "300"}
    env = launcher_env(busybox_dir, "passt", runtime_dirs(OPEN_RUNTIME_MODE), hibernating)
    first = pod_launcher(env)
    guest = booted_shell(first)
    guest_server(guest, GUEST_PORT, "same-server-$((40+2))")
    got = python_in(namespaces.outside, tcp_read_code(POD_ADDR, GUEST_PORT, b"GET /\r\n"))
    check("same-server-42" in got, f"the guest server is not reached at {POD_ADDR}: {got}")
    # Saved while it listens again.
    wait_listening(guest, GUEST_PORT)
    hibernate_in_pod(first, busybox_dir)
    namespaces.move_pod(POD_ADDR, NEXT_POD_ADDR)
    second = pod_launcher(env)
    second.wait_stderr(r"launcher: hibernate: resumed in")
    given = second.wait_stderr(r"launcher: passt \(pid \d+\) gives the guest [^\n]*").group(0)
    check(f"the address it had, {POD_ADDR}" in given, given)
    print(given)
    # Nothing is typed into the resumed guest before the server is reached.
    got = python_in(namespaces.outside, tcp_read_code(NEXT_POD_ADDR, GUEST_PORT, b"GET /\r\n"))
    check("same-server-42" in got, f"the resumed guest's server is not reached at the new {NEXT_POD_ADDR}: {got}")
    print(f"outside -> {NEXT_POD_ADDR}:{GUEST_PORT} after the move: {got.strip()}")
    guest.client = second.client()  # its numbering goes on: the screen replayed holds the old
    out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
    check("outside-answers" in out, f"the resumed guest cannot reach the outside: {out}")
    print("moved: the resumed guest keeps its address and is reached at the pod's new one: ok")


def newcomer_open_file_limit():
    """The hard open-file limit at most NEWCOMER_HARD_LIMIT, the soft one under it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    hard = min(hard, NEWCOMER_HARD_LIMIT)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard), hard))


def check_passt_settings_said(launcher, runtime):
    """The launcher says passt runs as root (nobody cannot enter `runtime`) and which ports it
    forwards, narrowed to fit the open-file limit; returns the first of them."""
    runs_as = launcher.wait_stderr(r"launcher: passt runs as root[^\n]*").group(0)
    check(f"nobody cannot enter {runtime} (mode 0700)" in runs_as, runs_as)
    print(runs_as)
    narrowed = launcher.wait_stderr(r"launcher: passt forwards only (\d+)-(\d+) \(\d+ ports\), "
                                    r"not VM_PASST_PORTS=1024-49151[^\n]*")
    print(narrowed.group(0))
    first, last = int(narrowed.group(1)), int(narrowed.group(2))
    check((last - first + 1) * 3 < NEWCOMER_HARD_LIMIT, "the ports do not fit the limit")
    return first


def test_passt_newcomer(passt, namespaces, pod_launcher, outside_server, busybox_dir, runtime_dirs, monkeypatch):
    runtime = runtime_dirs()
    check(stat.S_IMODE(os.stat(runtime).st_mode) == 0o700, "mkdtemp did not give mode 0700")
    monkeypatch.delenv("VM_PASST_PORTS", raising=False)  # the default, 1024-49151
    launcher = pod_launcher({"VM_DATA_DIR": busybox_dir, "VM_MEMORY": "256", "VM_NETWORK": "passt",
                             "VM_RUNTIME_DIR": runtime, "VM_TELNET_PORT": str(TELNET_PORT)},
                            preexec_fn=newcomer_open_file_limit)
    guest = booted_shell(launcher)
    port = check_passt_settings_said(launcher, runtime)
    address = guest_address(guest)
    check(address == POD_ADDR, f"the guest's address is {address!r}, not the pod's {POD_ADDR}")
    out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
    check("outside-answers" in out, f"the guest cannot reach the outside: {out}")
    guest_server(guest, port, "guest-tcp")
    got = python_in(namespaces.outside, tcp_read_code(POD_ADDR, port, b"GET / HTTP/1.0\r\n\r\n"))
    check("guest-tcp" in got, f"guest port {port} not reachable from outside: {got}")
    print(f"newcomer: guest {address}, reaches {OUTSIDE_ADDR}:{OUTSIDE_PORT}, "
          f"its port {port} reached from outside: ok")
