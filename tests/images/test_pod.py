#!/usr/bin/env python3
"""The chart's pod, run for real with the images `make container` built.

Renders the StatefulSet with `helm template`, plays it with `podman kube play
--network host`, opens the console's WebSocket, reaches the guest's shell
(logging in when the guest asks) and runs `uname -m`. With --persist-file, the
chart hibernates the guest (persistence on): after `podman kube down` and a
second play on the same PersistentVolumeClaim the guest resumes, with the file
written in it and a process started before the stop. With --guest-server, the chart's
default network (passt) is checked: a TCP server in the guest that speaks
first is reached at the pod's address (the host's, under --network host) on a
port of network.passtPorts.

--first-start says how the first pod must start: `warm` (the data image's
snapshot resumed) or `cold`. /readyz's order (503 until --ready-text is on the
serial console) is checked on every cold boot.
"""
import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time

from rendered_pod import RenderedPod, render

from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.launcher import start_line

BOOT_DEADLINE_S = 1500  # a hang guard for an emulated boot, not a measurement


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def readyz(port):
    """The status of the console's /readyz, or None while nothing answers."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/readyz")
        return conn.getresponse().status
    except OSError:
        return None


def wait_ready(port, pod=None, ready_text=None):
    """Polls /readyz until it answers 200 (the launcher says the guest is up). With
    `ready_text`: /readyz must first answer 503, and 200 only once the launcher's
    log (the guest's serial output) holds `ready_text`."""
    end = time.monotonic() + BOOT_DEADLINE_S
    answers = []
    while time.monotonic() < end:
        status = readyz(port)
        if status is not None:
            answers.append(status)
        if status == 200:
            if ready_text:
                if answers[0] != 503:
                    raise AssertionError(f"/readyz answered {answers[0]} first, not 503 while booting")
                if ready_text not in pod.launcher_log():
                    raise AssertionError(f"/readyz was 200 before {ready_text!r} was on the serial console")
                print(f"test_pod: /readyz answered 503 {answers.count(503)} times, 200 after {ready_text!r}")
            return
        time.sleep(1)
    raise TimeoutError(f"console on port {port} never became ready")


def wait_start(pod, expected):
    """Waits for the launcher's line on how it started the guest; it must be `expected`."""
    end = time.monotonic() + BOOT_DEADLINE_S
    while time.monotonic() < end:
        found = start_line(pod.launcher_log())
        if found:
            started, line = found
            if started != expected:
                raise AssertionError(f"expected a {expected} start, the launcher said: {line}")
            print(f"test_pod: {line}")
            return
        time.sleep(1)
    raise TimeoutError("the launcher never said how it started the guest")


def open_shell(port, args, pod, start):
    """Returns a WebSocket at a shell prompt, logging in when the guest asks."""
    wait_start(pod, start)
    wait_ready(port, pod, args.ready_text if start == "cold" else None)
    console = ConsoleSession(port, origin=f"http://127.0.0.1:{port}")
    if args.login_password:
        # Whatever the guest printed before, Enter brings a fresh login prompt.
        console.type("\r")
        console.read_until(b"login:", BOOT_DEADLINE_S)
        console.output.clear()
        console.type("root\r")
        console.read_until(b"assword:", 60)
        console.output.clear()
        console.type(args.login_password + "\r")
    else:
        console.type("\r")
    console.read_until(args.prompt.encode(), BOOT_DEADLINE_S)
    return console


def run(console, command, expect):
    # Only what comes after the command counts.
    console.output.clear()
    console.type(command + "\r")
    return console.read_until(expect, 120)


def check_uname_and_write(port, args, token, pod, guest_port):
    console = open_shell(port, args, pod, args.first_start)
    # The echoed command has no "riscv64"; the answer ends its own line.
    run(console, "uname -m", b"riscv64\r\n")
    print("test_pod: uname -m printed riscv64 through the console's WebSocket")
    # The guest is named after its pod (VM_HOSTNAME from the downward API; podman names
    # the Deployment's pod NAME-pod-0), whether it booted cold or resumed the image's snapshot.
    pod_name = f"{pod.name}-pod-0"
    run(console, "echo name-$(hostname)-end", f"name-{pod_name}-end".encode())
    print(f"test_pod: the guest's host name is its pod's, {pod_name}")
    sleeper = None
    if args.persist_file:
        run(console, f"echo {token} >{args.persist_file}; sync; echo written-$((6*7))", b"written-42")
        # A process the stop must not end: hibernation keeps it.
        answer = run(console, "sleep 12345 & echo sleeper-$!-started-$((40+2))", b"-started-42")
        sleeper = int(re.search(rb"sleeper-(\d+)-started-42", answer).group(1))
    if args.guest_server:
        check_guest_server(console, guest_port)
    console.close()
    return sleeper


def check_guest_server(console, guest_port):
    """A server in the guest (busybox nc) that speaks first answers a client
    of the pod's address."""
    run(console, f"(echo guest-serves-$((6*7)) | nc -l -p {guest_port} >/dev/null 2>&1 &); "
                 f"echo listening-$((2*3))", b"listening-6")
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", guest_port), timeout=10) as client:
                client.settimeout(10)
                answer = client.recv(100)
            if b"guest-serves-42" in answer:
                break
        except OSError as error:
            answer = repr(error)
        if time.monotonic() > deadline:
            raise AssertionError(f"the guest's server on port {guest_port} never answered "
                                 f"at the pod's address: {answer!r}")
        time.sleep(2)
    print(f"test_pod: a guest server on port {guest_port} answered at the pod's address (passt)")


def check_in_browser(port, args):
    """The console page in headless Chromium: it reaches the shell and shows `uname -m`'s answer."""
    check_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "console", "browser",
                                "browser_check.js")
    subprocess.run(["node", check_script, f"http://127.0.0.1:{port}/", "uname -m", "riscv64",
                    args.browser_screenshot, args.prompt.strip()], check=True)
    print(f"test_pod: the page in Chromium showed riscv64 ({args.browser_screenshot})")


