"""Warm start of the debian-13 guest (data-images/debian-13/build.sh) under the launcher.

    run-pytest.sh test_warm_start_debian.py --launcher BIN --debian-guest DIR

test_warm_start  two resumes, each on a fresh copy of the guest folder, one after the other. In
                 each: the launcher resumes the snapshot (no cold fallback), the resume hook
                 runs through the guest agent, root logs in on the serial console (the second
                 time with a password given to the launcher, VM_GUEST_PASSWORD, as the chart
                 would), the guest's clock is the host's within a few seconds, the guest has its
                 address; then the two guests' SSH host keys and machine-ids must differ, from
                 each other and from the snapshot's (a third resume with the hook left out shows
                 those). Last, a copy booted cold (VM_WARM_START=off) must not have the snapshot
                 boot's identity either.

One copy of the guest (gigabytes) at a time: each is removed once its launcher has stopped.
"""
import os
import re
import secrets
import signal
import time

from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.processes import check

HOOK = "warm-start.hook"
PROMPT = b"root@riscv-debian:~# "
CLOCK_TOLERANCE_S = 10  # the launcher sets the clock at the resume; the reading goes through the console


def answer(client, command):
    """What `command` printed, between two markers of its own."""
    tag = secrets.token_hex(4)
    # The quotes keep the echoed command line from matching the markers.
    client.type(f"echo begin-''{tag}; {command}; echo end-''{tag}\r")
    # The end marker is enough (bash wraps its prompt in bracketed-paste escapes).
    text = client.read_until(f"end-{tag}\r\n".encode(), timeout=300).decode(errors="replace")
    return text[text.rindex(f"begin-{tag}\r\n") + len(f"begin-{tag}\r\n"):text.rindex(f"end-{tag}")].strip()


def log_in(client, password):
    client.type("\r")
    client.read_until(b"login: ", timeout=300)
    client.type("root\r")
    client.read_until(b"Password: ", timeout=300)
    client.type(password + "\r")
    client.read_until(PROMPT, timeout=300)
    # Kernel messages (an RCU stall report on a starved guest) stay off the
    # console, so that they cannot land inside a command's answer.
    answer(client, "dmesg -n 1")


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=120)
    check(status == 0, f"launcher exit status {status}: {launcher.stderr[-2000:]}")


def wait_for_resume(launcher, password, hook):
    """The launcher's lines of a resume (no cold fallback): the clock set, the hook started and
    the password set when asked for; returns the line of the resume's seconds."""
    launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
    resumed = launcher.wait_stderr(r"launcher: warm start: resumed in [0-9.]+ s", timeout=300)
    check("cold boot" not in launcher.stderr, launcher.stderr)
    check("warm start: caution" not in launcher.stderr, launcher.stderr)
    # guest-set-time sets the clock, then runs hwclock, which the image lacks: its
    # error follows, but the clock is set (checked below against the host's).
    launcher.wait_stderr(r"launcher: guest agent: (clock set to the host's|guest-set-time failed)", timeout=300)
    if hook:
        launcher.wait_stderr(rf"launcher: guest agent: resume hook {HOOK} started", timeout=300)
    if password:
        launcher.wait_stderr(r"launcher: guest agent: root password set", timeout=300)
    return resumed.group(0)


def check_timers(client):
    """Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would)."""
    cpus = int(answer(client, "nproc"))
    for cpu in range(cpus):
        check(answer(client, f"taskset -c {cpu} sleep 0.2 && echo slept") == "slept", f"no sleep ended on CPU {cpu}")


def identity(client):
    """The guest's ed25519 SSH host key and machine-id."""
    key = answer(client, "cat /etc/ssh/ssh_host_ed25519_key.pub")
    machine_id = answer(client, "cat /etc/machine-id")
    check(key.startswith("ssh-ed25519 "), key)
    check(re.fullmatch(r"[0-9a-f]{32}", machine_id), machine_id)
    return key, machine_id


