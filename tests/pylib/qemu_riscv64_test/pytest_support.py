"""What the conftest.py files share: reading the options ctest passes, and whether a test
failed (tests/conftest.py's report hook notes it), for fixtures that print logs then."""
import os

import pytest

FAILED = pytest.StashKey[bool]()


def given(config, option, what):
    """An option's value; a usage error naming the option when it is missing."""
    value = config.getoption(f"--{option}")
    if not value:
        raise pytest.UsageError(f"this test needs --{option} ({what})")
    return value


def given_path(config, option, what):
    """The path an option names; a usage error when it is missing or not there."""
    path = given(config, option, what)
    if not os.path.exists(path):
        raise pytest.UsageError(f"--{option} {path}: no such file or folder ({what})")
    return path


def has_failed(request):
    """Whether the test asking, or the setup of one of its fixtures, failed."""
    return request.node.stash.get(FAILED, False)