def check_hibernated(port, args, token, pod, sleeper):
    """The next pod resumed the guest the last one saved: its file and its process are there."""
    console = open_shell(port, args, pod, "hibernated")
    run(console, f"cat {args.persist_file}", token.encode())
    print(f"test_pod: {args.persist_file} survived the pod restart")
    run(console, f"kill -0 {sleeper} && echo sleeper-$((40+2))-alive", b"sleeper-42-alive")
    print(f"test_pod: `sleep 12345` (pid {sleeper}), started before the stop, still runs: the guest hibernated")
    console.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chart", required=True)
    parser.add_argument("--helm-script", required=True, help="scripts/get-helm.sh")
    parser.add_argument("--data-image", required=True)
    parser.add_argument("--prompt", required=True, help="the shell prompt's ending")
    parser.add_argument("--login-password", help="log in as root with this password")
    parser.add_argument("--chart-password", action="store_true",
                        help="hand the login password to the guest through the chart's guest.password")
    parser.add_argument("--persist-file", help="with persistence on: a file written in the guest")
    parser.add_argument("--browser-screenshot", help="also open the console page in Chromium; its screenshot")
    parser.add_argument("--ready-text", help="/readyz must stay 503 until the serial console shows this")
    parser.add_argument("--first-start", choices=["warm", "cold"], required=True,
                        help="how the first pod must start (warm: the data image's snapshot resumed)")
    parser.add_argument("--guest-server", action="store_true",
                        help="check a guest TCP server at the pod's address (network.mode=passt)")
    parser.add_argument("--value", action="append", default=[], metavar="KEY=VALUE",
                        help="one more chart value (e.g. images.launcher=...), repeatable")
    args = parser.parse_args()

    helm = subprocess.run([args.helm_script], check=True, capture_output=True, text=True).stdout.strip()
    # The test's clients speak to the console without credentials: the original's open console.
    values = {"images.data": args.data_image, "console.auth.enabled": False}
    for item in args.value:
        key, _, value = item.partition("=")
        values[key] = value
    if args.chart_password:
        values["guest.password"] = args.login_password
    if args.persist_file:
        values["persistence.enabled"] = True
    release = f"imgtest-{secrets.token_hex(3)}"
    http_port, telnet_port = free_port(), free_port()
    guest_port = free_port()
    # passt binds its ports on the host here: one free port, not the default range.
    values["network.passtPorts"] = str(guest_port)
    pod = RenderedPod(render(helm, args.chart, release, values), http_port, telnet_port)
    token = f"kept-{secrets.token_hex(8)}"
    try:
        pod.play()
        sleeper = check_uname_and_write(http_port, args, token, pod, guest_port)
        if args.browser_screenshot:
            check_in_browser(http_port, args)
        if args.persist_file:
            pod.down()
            pod.play()
            check_hibernated(http_port, args, token, pod, sleeper)
    except Exception:
        pod.diagnostics()
        raise
    finally:
        pod.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