def resumed_guest(launcher_process, guest_dir, password=None, hook=True):
    """One resume; returns (clock skew s, ed25519 host key, machine-id)."""
    env = {"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "60"}
    if password:
        env["VM_GUEST_PASSWORD"] = password
    launcher = launcher_process(env)
    resumed = wait_for_resume(launcher, password, hook)
    client = launcher.client()
    log_in(client, password or "riscv")
    # The hook runs in the background (guest-exec); wait until it is done.
    answer(client, f"while pgrep -f {HOOK} >/dev/null; do sleep 1; done")
    check_timers(client)
    skew = abs(int(answer(client, "date +%s")) - time.time())
    key, machine_id = identity(client)
    address = answer(client, "ip -color=never -4 -o addr show scope global")
    check("inet 10.0.2.15/" in address, address)
    sshd = answer(client, "systemctl is-active ssh.service")
    check(sshd == "active", sshd)
    stop(launcher)
    login = f"root logged in{' with VM_GUEST_PASSWORD' if password else ''}"
    print(f"{resumed}{'' if hook else ' (no hook)'}; {login}, "
          f"clock off by {skew:.1f} s, machine-id {machine_id}, {key[:40]}...")
    return skew, key, machine_id


def leave_hook_out(guest_dir):
    """The resume hook left out of the guest folder's manifest: a resume then shows the
    snapshot's own identity (its page cache, not its disk, holds it)."""
    manifest = os.path.join(guest_dir, "warm-start.conf")
    with open(manifest) as f:
        text = f.read()
    check(f"RESUME_AGENT_SCRIPT='{HOOK}'" in text, text)
    with open(manifest, "w") as f:
        f.write(text.replace(f"RESUME_AGENT_SCRIPT='{HOOK}'", "RESUME_AGENT_SCRIPT=''"))


def cold_booted_identity(launcher_process, guest_dir):
    """A copy of the image booted cold (VM_WARM_START=off); returns (host key, machine-id)."""
    launcher = launcher_process({"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "60", "VM_WARM_START": "off"})
    launcher.wait_stderr(r"launcher: cold boot: VM_WARM_START=off")
    client = launcher.client()
    client.read_until(b"login: ", timeout=900)
    log_in(client, "riscv")
    key = answer(client, "cat /etc/ssh/ssh_host_ed25519_key.pub")
    machine_id = answer(client, "cat /etc/machine-id")
    stop(launcher)
    print(f"cold boot of a copy: machine-id {machine_id}, {key[:40]}...")
    return key, machine_id


def test_warm_start(launcher_process, debian_guest_dir):
    results = []
    for password in (None, f"warm-{secrets.token_hex(6)}"):
        with PrivateGuest(debian_guest_dir) as guest_dir:
            results.append(resumed_guest(launcher_process, guest_dir, password))
    (skew1, key1, id1), (skew2, key2, id2) = results
    for skew in (skew1, skew2):
        check(skew < CLOCK_TOLERANCE_S, f"a resumed guest's clock is {skew:.0f} s off the host's")
    check(key1 != key2, f"two resumed guests share an SSH host key: {key1}")
    check(id1 != id2, f"two resumed guests share a machine-id: {id1}")
    with PrivateGuest(debian_guest_dir) as guest_dir:
        leave_hook_out(guest_dir)
        _, snapshot_key, snapshot_id = resumed_guest(launcher_process, guest_dir, hook=False)
    check(snapshot_key not in (key1, key2), "a resumed guest kept the snapshot's SSH host key")
    check(snapshot_id not in (id1, id2), "a resumed guest kept the snapshot's machine-id")
    with PrivateGuest(debian_guest_dir) as guest_dir:
        cold_key, cold_id = cold_booted_identity(launcher_process, guest_dir)
    check(cold_key != snapshot_key, "a cold-booted copy kept the snapshot boot's SSH host key")
    check(cold_id != snapshot_id, "a cold-booted copy kept the snapshot boot's machine-id")
    print("two resumes of one snapshot: clocks set, own SSH host keys and machine-ids (not the "
          "snapshot's), VM_GUEST_PASSWORD applied; a cold-booted copy has its own too")
