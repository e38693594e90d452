#!/usr/bin/env python3
"""Browser: the page in headless Chromium (playwright-core) types `uname -m`
into the busybox guest and finds `riscv64` in xterm.js's buffer, pastes and
copies, then sees the console restart and reconnects by itself; the
screenshot is kept as an artifact. With --front, the page is reached through
the front's list (the busybox VM and a second console on the telnet test
peer, behind one password): both rows show ready, the first one's link opens
its console, which must work the same (no restart there). With --replay, the
launcher records the console and the page's player replays it (replay_check.js):
the markers listed, the typed command's answer on the replayed screen. With
--phone, the page as a 390x844 touch phone (phone_check.js): its key bar.

    test_browser.py --console BIN --launcher BIN --guest DIR --screenshot PNG [--front | --replay | --phone]
"""
import argparse
import os
import subprocess
import sys
import tempfile

from qemu_riscv64_test.console import start_console, start_peer
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.processes import Process, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--console", "--launcher", "--guest", "--screenshot"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--base-path", default="", help="serve and open the page under this path, e.g. /vm1")
    parser.add_argument("--front", action="store_true", help="open the page through the front's list")
    parser.add_argument("--replay", action="store_true", help="replay the console's recording in the page")
    parser.add_argument("--phone", action="store_true", help="the page on a phone, with its key bar")
    args = parser.parse_args()
    if args.front:
        return through_front(args)
    if args.replay:
        return replay(args)
    if args.phone:
        return phone(args)
    flags = ["--title", "busybox test VM"] + (["--base-path", args.base_path] if args.base_path else [])
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    launcher, telnet_port = start_launcher(args.launcher, args.guest)
    console = None
    try:
        console, port = start_console(args.console, telnet_port, *flags)
        browser = subprocess.Popen(["node", os.path.join(HERE, "browser_check.js"),
                                    "http://127.0.0.1:%d%s/" % (port, args.base_path), "uname -m", "riscv64",
                                    args.screenshot, "riscv-busybox:~#"],
                                   stdout=subprocess.PIPE, text=True, env=dict(os.environ, RECONNECT_CHECK="1"))
        # The page's side of the reconnect check asks for the console to go away and come back.
        for line in browser.stdout:
            print(line, end="", flush=True)
            if line.strip() == "restart-console":
                console.stop()
            elif line.strip() == "saw-disconnect":
                console, _ = start_console(args.console, telnet_port, *flags, listen_port=port)
        status = browser.wait(240)
        if status != 0:  # what the guest and the launcher said, for the failure's reason
            print_launcher_tail(launcher)
        return status
    finally:
        if console:
            console.stop()
        launcher.stop()


def replay(args):
    """The launcher records (VM_RECORDING_SOCKET) and the console serves it (--recording)."""
    folder = tempfile.mkdtemp(prefix="replay-test-")
    socket_path = os.path.join(folder, "recording.sock")
    return run_check(args, "replay_check.js", ["echo replayed-$((6*7))", "replayed-42", "riscv-busybox:~#"],
                     {"VM_RECORDING_SOCKET": socket_path}, ["--recording", socket_path], folder)


def phone(args):
    """The page as a phone, on the busybox guest."""
    return run_check(args, "phone_check.js", [":~#"], {}, ["--title", "busybox test VM"])


def print_launcher_tail(launcher):
    """The launcher's last 40 lines (the guest's console among them): a failed check's reason."""
    print("launcher's output, last 40 lines:\n" + "\n".join(launcher.text().splitlines()[-40:]), flush=True)


def run_check(args, script, script_args, launcher_env, console_flags, folder=None):
    """The busybox guest under the launcher, a console on it, and browser/`script` run with the
    console's URL, `script_args` and the screenshot's path; its exit status. When it fails,
    the launcher's last lines (the guest's console among them) are printed."""
    launcher, telnet_port = start_launcher(args.launcher, args.guest, launcher_env)
    if folder:
        launcher.folders.append(folder)
    console = None
    try:
        console, port = start_console(args.console, telnet_port, *console_flags)
        status = subprocess.run(["node", os.path.join(HERE, script), "http://127.0.0.1:%d/" % port, *script_args,
                                 args.screenshot], timeout=240).returncode
        if status != 0:
            print_launcher_tail(launcher)
        return status
    finally:
        if console:
            console.stop()
        launcher.stop()


def through_front(args):
    """The busybox VM (vm-a) and the telnet peer (vm-b), each behind a console on its own loopback
    address, and the front before both; the browser goes from the list to vm-a's console."""
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    auth = "admin:front-pa55"
    port = free_port()
    folder = tempfile.mkdtemp(prefix="browser-front-")
    status = os.path.join(folder, "status.sock")
    launcher, telnet_port = start_launcher(args.launcher, args.guest, {"VM_STATUS_SOCKET": status})
    launcher.folders.append(folder)
    peer, peer_port = start_peer()
    processes = [launcher, peer]
    try:
        # vm-a tells its launcher's values (uptime, vCPUs, memory); vm-b has no launcher: only "ready".
        for name, address, telnet, more in (("vm-a", "127.0.0.11", telnet_port, ["--status", status]),
                                            ("vm-b", "127.0.0.12", peer_port, [])):
            processes.append(start_console(args.console, telnet, "--vm-name", name, "--title", "busybox " + name,
                                           "--auth", auth, *more, listen_host=address, listen_port=port)[0])
        front = Process([args.console, "--role", "front", "--listen", "127.0.0.1:0", "--title", "browser fleet",
                         "--auth", auth, "--peers", "127.0.0.11:%d,127.0.0.12:%d" % (port, port)], name="front")
        processes.append(front)
        front_port = int(front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))
        list_png = os.path.splitext(args.screenshot)[0] + "-list.png"
        env = dict(os.environ, FRONT_VMS="vm-a,vm-b", FRONT_SCREENSHOT=list_png)
        return subprocess.run(["node", os.path.join(HERE, "browser_check.js"),
                               "http://%s@127.0.0.1:%d/" % (auth, front_port), "uname -m", "riscv64",
                               args.screenshot, "riscv-busybox:~#"], env=env, timeout=240).returncode
    finally:
        for process in reversed(processes):
            process.stop()


if __name__ == "__main__":
    sys.exit(main())
