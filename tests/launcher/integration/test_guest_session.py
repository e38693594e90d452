"""The busybox guest under the launcher, through its telnet console.

    run-pytest.sh test_guest_session.py --launcher BIN --guest DIR

test_guest_session  boot to the shell, two telnet clients at once (what one types, both see),
                    a late client's scrollback (the boot banner), every guest byte mirrored on
                    stdout, then SIGTERM: exit 0 and QEMU gone
"""
import signal

from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT
from qemu_riscv64_test.processes import check, wait_gone

SHUTDOWN_TIMEOUT = 25


def test_guest_session(launcher_process, busybox_dir):
    launcher = launcher_process({"VM_DATA_DIR": busybox_dir, "VM_MEMORY": "512",
                                 "VM_SHUTDOWN_TIMEOUT": str(SHUTDOWN_TIMEOUT)})
    first = launcher.client()
    first.read_until(PROMPT)
    # A client joining after boot gets the boot banner from the scrollback.
    late = launcher.client()
    history = late.read_until(PROMPT)
    check(b"OpenSBI" in history and b"Linux version" in history, history[:300])
    # Typed by one client, seen by both.
    first.type("uname -m\r")
    for client in (first, late):
        text = client.read_until(b"riscv64\r\n" + PROMPT)
        check(b"uname -m\r\n" in text, text[-200:])
    late.type("echo from-the-late-client\r")
    first.read_until(b"\r\nfrom-the-late-client\r\n")
    # Every guest byte is on stdout too, for kubectl logs.
    check(b"OpenSBI" in launcher.stdout and b"riscv64\r\n" in launcher.stdout, launcher.stdout[-300:])
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=SHUTDOWN_TIMEOUT + 30)
    check(status == 0, f"launcher exit status {status}: {launcher.stderr}")
    check(wait_gone(launcher.qemu_pid, 10), "QEMU outlived the launcher")
    print("boot, two clients, scrollback, stdout and SIGTERM: ok")
