"""Starts and stops the processes the console's tests need: the telnet test
peer, the console, the launcher. Ports are chosen by the kernel (port 0)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


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


def start_peer(*flags):
    """The QEMU-like telnet peer; returns (process, port)."""
    peer = Process([sys.executable, os.path.join(HERE, "telnet_peer.py")] + list(flags), name="peer")
    return peer, int(peer.wait_for(r"PORT (\d+)").group(1))


def start_console(binary, telnet_port, *flags, env=None, listen_port=0):
    """The console on 127.0.0.1 (a free port unless given); returns (process, port)."""
    argv = [binary, "--listen", "127.0.0.1:%d" % listen_port, "--telnet", "127.0.0.1:%d" % telnet_port]
    argv += list(flags)
    console = Process(argv, env=env, name="console")
    return console, int(console.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def free_port():
    """A TCP port free right now on 127.0.0.1, for programs that cannot take port 0."""
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_listener(port, process, timeout=120):
    """Waits until 127.0.0.1:port accepts connections while `process` runs."""
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError("%s exited (%s):\n%s" % (process.name, process.proc.returncode, process.text()))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("nothing listens on port %d:\n%s" % (port, process.text()))


def private_guest(guest_dir, parent):
    """A data folder of our own: the disk copied (QEMU locks it, and other tests
    may boot the same guest at the same time), everything else linked."""
    data_dir = os.path.join(parent, "data")
    os.mkdir(data_dir)
    for name in os.listdir(guest_dir):
        source = os.path.join(os.path.abspath(guest_dir), name)
        if name == "disk.img":
            shutil.copyfile(source, os.path.join(data_dir, name))
        else:
            os.symlink(source, os.path.join(data_dir, name))
    return data_dir


def start_launcher(binary, guest_dir):
    """The launcher on the busybox guest; returns (process, telnet port)."""
    check(os.access(binary, os.X_OK), "no launcher at %s (build it: cmake --build build --target launcher)" % binary)
    telnet_port = free_port()
    runtime_dir = tempfile.mkdtemp(prefix="console-test-")
    data_dir = private_guest(guest_dir, runtime_dir)
    env = {"VM_DATA_DIR": data_dir, "VM_TELNET_PORT": str(telnet_port), "VM_RUNTIME_DIR": runtime_dir,
           "VM_MEMORY": "512", "VM_SHUTDOWN_TIMEOUT": "5", "VM_FORWARD_PORTS": ""}
    launcher = Process([binary], env=env, name="launcher")
    launcher.folders.append(runtime_dir)
    wait_for_listener(telnet_port, launcher)
    return launcher, telnet_port


def wait_for_shell(session, prompt=b"# ", attempts=60):
    """Presses Enter until the guest's shell prompt follows; the boot may still be printing."""
    for _ in range(attempts):
        mark = len(session.output)
        session.type("\r")
        try:
            session.read_until(b"riscv-busybox", timeout=3)
            if prompt in session.output[mark:]:
                return
        except TimeoutError:
            pass
    raise TimeoutError("no shell prompt:\n%r" % bytes(session.output[-600:]))
