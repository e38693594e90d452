"""The chart tier's fixtures and options, beside the shared ones of tests/conftest.py:
the collector of checks each test reports through, and --write-host-matrix."""
import pytest

from chartlib.expect import Expect


def pytest_addoption(parser):
    group = parser.getgroup("chart", "the chart tests")
    group.addoption("--write-host-matrix", action="store_true",
                    help="test_host_matrix.py puts the table it measured in the chart README, "
                         "instead of checking the README's")


@pytest.fixture
def expect():
    """The test's checks: expect.that(condition, what), expect.equal(actual, wanted, what);
    expect.report(title) at its end fails it when any failed."""
    return Expect()
