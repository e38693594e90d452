"""Browser: the console's page in headless Chromium, driven by this folder's Node checks
(playwright-core, found through NODE_PATH) on the busybox guest under the real launcher.
Each test keeps its screenshot in the --artifacts folder.

    NODE_PATH=build/tests/console/node/node_modules \\
    run-pytest.sh test_browser.py --console BIN --launcher BIN --guest DIR --artifacts build/artifacts

test_page       browser_check.js types `uname -m` and finds `riscv64` in xterm.js's buffer, pastes
                and copies, then sees the console restart and reconnects by itself
                (console-page.png)
test_base_path  the same, the page served under --base-path /vm1 and opened at /vm1/
                (console-page-vm1.png)
test_replay     the launcher records the console (VM_RECORDING_SOCKET, --recording) and the page's
                player replays it (replay_check.js): the markers listed, the typed command's
                answer on the replayed screen (console-replay.png)
test_phone      the page as a 390x844 touch phone (phone_check.js): its key bar (console-phone.png)
test_front      the page reached through the front's list, the busybox VM (vm-a) and a second
                console on the telnet test peer (vm-b) behind one password: both rows show
                ready, the first one's link opens its console, which must work the same, no
                restart there (console-page-front.png; the list in console-page-front-list.png)

When a check fails, the failure shows the launcher's last 40 lines (the guest's console among them).
"""
import os
import subprocess

import pytest

from qemu_riscv64_test.processes import Process, check, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
TITLE = "busybox test VM"
PROMPT = "riscv-busybox:~#"


@pytest.fixture
def node_check():
    """Starts a Node check of this folder: node_check(script, *arguments, env=None, lines=False)
    -> Popen (its stdout a pipe of text lines when `lines`); one still running after the test is
    killed."""
    started = []

    def start(script, *arguments, env=None, lines=False):
        process = subprocess.Popen(["node", os.path.join(HERE, script), *arguments],
                                   env=dict(os.environ, **(env or {})),
                                   stdout=subprocess.PIPE if lines else None, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def guest_console(busybox_launcher, console_server):
    """Starts the busybox guest under the launcher and a console on it:
    guest_console(console_flags=(), launcher_env=None) -> (launcher, telnet port, console, console port)."""
    def start(console_flags=(), launcher_env=None):
        launcher, telnet_port = busybox_launcher(launcher_env)
        console, port = console_server(telnet_port, *console_flags)
        return launcher, telnet_port, console, port

    return start


@pytest.fixture
def front_server(console_binary):
    """Starts the front (console --role front) on a free port of 127.0.0.1, stopped after the
    test: front_server(*flags) -> port."""
    fronts = []

    def start(*flags):
        front = Process([console_binary, "--role", "front", "--listen", "127.0.0.1:0", *flags], name="front")
        fronts.append(front)
        return int(front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))

    yield start
    for front in reversed(fronts):
        front.stop()


def check_passed(status, script, launcher):
    """A Node check's exit status 0; else the failure says it with the launcher's last 40 lines."""
    check(status == 0, "%s failed (exit status %s); the launcher's output, last 40 lines:\n%s"
          % (script, status, "\n".join(launcher.text().splitlines()[-40:])))


def check_page_reconnects(guest_console, console_server, node_check, screenshot, base_path=""):
    """browser_check.js on the page at base_path; the page's side of the reconnect check asks
    for the console to go away and come back, on the same port."""
    flags = ["--title", TITLE] + (["--base-path", base_path] if base_path else [])
    launcher, telnet_port, console, port = guest_console(flags)
    browser = node_check("browser_check.js", "http://127.0.0.1:%d%s/" % (port, base_path), "uname -m",
                         "riscv64", screenshot, PROMPT, env={"RECONNECT_CHECK": "1"}, lines=True)
    for line in browser.stdout:
        print(line, end="", flush=True)
        if line.strip() == "restart-console":
            console.stop()
        elif line.strip() == "saw-disconnect":
            console, _ = console_server(telnet_port, *flags, listen_port=port)
    check_passed(browser.wait(240), "browser_check.js", launcher)


def test_page(guest_console, console_server, node_check, artifacts_dir):
    check_page_reconnects(guest_console, console_server, node_check,
                          os.path.join(artifacts_dir, "console-page.png"))


def test_base_path(guest_console, console_server, node_check, artifacts_dir):
    check_page_reconnects(guest_console, console_server, node_check,
                          os.path.join(artifacts_dir, "console-page-vm1.png"), base_path="/vm1")


def test_replay(guest_console, node_check, artifacts_dir, tmp_path):
    socket_path = str(tmp_path / "recording.sock")
    launcher, _, _, port = guest_console(["--recording", socket_path], {"VM_RECORDING_SOCKET": socket_path})
    replay = node_check("replay_check.js", "http://127.0.0.1:%d/" % port, "echo replayed-$((6*7))", "replayed-42",
                        PROMPT, os.path.join(artifacts_dir, "console-replay.png"))
    check_passed(replay.wait(240), "replay_check.js", launcher)


def test_phone(guest_console, node_check, artifacts_dir):
    launcher, _, _, port = guest_console(["--title", TITLE])
    phone = node_check("phone_check.js", "http://127.0.0.1:%d/" % port, ":~#",
                       os.path.join(artifacts_dir, "console-phone.png"))
    check_passed(phone.wait(240), "phone_check.js", launcher)


def test_front(busybox_launcher, telnet_peer, console_server, front_server, node_check, artifacts_dir, tmp_path):
    auth = "admin:front-pa55"
    port = free_port()
    status = str(tmp_path / "status.sock")
    launcher, telnet_port = busybox_launcher({"VM_STATUS_SOCKET": status})
    _, peer_port = telnet_peer()
    # vm-a tells its launcher's values (uptime, vCPUs, memory); vm-b has no launcher: only "ready".
    for name, address, telnet, more in (("vm-a", "127.0.0.11", telnet_port, ["--status", status]),
                                        ("vm-b", "127.0.0.12", peer_port, [])):
        console_server(telnet, "--vm-name", name, "--title", "busybox " + name, "--auth", auth, *more,
                       listen_host=address, listen_port=port)
    front_port = front_server("--title", "browser fleet", "--auth", auth,
                              "--peers", "127.0.0.11:%d,127.0.0.12:%d" % (port, port))
    env = {"FRONT_VMS": "vm-a,vm-b", "FRONT_SCREENSHOT": os.path.join(artifacts_dir, "console-page-front-list.png")}
    browser = node_check("browser_check.js", "http://%s@127.0.0.1:%d/" % (auth, front_port), "uname -m", "riscv64",
                         os.path.join(artifacts_dir, "console-page-front.png"), PROMPT, env=env)
    check_passed(browser.wait(240), "browser_check.js through the front", launcher)
