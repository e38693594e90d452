"""Runs build/bin/launcher and talks to its telnet console (standard library only)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

IAC = 255


def strip_telnet(data):
    """Guest text from telnet bytes: option negotiation removed, IAC IAC kept as 0xFF."""
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] != IAC:
            out.append(data[i])
            i += 1
        elif i + 1 < len(data) and data[i + 1] == IAC:
            out.append(IAC)
            i += 2
        else:
            i += 3  # IAC WILL/WONT/DO/DONT option
    return bytes(out)


class PrivateGuest:
    """A copy of a guest's data directory: QEMU locks the disk image for
    writing, so tests booting the same guest at once each need their own,
    and a `make guest` rewriting the shared files cannot disturb a boot."""

    def __init__(self, guest_dir):
        self._tmp = tempfile.TemporaryDirectory(prefix="launcher-guest-")
        self.path = self._tmp.name
        for name in os.listdir(guest_dir):
            shutil.copy(os.path.join(guest_dir, name), self.path)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        self._tmp.cleanup()


class TelnetClient:
    """A raw-socket telnet client of the launcher's console."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.raw = b""

    def text(self):
        return strip_telnet(self.raw)

    def read_until(self, needle, timeout=120):
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {needle!r} within {timeout} s; got {self.text()[-400:]!r}")
            self.sock.settimeout(min(remaining, 1.0))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise AssertionError(f"connection closed before {needle!r}")
            self.raw += data
        return self.text()

    def type(self, text):
        self.sock.sendall(text.encode())

    def close(self):
        self.sock.close()


class Launcher:
    """build/bin/launcher with a free telnet port; stdout and stderr collected."""

    def __init__(self, binary, env_overrides, args=(), preexec_fn=None):
        env = dict(os.environ)
        env.update({"VM_TELNET_PORT": "0"})
        env.update(env_overrides)
        # QEMU gets a scrubbed environment: a fake QEMU's settings are let through by name.
        fake_names = [name for name in env_overrides if name.startswith("FAKE_")]
        if fake_names:
            env.setdefault("VM_QEMU_ENV", ",".join(fake_names))
        self.started = time.monotonic()
        self.proc = subprocess.Popen([binary, *args], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        self.stdout = b""
        self.stderr = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.port = int(self.wait_stderr(r"telnet 127\.0\.0\.1:(\d+)").group(1))
        self.qemu_pid = int(self.wait_stderr(r"QEMU started \(pid (\d+)\)").group(1))

    def _drain_stdout(self):
        for data in iter(lambda: self.proc.stdout.read1(65536), b""):
            with self._lock:
                self.stdout += data

    def _drain_stderr(self):
        for line in iter(self.proc.stderr.readline, b""):
            with self._lock:
                self.stderr += line.decode(errors="replace")

    def wait_stderr(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        exited_at = None
        while time.monotonic() < deadline:
            with self._lock:
                match = re.search(pattern, self.stderr)
            if match:
                return match
            # After an exit, give the reader thread a moment for the last lines.
            if self.proc.poll() is not None:
                exited_at = exited_at or time.monotonic()
                if time.monotonic() - exited_at > 1:
                    raise AssertionError(f"launcher exited ({self.proc.returncode}): {self.stderr}")
            time.sleep(0.05)
        raise AssertionError(f"no /{pattern}/ on stderr within {timeout} s: {self.stderr}")

    def client(self):
        return TelnetClient(self.port)

    def signal(self, number):
        self.proc.send_signal(number)

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def process_gone(pid):
    """True when `pid` no longer runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while not process_gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
