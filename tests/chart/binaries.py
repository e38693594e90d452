#!/usr/bin/env python3
"""The rendered pod's env, fed to the real binaries: `launcher --dry-run` must accept it and
build the QEMU argv the values ask for; `console` must start with it, answer its probes and
enforce the rendered credentials. Secrets are resolved from the rendered Secrets, and the
Secret volumes written to a folder of their own, as the kubelet mounts them.

    binaries.py --launcher PATH --console PATH --guest DATA_DIR
"""
import argparse
import os
import subprocess
import sys
import tempfile

from chartlib.expect import Expect
from chartlib.helm import template
from chartlib.pod_console import get, running_console
from chartlib.pod_env import pod_env
from qemu_riscv64_test.launcher import FakeStatus
from qemu_riscv64_test.processes import free_port

t = Expect()


def check_launcher(launcher, sets, wanted, data_dir):
    rendered = template("myvm", sets)
    what = " ".join(sets) or "defaults"
    with tempfile.TemporaryDirectory(prefix="chart-binaries-") as folder:
        pod = pod_env(rendered.objects, "launcher", folder)
        env = {**pod, "VM_DATA_DIR": data_dir, "PATH": os.environ["PATH"]}
        t.equal(pod.get("VM_DATA_DIR"), "/data", "the pod's data dir")
        run = subprocess.run([launcher, "--dry-run"], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            t.that(False, "launcher --dry-run with %s failed: %s" % (what, run.stderr))
            return
        argv = run.stdout.strip().split("\n")
        for flag, value in wanted.items():
            if flag == "contains":
                for part in value:
                    t.that(any(part in a for a in argv), "%s: argv has %s" % (what, part))
            elif flag == "absent":
                for part in value:
                    t.that(not any(part in a for a in argv), "%s: argv has no %s" % (what, part))
            elif flag == "files":
                for name, text in value.items():
                    with open(env[name], encoding="utf-8") as given:
                        t.equal(given.read(), text, "%s: the file %s names" % (what, name))
            else:
                after = argv[argv.index(flag) + 1] if flag in argv[:-1] else None
                t.equal(after, value, "%s: QEMU %s" % (what, flag))


def check_console(console, sets):
    rendered = template("myvm", sets)
    what = " ".join(sets) or "defaults"
    # The launcher's status socket and the Secret files: in a folder of our own.
    with tempfile.TemporaryDirectory(prefix="chart-binaries-") as folder:
        pod = pod_env(rendered.objects, "console", folder)
        status_socket = os.path.join(folder, "status.sock")
        t.equal(pod.get("CONSOLE_STATUS"), "/run/qemu-riscv64/status.sock", "CONSOLE_STATUS in the runtime volume")
        port = free_port()
        env = {**pod, "PATH": os.environ["PATH"], "CONSOLE_STATUS": status_socket,
               "CONSOLE_LISTEN": "127.0.0.1:%d" % port, "CONSOLE_TELNET": "127.0.0.1:%d" % free_port()}
        base = pod.get("CONSOLE_BASE_PATH", "")
        with running_console(console, env, port):
            t.equal(get(port, base + "/healthz"), 200, "%s: %s/healthz (liveness)" % (what, base))
            t.equal(get(port, base + "/readyz"), 503, "%s: /readyz is 503 without the launcher" % what)
            with FakeStatus(status_socket, b"booting\n"):
                t.equal(get(port, base + "/readyz"), 503, "%s: /readyz is 503 while the launcher says booting" % what)
            with FakeStatus(status_socket, b"ready\n"):
                t.equal(get(port, base + "/readyz"), 200, "%s: /readyz is 200 once the launcher says ready" % what)
            auth = None
            if pod.get("CONSOLE_AUTH_FILE"):
                with open(pod["CONSOLE_AUTH_FILE"], encoding="utf-8") as given:
                    auth = given.read()
            t.equal(get(port, base + "/", auth), 200, "%s: the page, with the rendered credentials" % what)
            if auth:
                t.equal(get(port, base + "/"), 401, "%s: the page needs the credentials" % what)
            if base:
                t.equal(get(port, "/", auth), 404, "%s: nothing outside %s" % (what, base))


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--launcher", "--console", "--guest"):
        parser.add_argument(flag, required=True)
    opts = parser.parse_args()
    # The default network is passt: QEMU's card is a stream socket to it.
    # The guest's host name is the pod's, on the kernel command line of a cold boot.
    check_launcher(opts.launcher, [], {"-smp": "2", "-m": "2048", "contains": [
        "stream,id=net0,server=off,addr.type=unix", "systemd.hostname=myvm-qemu-riscv64-0"],
        "absent": ["user,id=net0"]}, opts.guest)
    check_launcher(opts.launcher, [
        "network.mode=user,cpu.count=4,memory=4096,ssh.enabled=true,guest.password=pw,"
        "guest.sshAuthorizedKey=ssh-ed25519 AAAA k", "cpu.features=v=true\\,vlen=256",
        "forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80"],
        {"-smp": "4", "-m": "4096", "-cpu": "rv64,v=true,vlen=256",
         "contains": ["user,id=net0,restrict=on", "hostfwd=tcp::2222-:22", "hostfwd=tcp::10080-:80"],
         # The credentials reach the launcher as the Secret's files; it sets them through the guest
         # agent, so they never appear on QEMU's command line.
         "files": {"VM_GUEST_PASSWORD_FILE": "pw", "VM_GUEST_SSH_KEY_FILE": "ssh-ed25519 AAAA k"},
         "absent": ["-fw_cfg", "ssh-ed25519 AAAA k"]}, opts.guest)
    # The guest's vm.conf sets VM_APPEND (it wins over the env); a data dir without it takes `append`.
    with tempfile.TemporaryDirectory(prefix="chart-data-") as bare:
        os.symlink(os.path.join(opts.guest, "Image"), os.path.join(bare, "Image"))
        with open(os.path.join(bare, "vm.conf"), "w", encoding="utf-8") as conf:
            conf.write("VM_KERNEL=Image\n")
        check_launcher(opts.launcher, ["append=console=ttyS0 quiet"],
                       {"-append": "console=ttyS0 quiet systemd.hostname=myvm-qemu-riscv64-0"}, bare)
    check_console(opts.console, [])
    check_console(opts.console, ["console.auth.enabled=true,console.readOnly=true,console.maxSessions=3,"
                                 "console.title=Lab VM"])
    check_console(opts.console, ["console.auth.enabled=false"])
    check_console(opts.console, ["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"])
    return t.report("binaries")


if __name__ == "__main__":
    sys.exit(main())
