#!/usr/bin/env python3
"""Browser: the page in headless Chromium (playwright-core) types `uname -m`
into the busybox guest and finds `riscv64` in xterm.js's buffer; the
screenshot is kept as an artifact.

    test_browser.py --console BIN --launcher BIN --guest DIR --screenshot PNG
"""
import argparse
import os
import subprocess
import sys

from harness import HERE, start_console, start_launcher


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--console", "--launcher", "--guest", "--screenshot"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    launcher, telnet_port = start_launcher(args.launcher, args.guest)
    console = None
    try:
        console, port = start_console(args.console, telnet_port, "--title", "busybox test VM")
        result = subprocess.run(["node", os.path.join(HERE, "browser_check.js"),
                                 "http://127.0.0.1:%d/" % port, "uname -m", "riscv64", args.screenshot, "riscv-busybox:~#"],
                                timeout=240, check=False)
        return result.returncode
    finally:
        if console:
            console.stop()
        launcher.stop()


if __name__ == "__main__":
    sys.exit(main())
