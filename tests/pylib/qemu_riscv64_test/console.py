"""The console binary under test, the QEMU-like telnet peer it bridges to in
the bridge tests, and waiting for the guest's shell through a session."""
import os
import sys

from .guest import BUSYBOX_PROMPT
from .processes import Process

HERE = os.path.dirname(os.path.abspath(__file__))


def start_peer(*flags):
    """The QEMU-like telnet peer; returns (process, port)."""
    peer = Process([sys.executable, os.path.join(HERE, "telnet_peer.py")] + list(flags), name="peer")
    return peer, int(peer.wait_for(r"PORT (\d+)").group(1))


def start_console(binary, telnet_port, *flags, env=None, listen_port=0, listen_host="127.0.0.1"):
    """The console on 127.0.0.1 or `listen_host` (a free port unless given); returns (process, port)."""
    argv = [binary, "--listen", "%s:%d" % (listen_host, listen_port), "--telnet", "127.0.0.1:%d" % telnet_port]
    argv += list(flags)
    console = Process(argv, env=env, name="console")
    return console, int(console.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))


def wait_for_shell(session, prompt=BUSYBOX_PROMPT, attempts=60):
    """Presses Enter until the guest's shell prompt follows; the boot may still be printing.

    Only output after each Enter counts, and the whole prompt must be there:
    it may arrive split over several messages.
    """
    for _ in range(attempts):
        mark = len(session.output)
        session.type("\r")
        try:
            session.read_until(prompt, timeout=3, since=mark)
            return
        except TimeoutError:
            pass
    raise TimeoutError("no shell prompt:\n%r" % bytes(session.output[-600:]))

