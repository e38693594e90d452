"""The launcher tests' fixtures and options, beside the shared ones of tests/conftest.py:
the fake QEMU (integration/fake_qemu.py), private copies of a guest's data folder,
launchers killed after the test, a status socket's path; and --debian-guest, the
debian-13 guest's folder (tier debian).
"""
import itertools
from pathlib import Path

import pytest

from qemu_riscv64_test.guest import PrivateGuest
from qemu_riscv64_test.launcher import Launcher
from qemu_riscv64_test.pytest_support import given_path

FAKE_QEMU = Path(__file__).parent / "integration" / "fake_qemu.py"


def pytest_addoption(parser):
    group = parser.getgroup("qemu-riscv64")
    group.addoption("--debian-guest",
                    help="the debian-13 guest's data folder (data-images/debian-13/build.sh)")


@pytest.fixture(scope="session")
def debian_guest_dir(pytestconfig):
    """The debian-13 guest's data folder, from --debian-guest."""
    return given_path(pytestconfig, "debian-guest", "the debian-13 guest's folder, made by "
                      "data-images/debian-13/build.sh")


@pytest.fixture
def guest_copy():
    """Makes private copies of a guest's data folder: guest_copy(folder) -> the copy's path.
    Each is removed after the test (a copy is a guest's size: not kept like tmp_path's)."""
    copies = []

    def copy(folder):
        copies.append(PrivateGuest(folder))
        return copies[-1].path

    yield copy
    for guest in copies:
        guest.remove()


@pytest.fixture
def busybox_dir(guest_copy, guest_dir):
    """A private copy of the busybox guest's data folder, removed after the test."""
    return guest_copy(guest_dir)


@pytest.fixture
def launcher_process(launcher_binary, guest_copy):
    """Starts the launcher with its output collected in memory:
    launcher_process(env, args=(), program=None, preexec_fn=None, wait_qemu=True) -> Launcher
    (program: what to run instead of the launcher binary, `args` after it). Each is killed
    after the test, QEMU with it, before the guest copies are removed."""
    launchers = []

    def start(env, args=(), program=None, **options):
        launchers.append(Launcher(program or launcher_binary, env, args=args, **options))
        return launchers[-1]

    yield start
    for launcher in reversed(launchers):
        launcher.kill()


@pytest.fixture
def fake_qemu_launcher(launcher_process, tmp_path):
    """Starts the launcher on the fake QEMU, each on a fresh data folder in tmp_path:
    fake_qemu_launcher(env=None, **options) -> Launcher, `env` added to the fake's settings
    (FAKE_GUEST=agent unless it says otherwise), `options` as launcher_process's."""
    folders = itertools.count()

    def start(env=None, **options):
        data_dir = tmp_path / f"fake-guest-{next(folders)}"
        data_dir.mkdir()
        return launcher_process({"VM_DATA_DIR": str(data_dir), "VM_QEMU": str(FAKE_QEMU), "VM_BIOS": "none",
                                 "VM_KERNEL": "", "FAKE_GUEST": "agent", **(env or {})}, **options)

    return start


@pytest.fixture
def status_socket(tmp_path):
    """A path for VM_STATUS_SOCKET in the test's own folder."""
    return str(tmp_path / "status.sock")
