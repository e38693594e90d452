"""Warm start with the busybox guest, whose data folder carries a snapshot of it at its shell
(data-images/make-snapshot.sh); each test on a private copy of the folder.

    run-pytest.sh test_warm_start.py --launcher BIN --guest DIR

test_resume         the launcher resumes the snapshot: the shell answers, the resume is on the
                    console, the guest's clock is the host's and its name VM_HOSTNAME (the
                    snapshot's was the image's), a sleep ends on each CPU (QEMU before 10.2
                    loses the timers at the load: the launcher re-arms them, and says so)
test_no_rollback    a file written on /mnt, the launcher restarted on the same folder: it boots
                    cold (the disk changed) and the file is there
test_cpu_mismatch   VM_CPU_COUNT=4 against the 2-CPU snapshot boots cold and says why; the cold
                    guest is named VM_HOSTNAME
test_corrupt_state  the snapshot's saved VM state damaged inside the disk (its metadata intact,
                    so the launcher tries): QEMU refuses it, the launcher says why and boots cold
                    in the same run
test_missing_tag    warm-start.conf names a snapshot the disk does not hold: cold boot, saying so
"""
import re
import signal
import time

import pytest

from guest_snapshots import COLD_BOOT_S, check_started, command, damage_vm_state, qemu_loses_timers
from qemu_riscv64_test.guest import BUSYBOX_PROMPT as PROMPT, busybox_prompt
from qemu_riscv64_test.processes import check


@pytest.fixture
def start_busybox(launcher_process, busybox_dir):
    """Starts the launcher on the test's copy of the busybox guest: start_busybox(**env) -> Launcher."""
    return lambda **env: launcher_process({"VM_DATA_DIR": busybox_dir, "VM_SHUTDOWN_TIMEOUT": "5", **env})


def stop(launcher):
    launcher.signal(signal.SIGTERM)
    status = launcher.wait(timeout=60)
    check(status == 0, f"launcher exit status {status}: {launcher.stderr}")


def answer_after_cold_boot(launcher, text, prompt=PROMPT):
    """At the shell of a cold-booted guest: the answer to `text`; the launcher is then stopped."""
    client = launcher.client()
    client.read_until(prompt, timeout=COLD_BOOT_S)
    answer = command(client, text, prompt)
    stop(launcher)
    return answer


def check_resumed_shell(client, prompt):
    """The resumed guest's shell answers, with the host's time and its new name, and a sleep
    ends on each CPU."""
    answer = command(client, "echo warm-$((6 * 7))", prompt)
    check(b"\r\nwarm-42\r\n" in answer, answer)
    # The launcher typed the present time at the shell after the resume.
    answer = command(client, "date +%s", prompt)
    guest_now = int(re.search(rb"\r\n(\d{9,})\r\n", answer).group(1))
    check(abs(guest_now - time.time()) < 60, f"the guest's clock says {guest_now}, the host's {time.time()}")
    # ... its VM_HOSTNAME, where the snapshot's shell had the image's name, and the
    # machine-id the launcher typed (the node tier's fleet holds three apart).
    answer = command(client, "hostname; cat /etc/machine-id", prompt)
    check(re.search(rb"\r\nvm-warm-1\r\n[0-9a-f]{32}\r\n", answer), answer)
    # Each CPU's timer fires: a sleep pinned to it ends (a lost timer never would).
    for cpu in (0, 1):
        answer = command(client, f"busybox taskset -c {cpu} sleep 0.2 && echo slept-on-{cpu}", prompt)
        check(f"\r\nslept-on-{cpu}\r\n".encode() in answer, answer)


