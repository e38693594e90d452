#!/usr/bin/env python3
"""Browser: the page in headless Chromium (playwright-core) types `uname -m`
into the busybox guest and finds `riscv64` in xterm.js's buffer, pastes and
copies, then sees the console restart and reconnects by itself; the
screenshot is kept as an artifact.

    test_browser.py --console BIN --launcher BIN --guest DIR --screenshot PNG
"""
import argparse
import os
import subprocess
import sys

from qemu_riscv64_test.console import start_console
from qemu_riscv64_test.launcher import start_launcher

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--console", "--launcher", "--guest", "--screenshot"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--base-path", default="", help="serve and open the page under this path, e.g. /vm1")
    args = parser.parse_args()
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
        return browser.wait(240)
    finally:
        if console:
            console.stop()
        launcher.stop()


if __name__ == "__main__":
    sys.exit(main())
