"""passt gone while the guest boots (in a pod: its sandbox refused by the seccomp profile).

    run-pytest.sh test_passt_died.py --launcher BIN --guest DIR

test_passt_died  a stand-in for passt (fake_passt.py) takes QEMU's connection, then exits 1
                 with passt's own words: the launcher stops QEMU and exits non-zero, saying
                 why, instead of reporting a guest without a network as ready
"""
from pathlib import Path

from qemu_riscv64_test.processes import check

FAKE_PASST = Path(__file__).parent / "fake_passt.py"
PASST_WORDS = "Couldn't create user namespace: Operation not permitted"  # what fake_passt.py says


def test_passt_died(launcher_process, busybox_dir):
    launcher = launcher_process({"VM_DATA_DIR": busybox_dir, "VM_MEMORY": "512", "VM_NETWORK": "passt",
                                 "VM_PASST": str(FAKE_PASST), "VM_WARM_START": "off"})
    status = launcher.wait(timeout=60)
    check(status != 0, f"launcher exited {status} though passt died while the guest booted")
    launcher.wait_stderr(r"passt exited with status 1 while the guest was booting: stopping QEMU")
    launcher.wait_stderr(PASST_WORDS)
    check("guest ready" not in launcher.stderr, "the guest was reported ready without its network")
    print(f"launcher exited {status} after passt died during the boot: ok")
