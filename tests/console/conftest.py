"""What the console's Python tests share beyond tests/conftest.py: the folder the browser
tests keep their screenshots in (--artifacts) and prometheus-client's parser.
"""
import os

import pytest

from qemu_riscv64_test.prometheus import load_parser

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
