"""Starts and stops the processes the console's tests need: the telnet test
peer, the console, the launcher. Ports are chosen by the kernel (port 0)."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Process:
    """A child process whose stdout and stderr go to a log file."""

    def __init__(self, argv, env=None, name="process"):
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=name + "-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, **(env or {})))

    def text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def wait_for(self, pattern, timeout=30):
        """Waits until the log matches `pattern`; returns the match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text())
            if found:
                return found
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited (%s) before printing %r:\n%s" % (
                    self.name, self.proc.returncode, pattern, self.text()))
            time.sleep(0.05)
        raise TimeoutError("%s did not print %r:\n%s" % (self.name, pattern, self.text()))

    def stop(self, timeout=30):
        if self.log is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self.log.name)
        self.log = None


def start_peer(*flags):
    """The QEMU-like telnet peer; returns (process, port)."""
    peer = Process([sys.executable, os.path.join(HERE, "telnet_peer.py")] + list(flags), name="peer")
    return peer, int(peer.wait_for(r"PORT (\d+)").group(1))


def start_console(binary, telnet_port, *flags, env=None):
    """The console on a free port of 127.0.0.1; returns (process, port)."""
    argv = [binary, "--listen", "127.0.0.1:0", "--telnet", "127.0.0.1:%d" % telnet_port] + list(flags)
    console = Process(argv, env=env, name="console")
    return console, int(console.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))


def check(condition, message):
    if not condition:
        raise AssertionError(message)
