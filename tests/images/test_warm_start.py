#!/usr/bin/env python3
"""Warm start of the chart's pod with the debian-13 data image, whose disk
carries a snapshot of the guest at its login prompt.

Two pods are played one after the other from the same images (podman 4.3
would share one emptyDir between pods running at once). In each: the
launcher resumes the snapshot, root logs in on the console with the
documented password, the guest's clock is within a minute of the host's, and
the resume hook has run and named the guest after its pod (VM_HOSTNAME, the
name its new SSH host key carries); then the two guests' names, SSH host
keys and machine-ids must differ (each resumed guest is a machine of its own).
"""
import argparse
import re
import secrets
import subprocess
import sys
import time

from test_pod import free_port, run, wait_ready
from rendered_pod import RenderedPod, render

from qemu_riscv64_test.console_session import ConsoleSession

HOOK = "warm-start.hook"


def launcher_log(pod, pattern, timeout=600):
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
    text = run(console, f"echo begin-''{tag}; {command}; echo end-''{tag}",
               f"end-{tag}\r\n".encode()).decode(errors="replace")
    return text[text.rindex(f"begin-{tag}\r\n") + 16:text.rindex(f"end-{tag}")].strip()


def resumed_guest(helm, args):
    """Plays one pod; returns (clock skew s, ed25519 host key, machine-id, host name)."""
    release = f"warmtest-{secrets.token_hex(3)}"
    http_port, telnet_port = free_port(), free_port()
    # The test's client speaks to the console without credentials, and passt binds
    # its ports on the host here: one free port, not the default range (as test_pod.py).
    values = {"images.data": args.data_image, "console.auth.enabled": False,
              "network.passtPorts": str(free_port())}
    pod = RenderedPod(render(helm, args.chart, release, values), http_port, telnet_port)
    try:
        pod.play()
        log = launcher_log(pod, r"launcher: (warm start: resumed in|cold boot:)")
        assert "launcher: warm start: resumed in" in log, log[-2000:]
        launcher_log(pod, "guest agent: resume hook " + HOOK + " started")
        # The agent set the clock and stored it in the RTC (the image has hwclock).
        log = launcher_log(pod, "guest agent: (clock set to the host's|guest-set-time failed)")
        assert "guest agent: clock set to the host's" in log, log[-2000:]
        wait_ready(http_port)
        console = ConsoleSession(http_port, origin=f"http://127.0.0.1:{http_port}")
        console.type("\r")
        console.read_until(b"login:", 300)
        console.output.clear()
        console.type("root\r")
        console.read_until(b"assword:", 120)
        console.output.clear()
        console.type(args.login_password + "\r")
        console.read_until(b":~# ", 300)
        # The hook runs through the guest agent; wait until it is done.
        answer(console, f"while pgrep -f {HOOK} >/dev/null; do sleep 1; done")
        # Timers fire on every CPU after the resume (QEMU before 10.2 lost the pending ones,
        # and a CPU's sleep could then last for ever).
        answer(console, "for cpu in $(seq 0 $(($(nproc) - 1))); do taskset -c $cpu sleep 0.2; done")
        skew = abs(int(answer(console, "date +%s")) - time.time())
        key = answer(console, "cat /etc/ssh/ssh_host_ed25519_key.pub")
        machine_id = answer(console, "cat /etc/machine-id")
        hostname = answer(console, "hostname")
        console.close()
        # podman names the Deployment's pod NAME-pod-0, the name the downward API gives.
        assert hostname == f"{pod.name}-pod-0", f"the resumed guest is named {hostname!r}, its pod {pod.name}-pod-0"
        assert key.startswith("ssh-ed25519 ") and key.endswith(f"root@{hostname}"), key
        assert re.fullmatch(r"[0-9a-f]{32}", machine_id), machine_id
        print(f"warm_start_test: {release}: resumed, root logged in, clock off by {skew:.0f} s, "
              f"machine-id {machine_id}, named {hostname}")
        return skew, key, machine_id, hostname
    except Exception:
        pod.diagnostics()
        raise
    finally:
        pod.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chart", required=True)
    parser.add_argument("--helm-script", required=True, help="scripts/get-helm.sh")
    parser.add_argument("--data-image", required=True)
    parser.add_argument("--login-password", required=True)
    args = parser.parse_args()
    helm = subprocess.run([args.helm_script], check=True, capture_output=True, text=True).stdout.strip()
    first, second = resumed_guest(helm, args), resumed_guest(helm, args)
    for skew, *_ in (first, second):
        assert skew < 60, f"the resumed guest's clock is {skew:.0f} s off the host's"
    assert first[1] != second[1], f"two resumed guests share an SSH host key: {first[1]}"
    assert first[2] != second[2], f"two resumed guests share a machine-id: {first[2]}"
    assert first[3] != second[3], f"two resumed guests share a name: {first[3]}"
    print("warm_start_test: two pods resumed from one image: own clocks, names, SSH host keys, machine-ids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
