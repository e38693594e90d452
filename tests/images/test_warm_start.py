"""Warm start of the chart's pod with the debian-13 data image, whose disk
carries a snapshot of the guest at its login prompt.

    run-pytest.sh test_warm_start.py --chart DIR --helm-script get-helm.sh --data-image IMAGE
                  --login-password P

test_warm_start_debian plays two pods one after the other from the same images (podman 4.3
would share one emptyDir between pods running at once). In each: the
launcher resumes the snapshot, root logs in on the console with the
documented password, the guest's clock is within a minute of the host's, and
the resume hook has run and named the guest after its pod (VM_HOSTNAME, the
name its new SSH host key carries); then the two guests' names, SSH host
keys and machine-ids must differ (each resumed guest is a machine of its own).
"""
import re
import secrets
import time

from pod_console import run_in_guest, wait_ready

from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.processes import free_port

HOOK = "warm-start.hook"


def wait_in_launcher_log(pod, pattern, timeout=600):
    """Waits for `pattern` in the launcher container's log; returns the log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = pod.launcher_log()
        if re.search(pattern, log):
            return log
        time.sleep(1)
    raise AssertionError(f"no /{pattern}/ in the launcher's log within {timeout} s")


def answer(console, command):
    """The text `command` printed, between two markers of its own."""
    tag = secrets.token_hex(4)
    # The quotes keep the echoed command line from matching the markers.
    text = run_in_guest(console, f"echo begin-''{tag}; {command}; echo end-''{tag}",
                        f"end-{tag}\r\n".encode()).decode(errors="replace")
    return text[text.rindex(f"begin-{tag}\r\n") + 16:text.rindex(f"end-{tag}")].strip()


def wait_resumed(pod):
    """The launcher resumed the snapshot, the resume hook started, and the guest agent set the clock."""
    log = wait_in_launcher_log(pod, r"launcher: (warm start: resumed in|cold boot:)")
    assert "launcher: warm start: resumed in" in log, log[-2000:]
    wait_in_launcher_log(pod, "guest agent: resume hook " + HOOK + " started")
    # The agent set the clock and stored it in the RTC (the image has hwclock).
    log = wait_in_launcher_log(pod, "guest agent: (clock set to the host's|guest-set-time failed)")
    assert "guest agent: clock set to the host's" in log, log[-2000:]


def root_shell(http_port, password):
    """root logged in on the console at http_port, once /readyz says the guest is up."""
    wait_ready(http_port)
    console = ConsoleSession(http_port, origin=f"http://127.0.0.1:{http_port}")
    console.type("\r")
    console.read_until(b"login:", 300)
    console.output.clear()
    console.type("root\r")
    console.read_until(b"assword:", 120)
    console.output.clear()
    console.type(password + "\r")
    console.read_until(b":~# ", 300)
    return console


def guest_identity(console):
    """(clock skew s, ed25519 host key, machine-id, host name) of the guest, once its resume hook is done."""
    # The hook runs through the guest agent; wait until it is done.
    answer(console, f"while pgrep -f {HOOK} >/dev/null; do sleep 1; done")
    # Timers fire on every CPU after the resume (QEMU before 10.2 lost the pending ones,
    # and a CPU's sleep could then last for ever).
    answer(console, "for cpu in $(seq 0 $(($(nproc) - 1))); do taskset -c $cpu sleep 0.2; done")
    skew = abs(int(answer(console, "date +%s")) - time.time())
    key = answer(console, "cat /etc/ssh/ssh_host_ed25519_key.pub")
    machine_id = answer(console, "cat /etc/machine-id")
    hostname = answer(console, "hostname")
    return skew, key, machine_id, hostname


def resumed_guest(played_pods, data_image, password):
    """Plays one pod, checks its resumed guest and takes it down; returns guest_identity()."""
    release = f"warmtest-{secrets.token_hex(3)}"
    http_port, telnet_port = free_port(), free_port()
    # The test's client speaks to the console without credentials, and passt binds
    # its ports on the host here: one free port, not the default range (as test_pod.py).
    values = {"images.data": data_image, "console.auth.enabled": False,
              "network.passtPorts": str(free_port())}
    pod = played_pods.play(release, values, http_port, telnet_port)
    wait_resumed(pod)
    console = root_shell(http_port, password)
    skew, key, machine_id, hostname = guest_identity(console)
    console.close()
    # podman names the Deployment's pod NAME-pod-0, the name the downward API gives.
    assert hostname == f"{pod.name}-pod-0", f"the resumed guest is named {hostname!r}, its pod {pod.name}-pod-0"
    assert key.startswith("ssh-ed25519 ") and key.endswith(f"root@{hostname}"), key
    assert re.fullmatch(r"[0-9a-f]{32}", machine_id), machine_id
    print(f"warm_start_test: {release}: resumed, root logged in, clock off by {skew:.0f} s, "
          f"machine-id {machine_id}, named {hostname}")
    played_pods.remove(pod)
    return skew, key, machine_id, hostname


def test_warm_start_debian(played_pods, data_image, login_password):
    first = resumed_guest(played_pods, data_image, login_password)
    second = resumed_guest(played_pods, data_image, login_password)
    for skew, *_ in (first, second):
        assert skew < 60, f"the resumed guest's clock is {skew:.0f} s off the host's"
    assert first[1] != second[1], f"two resumed guests share an SSH host key: {first[1]}"
    assert first[2] != second[2], f"two resumed guests share a machine-id: {first[2]}"
    assert first[3] != second[3], f"two resumed guests share a name: {first[3]}"
    print("warm_start_test: two pods resumed from one image: own clocks, names, SSH host keys, machine-ids")
