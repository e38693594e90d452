#!/usr/bin/env python3
"""Guest isolation, in a private network namespace ("pod") whose default route
leads through a veth pair into a second namespace of the test's own
("outside"), so no packet leaves the machine.

In the pod namespace: the real launcher on a copy of the busybox guest, the
real console (dialing the launcher's unix socket), and a canary server on
127.0.0.1. From the guest's shell, as root, connections to 10.0.2.2, to the
guest's default gateway and (after routing 127.0.0.1 out of eth0) to
127.0.0.1, on the telnet port, the console's port and the canary's port, must
all fail: the canary receives nothing, the serial console never runs what was
sent, the console never answers.

  isolation  the above, for VM_NETWORK (user or passt); also what the guest
             reaches outside (passt: the outside namespace; user: nothing)
             and, in user mode, a VM_FORWARD_PORTS forward into the guest.
  inbound    passt: guest TCP servers reachable at the pod's address
             from outside (a client that speaks first, as HTTP, and a
             server that speaks first, as SMTP), a VM_FORWARD_PORTS forward
             too, the pod's own ports never.
  moved      passt with hibernation, the busybox guest (no agent): a guest
             server reached at the pod's address; SIGTERM saves the guest; the
             pod's address changes (as a new pod's does); the next start
             resumes it, and the same server (never restarted) is reached at
             the new address, the guest still reaching the outside.
  newcomer   passt as a newcomer starts it on a host: VM_RUNTIME_DIR from
             `mktemp -d` (mode 0700, which nobody cannot enter), the default
             VM_PASST_PORTS, and an open-file hard limit of 20,000 (this
             machine's; the default ports would need about 144,000): the
             launcher says how it runs passt and which ports it forwards, the
             guest boots with the pod's address, reaches the outside, and a
             guest port of the forwarded range is reachable from outside.

Older passt versions have faults that Debian 13's (the launcher image's) has
not: Debian 12's (0.0~git20230309) and Ubuntu 24.04's (0.0~git20240220)
forward what guest root routes to 127.0.0.0/8 to the pod's loopback, and
Debian 12's also never acknowledges a guest's SYN-ACK, so a server that speaks
first stalls until the client sends. With those versions the check of their
fault prints LIMITATION; with any other passt every check is strict.

usage: test_netns_isolation.py isolation|inbound|moved|newcomer user|passt LAUNCHER CONSOLE GUEST_DIR"""
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

from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, PrivateGuest
from qemu_riscv64_test.launcher import Launcher

POD_ADDR, OUTSIDE_ADDR = "192.0.2.2", "192.0.2.1"  # TEST-NET-1, never routed anywhere
NEXT_POD_ADDR = "192.0.2.3"  # the pod's address after it "moved"
CONSOLE_PORT, TELNET_PORT, CANARY_PORT, OUTSIDE_PORT = 8080, 10023, 9500, 4242
# Forwarded by passt: fits this machine's RLIMIT_NOFILE (three descriptors per
# port, and 2048 kept: the launcher would narrow a range that does not),
# holds the guest's and the forward's ports, the console's and the telnet
# port; the canary's is outside it.
PASST_PORTS = "1024-5100,8000-8100,10000-10100"
GUEST_PORT, FORWARD_HOST, FORWARD_GUEST = 5000, 2222, 22


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True)


class Namespaces:
    """pod <-veth-> outside; the pod's default route is the outside's address."""

    def __init__(self):
        tag = f"{os.getpid() % 100000}"
        self.pod, self.outside = f"qr-{tag}-pod", f"qr-{tag}-out"
        self.veth_pod, self.veth_out = f"qr{tag}p", f"qr{tag}o"

    def __enter__(self):
        try:
            sh("ip", "netns", "add", self.pod)
            sh("ip", "netns", "add", self.outside)
            sh("ip", "link", "add", self.veth_pod, "type", "veth", "peer", "name", self.veth_out)
            sh("ip", "link", "set", self.veth_pod, "netns", self.pod)
            sh("ip", "link", "set", self.veth_out, "netns", self.outside)
            for ns, dev, addr in ((self.pod, self.veth_pod, POD_ADDR),
                                  (self.outside, self.veth_out, OUTSIDE_ADDR)):
                sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
                sh("ip", "-n", ns, "link", "set", dev, "up")
                sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", self.pod, "route", "add", "default", "via", OUTSIDE_ADDR)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for ns in (self.pod, self.outside):  # deleting a namespace deletes its veth end
            sh("ip", "netns", "delete", ns, check=False)


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


