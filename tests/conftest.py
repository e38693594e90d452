"""The fixtures every Python tier shares: the programs under test and the chart (from
the command line ctest gives), a QEMU-like telnet peer, a console, a launcher on the
busybox guest, each started by the test that asks for it and stopped after it; and
what to print when a test fails.

A run whose tests were all skipped (no root, a tool missing) exits 77, which ctest
reports as Skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt).
"""
import functools
import subprocess
import sys

import pytest

from qemu_riscv64_test.console import start_console, start_peer
from qemu_riscv64_test.launcher import start_launcher
from qemu_riscv64_test.pytest_support import FAILED, given_path, has_failed

SKIPPED_RUN = 77


def pytest_addoption(parser):
    group = parser.getgroup("qemu-riscv64", "the programs and guest under test")
    group.addoption("--console", help="the console binary (build/bin/console)")
    group.addoption("--launcher", help="the launcher binary (build/bin/launcher)")
    group.addoption("--guest", help="the busybox test guest's data folder (make guest)")
    group.addoption("--chart", help="the chart's folder (chart/qemu-riscv64)")
    group.addoption("--helm-script", help="scripts/get-helm.sh: gets helm, prints its path")


@pytest.fixture(scope="session")
def console_binary(pytestconfig):
    return given_path(pytestconfig, "console", "the console binary")


@pytest.fixture(scope="session")
def launcher_binary(pytestconfig):
    return given_path(pytestconfig, "launcher", "the launcher binary")


@pytest.fixture(scope="session")
def guest_dir(pytestconfig):
    return given_path(pytestconfig, "guest", "the busybox guest's folder, made by `make guest`")


@pytest.fixture(scope="session")
def chart(pytestconfig):
    return given_path(pytestconfig, "chart", "the chart's folder")


@pytest.fixture(scope="session")
def helm_binary(pytestconfig):
    """helm, fetched once into CACHE_DIR by scripts/get-helm.sh."""
    script = given_path(pytestconfig, "helm-script", "scripts/get-helm.sh")
    return subprocess.run([script], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()


def stopped_after_test(start):
    """The body of a factory fixture: yields `start` (-> (process, port)) keeping each process
    it starts, and stops them, last first, after the test."""
    started = []

    def start_and_keep(*args, **options):
        process, port = start(*args, **options)
        started.append(process)
        return process, port

    yield start_and_keep
    for process in reversed(started):
        process.stop()


@pytest.fixture
def telnet_peer():
    """Starts QEMU-like telnet peers: telnet_peer(*flags) -> (process, port)."""
    yield from stopped_after_test(start_peer)


@pytest.fixture
def console_server(console_binary):
    """Starts consoles bridged to a telnet port:
    console_server(telnet_port, *flags, env=None, listen_port=0, listen_host=...) -> (process, port)."""
    yield from stopped_after_test(functools.partial(start_console, console_binary))


@pytest.fixture
def busybox_launcher(launcher_binary, guest_dir):
    """Starts the real launcher on a private copy of the busybox guest:
    busybox_launcher(extra_env=None) -> (process, telnet port)."""
    yield from stopped_after_test(functools.partial(start_launcher, launcher_binary, guest_dir))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Notes on the test whether its setup or call failed (pytest_support.has_failed)."""
    report = yield
    if report.when in ("setup", "call") and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def print_on_failure(request):
    """Registers what to print when the test fails: print_on_failure(lambda: text). Printed at
    its teardown, so it must be set up after the fixtures whose processes the text is read from."""
    sources = []
    yield sources.append
    if has_failed(request):
        for source in sources:
            print("\n" + source(), file=sys.stderr, flush=True)


def pytest_sessionfinish(session):
    """A run that skipped its tests and ran none exits 77, not 0."""
    stats = session.config.pluginmanager.get_plugin("terminalreporter").stats
    ran = any(stats.get(outcome) for outcome in ("passed", "failed", "error", "xfailed", "xpassed"))
    if stats.get("skipped") and not ran and session.exitstatus in (0, 5):
        session.exitstatus = SKIPPED_RUN
