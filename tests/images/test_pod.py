"""The chart's pod, run for real with the images `make container` built.

    run-pytest.sh test_pod.py::test_pod --chart DIR --helm-script get-helm.sh --data-image IMAGE
                  --prompt END --first-start warm|cold [--login-password P] [--persist-file PATH]
                  [--ready-text TEXT] [--guest-server] [--browser-screenshot PNG] [--value KEY=VALUE ...]

test_pod renders the StatefulSet with `helm template`, plays it with `podman kube play
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
import os
import re
import secrets
import socket
import subprocess
import time

from pod_console import BOOT_DEADLINE_S, run_in_guest, wait_ready

from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.launcher import start_line
from qemu_riscv64_test.processes import free_port


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


def open_shell(port, case, pod, start):
    """Returns a WebSocket at a shell prompt, logging in when the guest asks."""
    wait_start(pod, start)
    wait_ready(port, pod, case.ready_text if start == "cold" else None)
    console = ConsoleSession(port, origin=f"http://127.0.0.1:{port}")
    if case.login_password:
        # Whatever the guest printed before, Enter brings a fresh login prompt.
        console.type("\r")
        console.read_until(b"login:", BOOT_DEADLINE_S)
        console.output.clear()
        console.type("root\r")
        console.read_until(b"assword:", 60)
        console.output.clear()
        console.type(case.login_password + "\r")
    else:
        console.type("\r")
    console.read_until(case.prompt.encode(), BOOT_DEADLINE_S)
    return console


def check_uname_and_write(port, case, token, pod, guest_port):
    """The first pod's guest: uname -m, its host name; with --persist-file a file written and a
    process started (its pid returned); with --guest-server a server reached at the pod's address."""
    console = open_shell(port, case, pod, case.first_start)
    # The echoed command has no "riscv64"; the answer ends its own line.
    run_in_guest(console, "uname -m", b"riscv64\r\n")
    print("test_pod: uname -m printed riscv64 through the console's WebSocket")
    # The guest is named after its pod (VM_HOSTNAME from the downward API; podman names
    # the Deployment's pod NAME-pod-0), whether it booted cold or resumed the image's snapshot.
    pod_name = f"{pod.name}-pod-0"
    run_in_guest(console, "echo name-$(hostname)-end", f"name-{pod_name}-end".encode())
    print(f"test_pod: the guest's host name is its pod's, {pod_name}")
    sleeper = None
    if case.persist_file:
        run_in_guest(console, f"echo {token} >{case.persist_file}; sync; echo written-$((6*7))", b"written-42")
        # A process the stop must not end: hibernation keeps it.
        answer = run_in_guest(console, "sleep 12345 & echo sleeper-$!-started-$((40+2))", b"-started-42")
        sleeper = int(re.search(rb"sleeper-(\d+)-started-42", answer).group(1))
    if case.guest_server:
        check_guest_server(console, guest_port)
    console.close()
    return sleeper


def check_guest_server(console, guest_port):
    """A server in the guest (busybox nc) that speaks first answers a client
    of the pod's address."""
    run_in_guest(console, f"(echo guest-serves-$((6*7)) | nc -l -p {guest_port} >/dev/null 2>&1 &); "
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


def check_in_browser(port, case):
    """The console page in headless Chromium: it reaches the shell and shows `uname -m`'s answer."""
    check_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "console", "browser",
                                "browser_check.js")
    subprocess.run(["node", check_script, f"http://127.0.0.1:{port}/", "uname -m", "riscv64",
                    case.browser_screenshot, case.prompt.strip()], check=True)
    print(f"test_pod: the page in Chromium showed riscv64 ({case.browser_screenshot})")


def check_hibernated(port, case, token, pod, sleeper):
    """The next pod resumed the guest the last one saved: its file and its process are there."""
    console = open_shell(port, case, pod, "hibernated")
    run_in_guest(console, f"cat {case.persist_file}", token.encode())
    print(f"test_pod: {case.persist_file} survived the pod restart")
    run_in_guest(console, f"kill -0 {sleeper} && echo sleeper-$((40+2))-alive", b"sleeper-42-alive")
    print(f"test_pod: `sleep 12345` (pid {sleeper}), started before the stop, still runs: the guest hibernated")
    console.close()


def chart_values(case, guest_port):
    """The chart's values for the case: its data image and --value items, the console open (the
    original's: the test's clients give no credentials), persistence with --persist-file, and
    passt's ports narrowed to `guest_port`."""
    values = {"images.data": case.data_image, "console.auth.enabled": False}
    for item in case.values:
        key, _, value = item.partition("=")
        values[key] = value
    if case.chart_password:
        values["guest.password"] = case.login_password
    if case.persist_file:
        values["persistence.enabled"] = True
    # passt binds its ports on the host here: one free port, not the default range.
    values["network.passtPorts"] = str(guest_port)
    return values


def test_pod(pod_case, played_pods):
    release = f"imgtest-{secrets.token_hex(3)}"
    http_port, telnet_port = free_port(), free_port()
    guest_port = free_port()
    pod = played_pods.play(release, chart_values(pod_case, guest_port), http_port, telnet_port)
    token = f"kept-{secrets.token_hex(8)}"
    sleeper = check_uname_and_write(http_port, pod_case, token, pod, guest_port)
    if pod_case.browser_screenshot:
        check_in_browser(http_port, pod_case)
    if pod_case.persist_file:
        pod.down()
        pod.play()
        check_hibernated(http_port, pod_case, token, pod, sleeper)