class Guest:
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


def outside(ns, code):
    """Runs Python `code` in namespace `ns`; returns its stdout."""
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


def start_outside_server(ns):
    """A server in the outside namespace the guest may reach (passt)."""
    code = ("import socket\n"
            f"s = socket.create_server(('{OUTSIDE_ADDR}', {OUTSIDE_PORT}))\n"
            "while True:\n"
            "  c, _ = s.accept(); c.sendall(b'outside-answers\\n'); c.close()\n")
    return subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", code])


# The passt versions with each known fault (see the module's text), and whose they are.
LOOPBACK_FAULT = {"0.0~git20230309": "Debian 12", "0.0~git20240220": "Ubuntu 24.04"}
SYN_ACK_FAULT = {"0.0~git20230309": "Debian 12"}


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


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def attempts(guest, telnet_port):
    """Connections from the guest to every loopback listener through every
    address that might lead there; returns a report line per attempt."""
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


def udp_probe(target):
    """busybox has no `nc -u`: tftp sends one datagram (a read request)."""
    return f"timeout 3 tftp -g -r udp-canary -l /tmp/udp-canary {target} {CANARY_PORT} 2>/dev/null"


def route_loopback_out_of_eth0(guest, gateway):
    """Root in the guest sends to 127.0.0.1 itself, through eth0."""
    guest.run("echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet; "
              "echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet; "
              "ip route del local 127.0.0.0/8 dev lo table local; "
              "ip route del local 127.0.0.1 dev lo table local; "
              f"ip route add 127.0.0.1/32 via {gateway} dev eth0 2>&1")
    routed = guest.run("ip route get 127.0.0.1")
    check("eth0" in routed, f"127.0.0.1 is not routed out of eth0: {routed}")


def root_route_attempts(guest, gateway, launcher, canary):
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


def passt_root_route(guest, gateway, launcher, canary):
    """passt drops what guest root routes to 127.0.0.1 out of eth0 (Debian
    12's and Ubuntu 24.04's passt forward it: LIMITATION, launcher/README.md)."""
    route_loopback_out_of_eth0(guest, gateway)
    guest.run(f"echo tcp-canary | timeout 5 nc -w 2 127.0.0.1 {CANARY_PORT}")
    guest.run(udp_probe("127.0.0.1"))
    time.sleep(1)  # the UDP datagram has no answer to wait for
    fault = known_fault(LOOPBACK_FAULT)
    if fault:
        print(f"  LIMITATION ({fault}): guest root routing 127.0.0.0/8 out of "
              f"eth0 reached the pod's 127.0.0.1: {canary.connections}")
        return
    check(not canary.connections, f"guest root reached the pod's 127.0.0.1: {canary.connections}")
    print("  guest root -> 127.0.0.1 via eth0: nothing reached the canary")


def boot(ns, binary, guest_dir, network, extra_env, runtime):
    env = {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "256", "VM_NETWORK": network,
           "VM_TELNET_SOCKET": os.path.join(runtime, "console.sock"),
           "VM_POD_PORTS": str(CONSOLE_PORT), "VM_RUNTIME_DIR": runtime,
           "VM_TELNET_PORT": str(TELNET_PORT), "VM_PASST_PORTS": PASST_PORTS}
    env.update(extra_env)
    return Launcher("ip", env, args=("netns", "exec", ns, binary))


