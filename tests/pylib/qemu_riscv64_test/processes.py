"""Child processes with their output in a log, free ports, and waiting on both."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time


class Process:
    """A child process whose stdout and stderr go to a log file."""

    def __init__(self, argv, env=None, name="process"):
        self.name = name
        self.folders = []  # removed by stop()
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
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def accept_call_times(trace_text):
    """The start times (strace -ttt) of the accept calls in a trace."""
    return [float(seconds) for seconds in re.findall(r"(\d+\.\d+) accept4?\(", trace_text)]


def accept_calls_slowed(trace_path, tracer, timeout):
    """Whether two accept calls in a row in `tracer`'s trace come 0.9 s or more apart, within
    `timeout` s and while it runs."""
    deadline = time.monotonic() + timeout
    while tracer.poll() is None and time.monotonic() < deadline:
        starts = accept_call_times(trace_path.read_text(errors="replace") if trace_path.exists() else "")
        if len(starts) >= 2 and starts[-1] - starts[-2] >= 0.9:
            return True
        time.sleep(0.1)
    return False


def wait_backoff_at_ceiling(pid, trace_path, timeout=30):
    """Waits until two accept calls of `pid` in a row are 0.9 s or more apart: its back-off
    (10 ms, doubling) has reached its 1 s ceiling. strace times the calls into `trace_path`
    (a pathlib.Path)."""
    tracer = subprocess.Popen(["strace", "-f", "-qq", "-ttt", "-e", "trace=accept,accept4", "-o", str(trace_path),
                               "-p", str(pid)], stderr=subprocess.PIPE, text=True)
    try:
        slowed = accept_calls_slowed(trace_path, tracer, timeout)
    finally:
        tracer.send_signal(signal.SIGINT)
        _, complaint = tracer.communicate(timeout=30)
    check(slowed, "the accept back-off never reached 1 s between calls in %d s (strace -p %d: %s)"
          % (timeout, pid, complaint.strip() or "no complaint"))


def check_accept_backs_off(pid, name):
    """Checks that a process whose accepts fail (out of descriptors, its back-off at its 1 s
    ceiling) tries accept about once a second, not in a loop; returns how many calls it made in
    3 s. strace counts them: a count of calls, so a loaded machine cannot fake a spin."""
    with tempfile.NamedTemporaryFile(prefix="accept-calls-", suffix=".strace") as trace:
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=accept,accept4", "-o", trace.name,
                                   "-p", str(pid)], stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        tracer.send_signal(signal.SIGINT)
        _, complaint = tracer.communicate(timeout=30)
        # Interrupted, strace detaches, then ends by the same signal.
        check(tracer.returncode in (0, -signal.SIGINT),
              f"strace -p {pid} failed ({tracer.returncode}): {complaint.strip()}")
        # A call's first line has "accept4(", its resumption "<... accept4 resumed>" does not.
        calls = len(re.findall(r"\baccept4?\(", trace.read().decode(errors="replace")))
    # Three tries, with a margin for the one under way when counting starts and a second
    # listener; a spinning loop makes thousands.
    check(calls <= 10, f"the {name} tried accept {calls} times in 3 s while out of descriptors")
    return calls


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_until(what, condition, timeout=60):
    """Polls `condition()` until it holds; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        check(time.monotonic() < deadline, f"not within {timeout} s: {what}")
        time.sleep(0.1)


def free_port():
    """A TCP port free right now on 127.0.0.1, for programs that cannot take port 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_listener(port, process, timeout=120):
    """Waits until 127.0.0.1:port accepts connections while `process` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError("%s exited (%s):\n%s" % (process.name, process.proc.returncode,
                                                        process.text()))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("nothing listens on port %d:\n%s" % (port, process.text()))


def process_gone(pid):
    """True when `pid` no longer runs: gone, or a zombie whose threads have all ended.

    A leader thread turns zombie while its other threads still exit and still hold the
    process's files (QEMU's disk lock among them); only the last thread to end closes them.
    """
    try:
        with open(f"/proc/{pid}/stat") as stat:
            zombie = stat.read().rsplit(")", 1)[1].split()[0] == "Z"
        return zombie and os.listdir(f"/proc/{pid}/task") == [str(pid)]
    # Reaped before the open (no file) or between the open and the read (ESRCH).
    except (FileNotFoundError, ProcessLookupError):
        return True


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while not process_gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