def test_resume(start_busybox, status_socket):
    launcher = start_busybox(VM_STATUS_SOCKET=status_socket, VM_HOSTNAME="vm-warm-1")
    launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
    if qemu_loses_timers():
        launcher.wait_stderr(r"launcher: warm start: timers re-armed on 2 CPUs")
    launcher.wait_stderr(r"launcher: warm start: resumed in [0-9.]+ s")
    check("caution" not in launcher.stderr, launcher.stderr)
    client = launcher.client()
    client.read_until(PROMPT)  # the snapshot's screen, the image's name in its prompt
    check(b"uname -m" not in client.text(), client.text()[-400:])
    check_resumed_shell(client, busybox_prompt("vm-warm-1"))  # named after the line the launcher typed
    # kubectl logs and late viewers see that the guest was resumed, and its screen.
    history = launcher.client().read_until(PROMPT)
    check(b"warm start: the guest resumed in" in history, history[:400])
    check(b"qemu-riscv64 busybox guest ready" in history, history[:400])
    check(b"warm start: the guest resumed in" in launcher.stdout, launcher.stdout[:400])
    check_started(status_socket, "warm")
    stop(launcher)
    print("resumed: the shell answers, its clock is the host's, its name VM_HOSTNAME, a sleep "
          "ends on each CPU, the resume is on the console")


def test_no_rollback(start_busybox):
    first = start_busybox()
    first.wait_stderr(r"launcher: warm start: resuming")
    client = first.client()
    client.read_until(PROMPT)
    command(client, "echo kept-$((40 + 2)) > /mnt/note && sync")
    stop(first)
    second = start_busybox()
    line = second.wait_stderr(r"launcher: cold boot: .*").group(0)
    check("was written after the snapshot" in line, line)
    answer = answer_after_cold_boot(second, "cat /mnt/note")
    check(b"\r\nkept-42\r\n" in answer, answer)
    print(f"restart on the same folder: {line!r}; the file written before is there")


def test_cpu_mismatch(start_busybox):
    launcher = start_busybox(VM_CPU_COUNT="4", VM_HOSTNAME="vm-cold-4")
    launcher.wait_stderr(r"launcher: cold boot: snapshot made with 2 CPUs, asked for 4\n")
    answer = answer_after_cold_boot(launcher, "nproc; hostname; cat /etc/machine-id",
                                    busybox_prompt("vm-cold-4"))
    check(re.search(rb"\r\n4\r\nvm-cold-4\r\n[0-9a-f]{32}\r\n", answer), answer)
    print("VM_CPU_COUNT=4: cold boot, 'snapshot made with 2 CPUs, asked for 4', 4 CPUs, "
          "named vm-cold-4 by systemd.hostname= on its kernel command line")


def test_corrupt_state(start_busybox, busybox_dir, status_socket):
    damage_vm_state(f"{busybox_dir}/disk.img", "warm")
    launcher = start_busybox(VM_STATUS_SOCKET=status_socket)
    launcher.wait_stderr(r"launcher: warm start: resuming snapshot 'warm'")
    line = launcher.wait_stderr(r"launcher: cold boot: .*").group(0)
    check("QEMU could not load snapshot 'warm' (Not a migration stream" in line, line)
    client = launcher.client()
    client.read_until(b"qemu-riscv64 busybox guest ready", timeout=COLD_BOOT_S)
    client.read_until(PROMPT, timeout=60)
    answer = command(client, "echo cold-$((6 * 7))")
    check(b"\r\ncold-42\r\n" in answer, answer)
    # The kernel booted from scratch, and no resume was announced.
    check(b"Linux version" in launcher.stdout, launcher.stdout[:400])
    check(b"warm start: the guest resumed" not in launcher.stdout, launcher.stdout[:400])
    check("warm start: resumed in" not in launcher.stderr, launcher.stderr)
    check_started(status_socket, "cold")  # the resume QEMU refused does not count
    stop(launcher)
    print(f"damaged VM state: {line!r}; the guest booted cold in the same run and answers")


def test_missing_tag(start_busybox, busybox_dir):
    manifest = f"{busybox_dir}/warm-start.conf"
    with open(manifest) as f:
        text = f.read()
    with open(manifest, "w") as f:
        f.write(text.replace("SNAPSHOT='warm'", "SNAPSHOT='gone'"))
    launcher = start_busybox()
    line = launcher.wait_stderr(r"launcher: cold boot: .*").group(0)
    check(line.endswith("holds no snapshot 'gone'"), line)
    answer = answer_after_cold_boot(launcher, "echo cold-$((6 * 7))")
    check(b"\r\ncold-42\r\n" in answer, answer)
    print(f"manifest naming a missing snapshot: {line!r}; cold boot")