def isolation(names, network, binary, console_binary, guest_dir, runtime):
    canary = Canary(CANARY_PORT)
    extra = {"VM_FORWARD_PORTS": f"{FORWARD_HOST}:{FORWARD_GUEST}"} if network == "user" else {}
    launcher = boot(names.pod, binary, guest_dir, network, extra, runtime)
    console = subprocess.Popen(
        ["ip", "netns", "exec", names.pod, console_binary, "--listen",
         f"127.0.0.1:{CONSOLE_PORT}", "--telnet", "unix:" + os.path.join(runtime, "console.sock")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outside_server = start_outside_server(names.outside)
    try:
        guest = Guest(launcher)
        guest.client.read_until(b"busybox guest ready")
        guest.client.read_until(PROMPT)
        address = guest.run("ip -4 addr show eth0 | sed -n 's/.*inet \\([0-9.]*\\).*/\\1/p'")
        print(f"{network}: guest address {address.strip()}")
        # The console answers on the pod's loopback, and bridges the unix socket.
        health = subprocess.run([sys.executable, "-c", HEALTHZ], capture_output=True,
                                text=True).stdout
        check("200 OK" in health, f"the console does not answer in the pod: {health}")
        gateway, report = attempts(guest, launcher.port)
        for target, port, out in report:
            print(f"  guest -> {target}:{port}: {out.strip()}")
            check("bytes=0" in out, f"the guest got an answer from {target}:{port}: {out}")
        check(not canary.connections, f"the canary on 127.0.0.1 was reached: {canary.connections}")
        check(b"PWNED42" not in launcher.stdout, "the guest typed into its own serial console")
        if network == "user":
            root_route_attempts(guest, gateway, launcher, canary)
        else:
            passt_root_route(guest, gateway, launcher, canary)
        # What the guest reaches outside the pod.
        out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
        if network == "passt":
            check("outside-answers" in out, f"passt: the guest cannot reach the outside: {out}")
        else:
            check("outside-answers" not in out, f"user: the guest reached the outside: {out}")
        print(f"  guest -> outside {OUTSIDE_ADDR}:{OUTSIDE_PORT}: "
              f"{'reached' if 'outside-answers' in out else 'not reached'}")
        if network == "user":
            guest.run(f"(echo forwarded-to-guest | nc -l -p {FORWARD_GUEST} &) ; sleep 1")
            got = outside(names.outside, tcp_read_code(POD_ADDR, FORWARD_HOST))
            check("forwarded-to-guest" in got, f"VM_FORWARD_PORTS did not reach the guest: {got}")
            print(f"  outside -> {POD_ADDR}:{FORWARD_HOST} (VM_FORWARD_PORTS): {got.strip()}")
        if network == "user":
            print("user: nothing in the guest, root included, reached the pod's loopback: ok")
        else:
            print("passt: no path from the guest reached the pod's loopback: ok"
                  + (" (but guest root's: LIMITATION above)" if known_fault(LOOPBACK_FAULT) else ""))
    finally:
        launcher.kill()
        for proc in (console, outside_server):
            proc.kill()
            proc.wait()
        canary.server.close()
        canary.udp.close()
        print(launcher.stderr)


def inbound(names, binary, guest_dir, runtime):
    extra = {"VM_FORWARD_PORTS": f"{FORWARD_HOST}:{FORWARD_GUEST}"}
    # A soft open-file limit of 1024 (systemd's default) under the hard one:
    # passt's ~13,000 sockets need passt to raise its own to the hard one.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    launcher = boot(names.pod, binary, guest_dir, "passt", extra, runtime)
    try:
        guest = Guest(launcher)
        guest.client.read_until(b"busybox guest ready")
        guest.client.read_until(PROMPT)
        telnet = launcher.port
        # Servers in the guest: an ordinary port, the forward's guest port, the
        # pod's own ports (which must stay the pod's), and a UDP port.
        for port, word in ((GUEST_PORT, "guest-tcp"), (FORWARD_GUEST, "guest-ssh"),
                           (CONSOLE_PORT, "guest-on-console-port"),
                           (telnet, "guest-on-telnet-port")):
            guest.run(f"(while :; do echo {word} | nc -l -p {port}; done >/dev/null 2>&1 &)")
        # A client that speaks first (HTTP), then a server that speaks first.
        got = outside(names.outside, tcp_read_code(POD_ADDR, GUEST_PORT, b"GET / HTTP/1.0\r\n\r\n"))
        if "guest-tcp" not in got:
            print("guest:", guest.run("netstat -ltn; ip addr show eth0; ip route"))
        check("guest-tcp" in got, f"guest TCP port {GUEST_PORT} not reachable: {got}")
        print(f"outside -> {POD_ADDR}:{GUEST_PORT}, client first: {got.strip()}")
        # That nc has ended and the loop starts another: until it listens, passt's
        # connection to the guest is refused and the client reads nothing.
        guest.run(f"until netstat -ltn | grep -q ':{GUEST_PORT} '; do sleep 1; done")
        got = outside(names.outside, tcp_read_code(POD_ADDR, GUEST_PORT))
        fault = known_fault(SYN_ACK_FAULT)
        if fault and "guest-tcp" not in got:
            print(f"LIMITATION ({fault}): a guest server that speaks first "
                  f"stalls until the client sends: {got.strip()}")
        else:
            check("guest-tcp" in got, f"guest TCP port {GUEST_PORT}, server first: {got}")
            print(f"outside -> {POD_ADDR}:{GUEST_PORT}, server first: {got.strip()}")
        got = outside(names.outside, tcp_read_code(POD_ADDR, FORWARD_HOST, b"SSH-2.0-test\r\n"))
        check("guest-ssh" in got, f"VM_FORWARD_PORTS {FORWARD_HOST}:{FORWARD_GUEST}: {got}")
        print(f"outside -> {POD_ADDR}:{FORWARD_HOST} (to guest {FORWARD_GUEST}): {got.strip()}")
        for port in (CONSOLE_PORT, telnet):
            got = outside(names.outside, tcp_read_code(POD_ADDR, port))
            check("guest-on" not in got, f"pod port {port} was forwarded to the guest: {got}")
            print(f"outside -> {POD_ADDR}:{port} (a pod port): {got.strip()}")
        print("passt: guest ports reachable at the pod's address, the pod's own ports not: ok")
    finally:
        launcher.kill()
        print(launcher.stderr)


def guest_server(guest, port, word):
    """A server in the guest that answers `word` to every client, listening once this returns."""
    guest.run(f"(while :; do echo {word} | nc -l -p {port}; done >/dev/null 2>&1 &)")
    guest.run(f"until netstat -ltn | grep -q ':{port} '; do sleep 1; done")


def move_pod(names, old_addr, new_addr):
    """The pod's address changes, as a pod made again gets another."""
    sh("ip", "-n", names.pod, "addr", "del", old_addr + "/24", "dev", names.veth_pod)
    sh("ip", "-n", names.pod, "addr", "add", new_addr + "/24", "dev", names.veth_pod)
    sh("ip", "-n", names.pod, "route", "replace", "default", "via", OUTSIDE_ADDR)


def moved(names, binary, guest_dir, runtime):
    hibernating = {"VM_HIBERNATE": "on", "VM_SHUTDOWN_TIMEOUT": "300"}
    first = boot(names.pod, binary, guest_dir, "passt", hibernating, runtime)
    outside_server = start_outside_server(names.outside)
    second = None
    try:
        guest = Guest(first)
        guest.client.read_until(b"busybox guest ready")
        guest.client.read_until(PROMPT)
        guest_server(guest, GUEST_PORT, "same-server-$((40+2))")
        got = outside(names.outside, tcp_read_code(POD_ADDR, GUEST_PORT, b"GET /\r\n"))
        check("same-server-42" in got, f"the guest server is not reached at {POD_ADDR}: {got}")
        # Saved while it listens again (the loop starts a new nc after each client).
        guest.run(f"until netstat -ltn | grep -q ':{GUEST_PORT} '; do sleep 1; done")
        first.signal(signal.SIGTERM)
        check(first.wait(timeout=360) == 0, f"the launcher did not hibernate: {first.stderr}")
        with open(os.path.join(guest_dir, "hibernate.conf")) as conf:
            kept = conf.read()
        check(f"LEASE='{POD_ADDR} 255.255.255.0 {OUTSIDE_ADDR}'" in kept,
              f"hibernate.conf keeps no lease of {POD_ADDR}: {kept}")
        move_pod(names, POD_ADDR, NEXT_POD_ADDR)
        second = boot(names.pod, binary, guest_dir, "passt", hibernating, runtime)
        second.wait_stderr(r"launcher: hibernate: resumed in")
        given = second.wait_stderr(r"launcher: passt \(pid \d+\) gives the guest [^\n]*").group(0)
        check(f"the address it had, {POD_ADDR}" in given, given)
        print(given)
        # Nothing is typed into the resumed guest before the server is reached.
        got = outside(names.outside, tcp_read_code(NEXT_POD_ADDR, GUEST_PORT, b"GET /\r\n"))
        check("same-server-42" in got,
              f"the resumed guest's server is not reached at the new {NEXT_POD_ADDR}: {got}")
        print(f"outside -> {NEXT_POD_ADDR}:{GUEST_PORT} after the move: {got.strip()}")
        guest.client = second.client()  # its numbering goes on: the screen replayed holds the old
        out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
        check("outside-answers" in out, f"the resumed guest cannot reach the outside: {out}")
        print("moved: the resumed guest keeps its address and is reached at the pod's new one: ok")
    finally:
        for launcher in (first, second):
            if launcher:
                launcher.kill()
                print(launcher.stderr)
        outside_server.kill()
        outside_server.wait()


NEWCOMER_HARD_LIMIT = 20000  # open files: the hard limit of the machine this was found on


def newcomer(names, binary, guest_dir):
    runtime = tempfile.mkdtemp(prefix="qr-newcomer-")
    check(stat.S_IMODE(os.stat(runtime).st_mode) == 0o700, "mkdtemp did not give mode 0700")
    os.environ.pop("VM_PASST_PORTS", None)  # the default, 1024-49151

    def lower_limit():
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        hard = min(hard, NEWCOMER_HARD_LIMIT)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard), hard))

    env = {"VM_DATA_DIR": guest_dir, "VM_MEMORY": "256", "VM_NETWORK": "passt",
           "VM_RUNTIME_DIR": runtime, "VM_TELNET_PORT": str(TELNET_PORT)}
    launcher = Launcher("ip", env, args=("netns", "exec", names.pod, binary),
                        preexec_fn=lower_limit)
    outside_server = start_outside_server(names.outside)
    try:
        guest = Guest(launcher)
        guest.client.read_until(b"busybox guest ready")
        guest.client.read_until(PROMPT)
        runs_as = launcher.wait_stderr(r"launcher: passt runs as root[^\n]*").group(0)
        check(f"nobody cannot enter {runtime} (mode 0700)" in runs_as, runs_as)
        print(runs_as)
        narrowed = launcher.wait_stderr(
            r"launcher: passt forwards only (\d+)-(\d+) \(\d+ ports\), "
            r"not VM_PASST_PORTS=1024-49151[^\n]*")
        print(narrowed.group(0))
        first, last = int(narrowed.group(1)), int(narrowed.group(2))
        check((last - first + 1) * 3 < NEWCOMER_HARD_LIMIT, "the ports do not fit the limit")
        address = guest.run("ip -4 addr show eth0 | sed -n 's/.*inet \\([0-9.]*\\).*/\\1/p'")
        check(address.strip() == POD_ADDR, f"the guest's address is {address.strip()!r}, "
                                           f"not the pod's {POD_ADDR}")
        out = guest.run(f"timeout 5 nc -w 3 {OUTSIDE_ADDR} {OUTSIDE_PORT} </dev/null")
        check("outside-answers" in out, f"the guest cannot reach the outside: {out}")
        port = first
        guest.run(f"(while :; do echo guest-tcp | nc -l -p {port}; done >/dev/null 2>&1 &)")
        guest.run(f"until netstat -ltn | grep -q ':{port} '; do sleep 1; done")
        got = outside(names.outside, tcp_read_code(POD_ADDR, port, b"GET / HTTP/1.0\r\n\r\n"))
        check("guest-tcp" in got, f"guest port {port} not reachable from outside: {got}")
        print(f"newcomer: guest {address.strip()}, reaches {OUTSIDE_ADDR}:{OUTSIDE_PORT}, "
              f"its port {port} reached from outside: ok")
    finally:
        launcher.kill()
        outside_server.kill()
        outside_server.wait()
        print(launcher.stderr)
        shutil.rmtree(runtime, ignore_errors=True)


