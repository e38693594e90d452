#!/usr/bin/env python3
"""Root's password and SSH key reach the guest through the guest agent (a fake
QEMU's): QEMU starts with no -fw_cfg, the agent gets guest-sync-delimited,
then guest-set-user-password (base64) and guest-ssh-add-authorized-keys; each
step is logged, the agent's errors too, never the password.

usage: test_guest_credentials.py LAUNCHER FAKE_QEMU"""
import base64
import json
import os
import signal
import sys
import tempfile

from qemu_riscv64_test.launcher import Launcher

PASSWORD = "s3cret, with \"quotes\" and ünicode"


def run(binary, fake_qemu, key, expected_log):
    with tempfile.TemporaryDirectory() as data_dir:
        agent_log = os.path.join(data_dir, "agent.jsonl")
        launcher = Launcher(binary, {
            "VM_DATA_DIR": data_dir, "VM_QEMU": fake_qemu, "VM_BIOS": "none", "VM_KERNEL": "",
            "VM_SHUTDOWN_TIMEOUT": "2", "FAKE_GUEST": "agent", "FAKE_AGENT_LOG": agent_log,
            "VM_GUEST_PASSWORD": PASSWORD, "VM_GUEST_SSH_KEY": key})
        try:
            launcher.client().read_until(b"fake guest ready")
            launcher.wait_stderr("guest agent: root password set")
            launcher.wait_stderr(expected_log)
            with open(agent_log) as log:
                commands = [json.loads(line) for line in log]
            names = [command["execute"] for command in commands]
            assert names == ["guest-sync-delimited", "guest-set-user-password",
                             "guest-ssh-add-authorized-keys"], names
            assert commands[1]["arguments"] == {
                "username": "root", "crypted": False,
                "password": base64.b64encode(PASSWORD.encode()).decode()}, commands[1]
            assert commands[2]["arguments"] == {
                "username": "root", "keys": [key.strip()], "reset": False}, commands[2]
            assert PASSWORD not in launcher.stderr, launcher.stderr
            launcher.signal(signal.SIGTERM)
            status = launcher.wait(timeout=30)
            assert status == 0, f"exit status {status}: {launcher.stderr}"
        finally:
            launcher.kill()


def main(binary, fake_qemu):
    run(binary, fake_qemu, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG test@example\n",
        "guest agent: root SSH key added")
    print("password and key set through the guest agent: ok")
    run(binary, fake_qemu, "not-a-key AAAA",
        "guest agent: guest-ssh-add-authorized-keys failed: invalid OpenSSH public key")
    print("an agent's refusal is logged: ok")


if __name__ == "__main__":
    main(*sys.argv[1:3])
