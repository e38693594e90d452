"""The launcher binary under test: `Launcher` keeps its stdout and stderr in
memory (launcher tests), `start_launcher` runs it on a private copy of the
busybox guest behind a log file (console tests)."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

from .guest import PrivateGuest
from .processes import Process, check, free_port, wait_for_listener
from .telnet import TelnetClient


def start_line(log):
    """The launcher's line on how it started the guest, found in `log`, as
    (kind, the line): "warm" for "launcher: warm start: resumed in 1.2 s" (the
    data image's snapshot), "hibernated" for "launcher: hibernate: resumed in
    0.4 s ..." (the state saved at the last stop), "cold" for "launcher: cold
    boot: <why>"; None before it is there."""
    found = re.search(r"launcher: (warm start: resumed in|hibernate: resumed in|cold boot:)[^\n]*", log)
    if not found:
        return None
    kinds = {"warm": "warm", "hibe": "hibernated", "cold": "cold"}
    return kinds[found.group(1)[:4]], found.group(0)


class Launcher:
    """build/bin/launcher with a free telnet port; stdout and stderr collected."""

    def __init__(self, binary, env_overrides, args=(), preexec_fn=None, wait_qemu=True):
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
        try:
            self.port = int(self.wait_stderr(r"telnet 127\.0\.0\.1:(\d+)").group(1))
            # wait_qemu=False: a launcher that may wait for its disk first (wait_for_qemu later).
            self.qemu_pid = self.wait_for_qemu() if wait_qemu else None
        except BaseException:
            # Nobody holds this object yet to stop it.
            self.kill()
            raise

    def wait_for_qemu(self, timeout=60):
        self.qemu_pid = int(self.wait_stderr(r"QEMU started \(pid (\d+)\)", timeout).group(1))
        return self.qemu_pid

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


def status_reply(path):
    """The status socket's reply: (readiness word, {name: value}) of its `name value` lines."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(5)
        probe.connect(path)
        answer = b""
        while chunk := probe.recv(4096):
            answer += chunk
    lines = answer.decode().split("\n")
    check(lines[-1] == "", "a status reply without its last newline: %r" % answer)
    values = dict(line.split(" ", 1) for line in lines[1:-1])
    return lines[0], values


class FakeStatus:
    """A stand-in for the launcher's status socket: a unix socket at `path` that answers each
    connection with `reply` (None: accepts and says nothing), until close() removes it."""

    def __init__(self, path, reply):
        self.path, self.reply = path, reply
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(16)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                if self.reply is None:
                    time.sleep(3)  # past the console's 2 s timeout
                    continue
                try:
                    client.sendall(self.reply)
                except OSError:
                    pass

    def close(self):
        self.server.close()
        os.unlink(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start_launcher(binary, guest_dir, extra_env=None):
    """The launcher on a private copy of the busybox guest (`extra_env` added to its
    environment); returns (process, telnet port)."""
    check(os.access(binary, os.X_OK),
          "no launcher at %s (build it: cmake --build build --target launcher)" % binary)
    telnet_port = free_port()
    runtime_dir = tempfile.mkdtemp(prefix="console-test-")
    guest = PrivateGuest(guest_dir)
    env = {"VM_DATA_DIR": guest.path, "VM_TELNET_PORT": str(telnet_port),
           "VM_RUNTIME_DIR": runtime_dir, "VM_MEMORY": "512", "VM_SHUTDOWN_TIMEOUT": "5",
           "VM_FORWARD_PORTS": "", **(extra_env or {})}
    launcher = Process([binary], env=env, name="launcher")
    launcher.folders += [runtime_dir, guest.path]
    wait_for_listener(telnet_port, launcher)
    return launcher, telnet_port