def main(kind, network, binary, console_binary, shared_guest_dir):
    # Without root or a tool it needs, the test is skipped (77: SKIP_RETURN_CODE), saying why.
    if os.geteuid() != 0:
        print("test_netns_isolation: SKIPPED: needs root for `ip netns` (CAP_SYS_ADMIN, CAP_NET_ADMIN)")
        sys.exit(77)
    for tool, group in [("ip", "test")] + ([("passt", "vm")] if network == "passt" else []):
        if not shutil.which(tool):
            print(f"test_netns_isolation: SKIPPED: needs `{tool}` (scripts/install-deps.sh {group})")
            sys.exit(77)
    runtime = f"/tmp/qr-netns-{os.getpid()}"
    os.makedirs(runtime, mode=0o755)
    home = open("/proc/self/ns/net")
    try:
        with PrivateGuest(shared_guest_dir) as guest_dir, Namespaces() as names:
            # This process enters the pod namespace: the canary, the telnet
            # client and the probes of the pod's loopback all run there.
            set_netns(open(f"/run/netns/{names.pod}"))
            try:
                if kind == "isolation":
                    isolation(names, network, binary, console_binary, guest_dir, runtime)
                elif kind == "moved":
                    moved(names, binary, guest_dir, runtime)
                elif kind == "newcomer":
                    newcomer(names, binary, guest_dir)
                else:
                    inbound(names, binary, guest_dir, runtime)
            finally:
                set_netns(home)
    finally:
        subprocess.run(["rm", "-rf", runtime])


def set_netns(ns_file):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    with ns_file:
        if libc.setns(ns_file.fileno(), 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), f"setns {ns_file.name}")


if __name__ == "__main__":
    main(*sys.argv[1:6])
