"""QEMU killed under the launcher.

    run-pytest.sh test_qemu_killed.py --launcher BIN --guest DIR

test_qemu_killed  kill -9 of QEMU while the busybox guest boots: the launcher exits non-zero
                  and says why
"""
import os
import signal

from qemu_riscv64_test.processes import check


def test_qemu_killed(launcher_process, busybox_dir):
    launcher = launcher_process({"VM_DATA_DIR": busybox_dir, "VM_MEMORY": "512"})
    launcher.client().read_until(b"OpenSBI")
    os.kill(launcher.qemu_pid, signal.SIGKILL)
    status = launcher.wait(timeout=30)
    check(status != 0, "launcher exited 0 after QEMU was killed")
    launcher.wait_stderr(r"QEMU was killed by signal 9")
    print(f"launcher exited {status} after kill -9 of QEMU: ok")
