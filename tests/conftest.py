"""The fixtures every Python tier shares: the programs under test (from the command
line ctest gives), a QEMU-like telnet peer, a console, a launcher on the busybox
guest; each started by the test that asks for it and stopped after it.

A run whose tests were all skipped (no root, a tool missing) exits 77, which ctest
reports as Skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt).
"""
import os

import pytest

from qemu_riscv64_test.console import start_console, start_peer
from qemu_riscv64_test.launcher import start_launcher

SKIPPED_RUN = 77


def pytest_addoption(parser):
    group = parser.getgroup("qemu-riscv64", "the programs and guest under test")
    group.addoption("--console", help="the console binary (build/bin/console)")
    group.addoption("--launcher", help="the launcher binary (build/bin/launcher)")
    group.addoption("--guest", help="the busybox test guest's data folder (make guest)")


def given_path(config, option, what):
    """The path an option names; a usage error when it is missing or not there."""
    path = config.getoption(option)
    if not path:
        raise pytest.UsageError(f"this test needs --{option} ({what})")
    if not os.path.exists(path):
        raise pytest.UsageError(f"--{option} {path}: no such file or folder ({what})")
    return path


@pytest.fixture(scope="session")
def console_binary(pytestconfig):
    return given_path(pytestconfig, "console", "the console binary")


@pytest.fixture(scope="session")
def launcher_binary(pytestconfig):
    return given_path(pytestconfig, "launcher", "the launcher binary")


@pytest.fixture(scope="session")
def guest_dir(pytestconfig):
    return given_path(pytestconfig, "guest", "the busybox guest's folder, made by `make guest`")


@pytest.fixture
def telnet_peer():
    """Starts QEMU-like telnet peers: telnet_peer(*flags) -> (process, port)."""
    peers = []

    def start(*flags):
        peer, port = start_peer(*flags)
        peers.append(peer)
        return peer, port

    yield start
    for peer in reversed(peers):
        peer.stop()


@pytest.fixture
def console_server(console_binary):
    """Starts consoles bridged to a telnet port:
    console_server(telnet_port, *flags, env=None, listen_port=0, listen_host=...) -> (process, port)."""
    consoles = []

    def start(telnet_port, *flags, **options):
        console, port = start_console(console_binary, telnet_port, *flags, **options)
        consoles.append(console)
        return console, port

    yield start
    for console in reversed(consoles):
        console.stop()


@pytest.fixture
def busybox_launcher(launcher_binary, guest_dir):
    """Starts the real launcher on a private copy of the busybox guest:
    busybox_launcher(extra_env=None) -> (process, telnet port)."""
    launchers = []

    def start(extra_env=None):
        launcher, port = start_launcher(launcher_binary, guest_dir, extra_env)
        launchers.append(launcher)
        return launcher, port

    yield start
    for launcher in reversed(launchers):
        launcher.stop()


def pytest_sessionfinish(session):
    """A run that skipped its tests and ran none exits 77, not 0."""
    stats = session.config.pluginmanager.get_plugin("terminalreporter").stats
    ran = any(stats.get(outcome) for outcome in ("passed", "failed", "error", "xfailed", "xpassed"))
    if stats.get("skipped") and not ran and session.exitstatus in (0, 5):
        session.exitstatus = SKIPPED_RUN
