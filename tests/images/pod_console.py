"""The console of a pod played with `podman kube play` (rendered_pod.py): its /readyz, and
commands typed in the guest's shell through its WebSocket."""
import http.client
import time

BOOT_DEADLINE_S = 1500  # a hang guard for an emulated boot, not a measurement


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


def run_in_guest(console, command, expect):
    """Types `command` in the guest's shell; the output after it, up to `expect`."""
    # Only what comes after the command counts.
    console.output.clear()
    console.type(command + "\r")
    return console.read_until(expect, 120)
