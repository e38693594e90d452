"""The launcher's lifecycle against a fake QEMU (fake_qemu.py) with a guest agent.

    run-pytest.sh test_shutdown.py --launcher BIN

test_lifecycle_fake_qemu  SIGTERM: an obeying guest powers off through guest-shutdown; a deaf one
                          is stopped by QMP quit after VM_SHUTDOWN_TIMEOUT (2 s); the launcher
                          exits with QEMU's status, also when the guest ends on its own (0, 3);
                          QEMU dies with a killed launcher
"""
import signal

from qemu_riscv64_test.processes import check, wait_gone


def check_sigterm(start_guest, guest, expected_log, expected_output):
    """SIGTERM to the launcher of a fake `guest`: exit 0, `expected_log` on stderr,
    `expected_output` from the guest on stdout, QEMU gone."""
    launcher = start_guest(guest)
    launcher.client().read_until(b"fake guest ready")
    launcher.wait_stderr("guest agent connected")
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=30)
    check(status == 0, f"{guest}: exit status {status}: {launcher.stderr}")
    check(expected_log in launcher.stderr, launcher.stderr)
    check(expected_output in launcher.stdout, launcher.stdout)
    check(wait_gone(launcher.qemu_pid, 10), "QEMU outlived the launcher")
    print(f"{guest} guest: ok")


def check_guest_ends(start_guest, key, expected_status):
    """The guest ends on its own (`key` typed at its console): the launcher exits with QEMU's status."""
    launcher = start_guest("agent")
    client = launcher.client()
    client.read_until(b"fake guest ready")
    client.type(key)
    status = launcher.wait(timeout=30)
    check(status == expected_status, f"exit {status}, not {expected_status}")
    if expected_status != 0:
        check("QEMU exited with status 3 on its own" in launcher.stderr, launcher.stderr)
    print(f"guest ending with {expected_status}: launcher exit {expected_status}: ok")


def check_launcher_killed(start_guest):
    launcher = start_guest("agent")
    launcher.client().read_until(b"fake guest ready")
    launcher.kill()
    check(wait_gone(launcher.qemu_pid, 10), "QEMU outlived a killed launcher")
    print("kill -9 of the launcher takes QEMU with it: ok")


def test_lifecycle_fake_qemu(fake_qemu_launcher):
    def start_guest(guest):
        return fake_qemu_launcher({"VM_SHUTDOWN_TIMEOUT": "2", "FAKE_GUEST": guest})

    check_sigterm(start_guest, "agent", "QEMU exited with status 0", b"reboot: Power down")
    check_sigterm(start_guest, "deaf", "did not power off in 2 s: stopping QEMU", b"ready")
    check_guest_ends(start_guest, "P", 0)
    check_guest_ends(start_guest, "E", 3)
    check_launcher_killed(start_guest)
