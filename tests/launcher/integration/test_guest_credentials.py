"""Root's password and SSH key reach the guest through the guest agent (a fake QEMU's,
fake_qemu.py).

    run-pytest.sh test_guest_credentials.py --launcher BIN

test_guest_credentials_fake_qemu  QEMU starts with no -fw_cfg, the agent gets
                                  guest-sync-delimited, then guest-set-user-password (base64)
                                  and guest-ssh-add-authorized-keys; each step is logged, the
                                  agent's errors too (a key it refuses), never the password
"""
import base64
import json
import signal

import pytest

from qemu_riscv64_test.processes import check

PASSWORD = "s3cret, with \"quotes\" and ünicode"
GOOD_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG test@example\n"
BAD_KEY = "not-a-key AAAA"


def agent_commands(log):
    """The commands the fake guest agent got, one JSON line each."""
    with open(log) as lines:
        return [json.loads(line) for line in lines]


@pytest.mark.parametrize("key, expected_log", [
    (GOOD_KEY, "guest agent: root SSH key added"),
    (BAD_KEY, "guest agent: guest-ssh-add-authorized-keys failed: invalid OpenSSH public key"),
], ids=["key_added", "key_refused"])
def test_guest_credentials_fake_qemu(fake_qemu_launcher, tmp_path, key, expected_log):
    agent_log = tmp_path / "agent.jsonl"
    launcher = fake_qemu_launcher({"VM_SHUTDOWN_TIMEOUT": "2", "FAKE_AGENT_LOG": str(agent_log),
                                   "VM_GUEST_PASSWORD": PASSWORD, "VM_GUEST_SSH_KEY": key})
    launcher.client().read_until(b"fake guest ready")
    launcher.wait_stderr("guest agent: root password set")
    launcher.wait_stderr(expected_log)
    commands = agent_commands(agent_log)
    names = [command["execute"] for command in commands]
    check(names == ["guest-sync-delimited", "guest-set-user-password", "guest-ssh-add-authorized-keys"],
          names)
    check(commands[1]["arguments"] == {"username": "root", "crypted": False,
                                       "password": base64.b64encode(PASSWORD.encode()).decode()},
          commands[1])
    check(commands[2]["arguments"] == {"username": "root", "keys": [key.strip()], "reset": False},
          commands[2])
    check(PASSWORD not in launcher.stderr, launcher.stderr)
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=30)
    check(status == 0, f"exit status {status}: {launcher.stderr}")
    print(f"{expected_log}; the password set, never shown: ok")
