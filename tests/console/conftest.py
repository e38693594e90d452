"""What the console's Python tests share beyond tests/conftest.py: the folder the browser
tests keep their screenshots in (--artifacts), prometheus-client's parser, and printing a
process's log after a failed test.
"""
import os
import sys

import pytest

from qemu_riscv64_test.prometheus import load_parser

FAILED = pytest.StashKey[bool]()


def pytest_addoption(parser):
    group = parser.getgroup("qemu-riscv64-console", "the console's tests")
    group.addoption("--artifacts", help="the folder the browser tests write their screenshots to (build/artifacts)")


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig):
    folder = pytestconfig.getoption("artifacts")
    if not folder:
        raise pytest.UsageError("this test needs --artifacts (the folder its screenshots go to)")
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def parse():
    """prometheus-client's parser of the text format (qemu_riscv64_test.prometheus)."""
    return load_parser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Notes on the test whether its setup or call failed, for print_on_failure."""
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
    if request.node.stash.get(FAILED, False):
        for source in sources:
            print("\n" + source(), file=sys.stderr, flush=True)
