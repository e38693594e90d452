#!/usr/bin/env python3
"""Warm start of the debian-13 guest under the launcher: two resumes, each on
a fresh copy of the guest folder (data-images/debian-13/build.sh), one after
the other. In each: the launcher resumes the snapshot (no cold fallback), the
resume hook runs through the guest agent, root logs in on the serial console
(the second time with a password given to the launcher, VM_GUEST_PASSWORD, as
the chart would), the guest's clock is the host's within a few seconds, the
guest has its address; then the two guests' SSH host keys and machine-ids
must differ, from each other and from the snapshot's (a third resume with
the hook left out shows those). Last, a copy booted cold (VM_WARM_START=off)
must not have the snapshot boot's identity either.

usage: test_warm_start_debian.py LAUNCHER DEBIAN_GUEST_DIR"""
import os
import re
import secrets
import signal
import sys
import time

from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import Launcher

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


def resumed_guest(binary, guest_dir, password=None, hook=True):
    """One resume; returns (clock skew s, ed25519 host key, machine-id)."""
    env = {"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "60"}
    if password:
        env["VM_GUEST_PASSWORD"] = password
    launcher = Launcher(binary, env)
    try:
        launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
        resumed = launcher.wait_stderr(r"launcher: warm start: resumed in [0-9.]+ s", timeout=300)
        assert "cold boot" not in launcher.stderr, launcher.stderr
        assert "warm start: caution" not in launcher.stderr, launcher.stderr
        # guest-set-time sets the clock, then runs hwclock, which the image lacks: its
        # error follows, but the clock is set (checked below against the host's).
        launcher.wait_stderr(r"launcher: guest agent: (clock set to the host's|guest-set-time failed)",
                             timeout=300)
        if hook:
            launcher.wait_stderr(rf"launcher: guest agent: resume hook {HOOK} started", timeout=300)
        if password:
            launcher.wait_stderr(r"launcher: guest agent: root password set", timeout=300)
        client = launcher.client()
        log_in(client, password or "riscv")
        # The hook runs in the background (guest-exec); wait until it is done.
        answer(client, f"while pgrep -f {HOOK} >/dev/null; do sleep 1; done")
        # Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would).
        cpus = int(answer(client, "nproc"))
        for cpu in range(cpus):
            assert answer(client, f"taskset -c {cpu} sleep 0.2 && echo slept") == "slept", cpu
        guest_now = int(answer(client, "date +%s"))
        skew = abs(guest_now - time.time())
        key = answer(client, "cat /etc/ssh/ssh_host_ed25519_key.pub")
        machine_id = answer(client, "cat /etc/machine-id")
        address = answer(client, "ip -color=never -4 -o addr show scope global")
        sshd = answer(client, "systemctl is-active ssh.service")
        assert key.startswith("ssh-ed25519 "), key
        assert re.fullmatch(r"[0-9a-f]{32}", machine_id), machine_id
        assert "inet 10.0.2.15/" in address, address
        assert sshd == "active", sshd
        launcher.signal(signal.SIGTERM)
        status = launcher.wait(timeout=120)
        assert status == 0, f"launcher exit status {status}: {launcher.stderr[-2000:]}"
        login = f"root logged in{' with VM_GUEST_PASSWORD' if password else ''}"
        print(f"{resumed.group(0)}{'' if hook else ' (no hook)'}; {login}, "
              f"clock off by {skew:.1f} s, machine-id {machine_id}, {key[:40]}...")
        return skew, key, machine_id
    finally:
        launcher.kill()


def without_hook(guest_dir):
    """The guest folder with the resume hook left out of its manifest: a resume
    then shows the snapshot's own identity (its page cache, not its disk, holds it)."""
    manifest = os.path.join(guest_dir, "warm-start.conf")
    with open(manifest) as f:
        text = f.read()
    assert f"RESUME_AGENT_SCRIPT='{HOOK}'" in text, text
    with open(manifest, "w") as f:
        f.write(text.replace(f"RESUME_AGENT_SCRIPT='{HOOK}'", "RESUME_AGENT_SCRIPT=''"))


def cold_copy(binary, guest_dir):
    """A copy of the image booted cold (VM_WARM_START=off); returns (host key, machine-id)."""
    launcher = Launcher(binary, {"VM_DATA_DIR": guest_dir, "VM_SHUTDOWN_TIMEOUT": "60",
                                 "VM_WARM_START": "off"})
    try:
        launcher.wait_stderr(r"launcher: cold boot: VM_WARM_START=off")
        client = launcher.client()
        client.read_until(b"login: ", timeout=900)
        log_in(client, "riscv")
        key = answer(client, "cat /etc/ssh/ssh_host_ed25519_key.pub")
        machine_id = answer(client, "cat /etc/machine-id")
        launcher.signal(signal.SIGTERM)
        status = launcher.wait(timeout=120)
        assert status == 0, f"launcher exit status {status}: {launcher.stderr[-2000:]}"
        print(f"cold boot of a copy: machine-id {machine_id}, {key[:40]}...")
        return key, machine_id
    finally:
        launcher.kill()


def main(binary, shared_guest_dir):
    results = []
    for password in (None, f"warm-{secrets.token_hex(6)}"):
        with PrivateGuest(shared_guest_dir) as guest_dir:
            results.append(resumed_guest(binary, guest_dir, password))
    (skew1, key1, id1), (skew2, key2, id2) = results
    for skew in (skew1, skew2):
        assert skew < CLOCK_TOLERANCE_S, f"a resumed guest's clock is {skew:.0f} s off the host's"
    assert key1 != key2, f"two resumed guests share an SSH host key: {key1}"
    assert id1 != id2, f"two resumed guests share a machine-id: {id1}"
    with PrivateGuest(shared_guest_dir) as guest_dir:
        without_hook(guest_dir)
        _, snapshot_key, snapshot_id = resumed_guest(binary, guest_dir, hook=False)
    assert snapshot_key not in (key1, key2), "a resumed guest kept the snapshot's SSH host key"
    assert snapshot_id not in (id1, id2), "a resumed guest kept the snapshot's machine-id"
    with PrivateGuest(shared_guest_dir) as guest_dir:
        cold_key, cold_id = cold_copy(binary, guest_dir)
    assert cold_key != snapshot_key, "a cold-booted copy kept the snapshot boot's SSH host key"
    assert cold_id != snapshot_id, "a cold-booted copy kept the snapshot boot's machine-id"
    print("two resumes of one snapshot: clocks set, own SSH host keys and machine-ids (not the "
          "snapshot's), VM_GUEST_PASSWORD applied; a cold-booted copy has its own too")

if __name__ == "__main__":
    main(*sys.argv[1:3])
