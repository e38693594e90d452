#!/usr/bin/env python3
"""Hardening of the launcher against its environment.

  guest    (real QEMU, busybox guest) secrets never reach QEMU's environ or
           cmdline and QEMU holds none of the launcher's sockets; with stdout
           a pipe nobody reads, two telnet clients still get 1 MiB of guest
           output; 500 connections flooding the telnet port leave the
           console's session working; SIGTERM still ends launcher and QEMU
  emfile   (fake QEMU) out of descriptors, accept backs off: the launcher
           does not spin a core, and serves again once descriptors free up

usage: test_hardening.py CASE LAUNCHER CONSOLE GUEST_DIR FAKE_QEMU"""
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, PrivateGuest
from qemu_riscv64_test.launcher import Launcher
from qemu_riscv64_test.processes import check, check_accept_backs_off, wait_gone
from qemu_riscv64_test.telnet import TelnetClient

PASSWORD = "Hunter2-never-seen"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHardeningTestKeyNeverSeen test@example"
CONSOLE_SECRET = "admin:console-secret-never-seen"
# 1 MiB of printable output, then a marker the typed command line cannot show.
MIB_COMMAND = ("yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
               " | head -c 1048576; echo; echo END-$((6*7))\r")


def socket_inodes(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            inodes.add(target)
    return inodes


class StalledLauncher:
    """The launcher with stdout a pipe that is never read; stderr collected."""

    def __init__(self, binary, env):
        self.stderr_file = tempfile.NamedTemporaryFile(prefix="launcher-stderr-", delete=False)
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=self.stderr_file)
        self.port = int(self.wait_stderr(r"telnet 127\.0\.0\.1:(\d+)").group(1))
        self.qemu_pid = int(self.wait_stderr(r"QEMU started \(pid (\d+)\)").group(1))

    def stderr(self):
        with open(self.stderr_file.name, errors="replace") as log:
            return log.read()

    def wait_stderr(self, pattern, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.stderr())
            if found:
                return found
            check(self.proc.poll() is None, f"launcher exited: {self.stderr()}")
            time.sleep(0.1)
        raise AssertionError(f"no /{pattern}/ within {timeout} s: {self.stderr()}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.unlink(self.stderr_file.name)


def check_no_secrets(launcher):
    pid = launcher.qemu_pid
    with open(f"/proc/{pid}/environ", "rb") as env, open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        environ, argv = env.read(), cmdline.read()
    for secret in (PASSWORD, SSH_KEY.split()[1], CONSOLE_SECRET.split(":")[1]):
        check(secret.encode() not in environ, f"QEMU's environ holds a secret: {environ!r}")
        check(secret.encode() not in argv, f"QEMU's cmdline holds a secret: {argv!r}")
    check(b"VM_GUEST_PASSWORD" not in environ, "VM_GUEST_PASSWORD reached QEMU")
    names = sorted(item.split(b"=", 1)[0].decode() for item in environ.split(b"\0") if item)
    check(set(names) <= {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR", "USER"},
          f"QEMU's environment is not scrubbed: {names}")
    shared = socket_inodes(pid) & socket_inodes(launcher.proc.pid)
    check(not shared, f"QEMU holds the launcher's sockets: {shared}")
    check(PASSWORD not in launcher.stderr(), "the password was printed")
    print(f"secrets: QEMU's environment is {names}, no socket of the launcher")


def read_all(client, needle, results, key):
    try:
        client.read_until(needle, timeout=600)
        results[key] = len(client.raw)
    except AssertionError as error:
        results[key] = error


def check_stalled_stdout(launcher):
    first, second = TelnetClient(launcher.port), TelnetClient(launcher.port)
    for client in (first, second):
        client.read_until(PROMPT, timeout=180)
    # The shell is reading its line once it answers an empty line with its next prompt (a
    # command typed during its start-up is flushed). Its cursor query (ESC [6n) may come before
    # or after that prompt.
    prompts = first.text().count(PROMPT)
    first.type("\r")
    first.read_until(PROMPT, timeout=60, count=prompts + 1)
    time.sleep(0.5)
    results = {}
    readers = [threading.Thread(target=read_all, args=(client, b"END-42", results, name))
               for name, client in (("first", first), ("second", second))]
    first.type(MIB_COMMAND)
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    for name in ("first", "second"):
        check(not isinstance(results[name], Exception), f"{name} client: {results[name]}")
        check(results[name] > 1024 * 1024, f"{name} client got only {results[name]} bytes")
    launcher.wait_stderr(r"stdout is not being read", timeout=5)
    print(f"stalled stdout: both clients got {results['first']} and {results['second']} bytes")
    for client in (first, second):
        client.close()


def check_flood(launcher, console_binary):
    console = subprocess.Popen([console_binary, "--listen", "127.0.0.1:0", "--telnet",
                                f"127.0.0.1:{launcher.port}"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        port = int(re.search(r"serving http://[^ ]+:(\d+) ", console.stdout.readline()).group(1))
        session = ConsoleSession(port)
        session.type("echo before-$((1+1))\r")
        session.read_until("before-2", timeout=120)
        flood = []
        for _ in range(500):
            flood.append(socket.create_connection(("127.0.0.1", launcher.port), timeout=10))
        launcher_fds = len(os.listdir(f"/proc/{launcher.proc.pid}/fd"))
        session.type("echo during-$((2+2))\r")
        session.read_until("during-4", timeout=120)
        check(launcher_fds < 150, f"the launcher holds {launcher_fds} descriptors under the flood")
        refused = sum(1 for sock in flood[-10:] if b"too many console clients" in recv_some(sock))
        check(refused > 0, "no flooding connection was told the launcher is full")
        for sock in flood:
            sock.close()
        print(f"flood: 500 connections, the launcher at {launcher_fds} descriptors, "
              f"{refused} of the last 10 refused, the console's session answered")
    finally:
        console.kill()
        console.wait()


def recv_some(sock):
    sock.settimeout(2)
    data = b""
    try:
        while len(data) < 200000:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    return data


def guest(launcher_binary, console_binary, guest_dir, _fake):
    # The flag form of a secret is warned about.
    dry = subprocess.run([launcher_binary, "--dry-run", "--data-dir", guest_dir, "--guest-password", "x"],
                         capture_output=True, text=True)
    check("--guest-password shows its value in the process list" in dry.stderr,
          f"no warning for --guest-password: {dry.stderr}")
    with PrivateGuest(guest_dir) as data_dir:
        env = dict(os.environ, VM_DATA_DIR=data_dir, VM_TELNET_PORT="0", VM_MEMORY="512",
                   VM_GUEST_PASSWORD=PASSWORD, VM_GUEST_SSH_KEY=SSH_KEY, CONSOLE_AUTH=CONSOLE_SECRET)
        launcher = StalledLauncher(launcher_binary, env)
        try:
            check_no_secrets(launcher)
            check_stalled_stdout(launcher)
            check_flood(launcher, console_binary)
            started = time.monotonic()
            launcher.proc.terminate()
            status = launcher.proc.wait(timeout=60)
            check(wait_gone(launcher.qemu_pid, 10), "QEMU outlived the launcher")
            print(f"SIGTERM: exited {status} after {time.monotonic() - started:.1f} s, QEMU gone")
        finally:
            launcher.close()


def lower_descriptors(limit):
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def emfile(launcher_binary, _console, _guest, fake_qemu):
    with tempfile.TemporaryDirectory() as data_dir:
        env = {"VM_DATA_DIR": data_dir, "VM_QEMU": fake_qemu, "VM_BIOS": "none", "VM_KERNEL": "",
               "FAKE_GUEST": "agent"}
        launcher = Launcher(launcher_binary, env, preexec_fn=lower_descriptors(40))
        try:
            first = launcher.client()
            first.read_until(b"fake guest ready")
            held = []
            for _ in range(60):
                try:
                    held.append(socket.create_connection(("127.0.0.1", launcher.port), timeout=5))
                except OSError:
                    break
            launcher.wait_stderr(r"accept \(backing off\): Too many open files")
            time.sleep(2)  # the back-off reaches its ceiling
            calls = check_accept_backs_off(launcher.proc.pid, "launcher")
            for sock in held:
                sock.close()
            late = launcher.client()
            late.read_until(b"fake guest ready", timeout=30)
            print(f"EMFILE: {calls} accept calls in 3 s; served again after")
            first.type("P")
            check(launcher.wait(30) == 0, "launcher did not exit cleanly")
        finally:
            launcher.kill()


if __name__ == "__main__":
    case = {"guest": guest, "emfile": emfile}[sys.argv[1]]
    case(*sys.argv[2:6])
