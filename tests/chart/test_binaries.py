"""Chart: the rendered pod's env, fed to the real binaries.

    run-pytest.sh test_binaries.py --launcher BIN --console BIN --guest DIR

test_binaries_read_the_pod  `launcher --dry-run` must accept the launcher container's env and build
                            the QEMU argv the values ask for; `console` must start with the console
                            container's, answer its probes and enforce the rendered credentials.
                            Secrets are resolved from the rendered Secrets, and the Secret volumes
                            written to a folder of their own, as the kubelet mounts them
"""
import itertools
import os
import subprocess

import pytest

from chartlib.helm import template
from chartlib.pod_console import get, running_console
from chartlib.pod_env import pod_env
from qemu_riscv64_test.launcher import FakeStatus
from qemu_riscv64_test.processes import free_port


@pytest.fixture
def pod_folder(tmp_path):
    """pod_folder(): a new empty folder for one pod's Secret files and sockets."""
    numbers = itertools.count()

    def make():
        folder = tmp_path / ("pod-%d" % next(numbers))
        folder.mkdir()
        return str(folder)
    return make


@pytest.fixture
def bare_data_dir(tmp_path, guest_dir):
    """A data folder with the guest's kernel and a vm.conf that sets no VM_APPEND."""
    bare = tmp_path / "bare-data"
    bare.mkdir()
    os.symlink(os.path.abspath(os.path.join(guest_dir, "Image")), bare / "Image")
    (bare / "vm.conf").write_text("VM_KERNEL=Image\n", encoding="utf-8")
    return str(bare)


def check_argv(expect, what, argv, env, wanted):
    for flag, value in wanted.items():
        if flag == "contains":
            for part in value:
                expect.that(any(part in a for a in argv), "%s: argv has %s" % (what, part))
        elif flag == "absent":
            for part in value:
                expect.that(not any(part in a for a in argv), "%s: argv has no %s" % (what, part))
        elif flag == "files":
            for name, text in value.items():
                with open(env[name], encoding="utf-8") as given:
                    expect.equal(given.read(), text, "%s: the file %s names" % (what, name))
        else:
            after = argv[argv.index(flag) + 1] if flag in argv[:-1] else None
            expect.equal(after, value, "%s: QEMU %s" % (what, flag))


def check_launcher(expect, launcher, folder, sets, wanted, data_dir):
    rendered = template("myvm", sets)
    what = " ".join(sets) or "defaults"
    pod = pod_env(rendered.objects, "launcher", folder)
    env = {**pod, "VM_DATA_DIR": data_dir, "PATH": os.environ["PATH"]}
    expect.equal(pod.get("VM_DATA_DIR"), "/data", "the pod's data dir")
    run = subprocess.run([launcher, "--dry-run"], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        expect.that(False, "launcher --dry-run with %s failed: %s" % (what, run.stderr))
        return
    check_argv(expect, what, run.stdout.strip().split("\n"), env, wanted)


def check_probes(expect, what, port, base, status_socket):
    expect.equal(get(port, base + "/healthz"), 200, "%s: %s/healthz (liveness)" % (what, base))
    expect.equal(get(port, base + "/readyz"), 503, "%s: /readyz is 503 without the launcher" % what)
    with FakeStatus(status_socket, b"booting\n"):
        expect.equal(get(port, base + "/readyz"), 503, "%s: /readyz is 503 while the launcher says booting" % what)
    with FakeStatus(status_socket, b"ready\n"):
        expect.equal(get(port, base + "/readyz"), 200, "%s: /readyz is 200 once the launcher says ready" % what)


def check_console(expect, console, folder, sets):
    """The console with the rendered env; the launcher's status socket and the Secret files in `folder`."""
    rendered = template("myvm", sets)
    what = " ".join(sets) or "defaults"
    pod = pod_env(rendered.objects, "console", folder)
    status_socket = os.path.join(folder, "status.sock")
    expect.equal(pod.get("CONSOLE_STATUS"), "/run/qemu-riscv64/status.sock", "CONSOLE_STATUS in the runtime volume")
    port = free_port()
    env = {**pod, "PATH": os.environ["PATH"], "CONSOLE_STATUS": status_socket,
           "CONSOLE_LISTEN": "127.0.0.1:%d" % port, "CONSOLE_TELNET": "127.0.0.1:%d" % free_port()}
    base = pod.get("CONSOLE_BASE_PATH", "")
    with running_console(console, env, port):
        check_probes(expect, what, port, base, status_socket)
        auth = None
        if pod.get("CONSOLE_AUTH_FILE"):
            with open(pod["CONSOLE_AUTH_FILE"], encoding="utf-8") as given:
                auth = given.read()
        expect.equal(get(port, base + "/", auth), 200, "%s: the page, with the rendered credentials" % what)
        if auth:
            expect.equal(get(port, base + "/"), 401, "%s: the page needs the credentials" % what)
        if base:
            expect.equal(get(port, "/", auth), 404, "%s: nothing outside %s" % (what, base))


def check_launcher_argv(expect, launcher_binary, guest_dir, bare_data_dir, pod_folder):
    # The default network is passt: QEMU's card is a stream socket to it.
    # The guest's host name is the pod's, on the kernel command line of a cold boot.
    check_launcher(expect, launcher_binary, pod_folder(), [], {"-smp": "2", "-m": "2048", "contains": [
        "stream,id=net0,server=off,addr.type=unix", "systemd.hostname=myvm-qemu-riscv64-0"],
        "absent": ["user,id=net0"]}, guest_dir)
    check_launcher(expect, launcher_binary, pod_folder(), [
        "network.mode=user,cpu.count=4,memory=4096,ssh.enabled=true,guest.password=pw,"
        "guest.sshAuthorizedKey=ssh-ed25519 AAAA k", "cpu.features=v=true\\,vlen=256",
        "forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80"],
        {"-smp": "4", "-m": "4096", "-cpu": "rv64,v=true,vlen=256",
         "contains": ["user,id=net0,restrict=on", "hostfwd=tcp::2222-:22", "hostfwd=tcp::10080-:80"],
         # The credentials reach the launcher as the Secret's files; it sets them through the guest
         # agent, so they never appear on QEMU's command line.
         "files": {"VM_GUEST_PASSWORD_FILE": "pw", "VM_GUEST_SSH_KEY_FILE": "ssh-ed25519 AAAA k"},
         "absent": ["-fw_cfg", "ssh-ed25519 AAAA k"]}, guest_dir)
    # The guest's vm.conf sets VM_APPEND (it wins over the env); a data dir without it takes `append`.
    check_launcher(expect, launcher_binary, pod_folder(), ["append=console=ttyS0 quiet"],
                   {"-append": "console=ttyS0 quiet systemd.hostname=myvm-qemu-riscv64-0"}, bare_data_dir)


def test_binaries_read_the_pod(expect, launcher_binary, console_binary, guest_dir, bare_data_dir, pod_folder):
    check_launcher_argv(expect, launcher_binary, guest_dir, bare_data_dir, pod_folder)
    check_console(expect, console_binary, pod_folder(), [])
    check_console(expect, console_binary, pod_folder(), ["console.auth.enabled=true,console.readOnly=true,"
                                                         "console.maxSessions=3,console.title=Lab VM"])
    check_console(expect, console_binary, pod_folder(), ["console.auth.enabled=false"])
    check_console(expect, console_binary, pod_folder(),
                  ["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"])
    expect.report("binaries")
