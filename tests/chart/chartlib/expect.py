"""A collector of checks: every failed one is kept, and the test ends with
"N passed, N failed", failed when any failed (pytest.fail), skipped when a part could not
be checked here and none failed (pytest.skip)."""
import json

import pytest


def same(actual, expected):
    """Deep equality as JavaScript's isDeepStrictEqual has it: True is not 1."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in actual)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, (dict, list, tuple)) or isinstance(expected, (dict, list, tuple)):
        return False
    if actual != expected:
        return False
    return type(actual) is type(expected) or all(isinstance(v, (int, float)) for v in (actual, expected))


def shown(value):
    return json.dumps(value, ensure_ascii=False, default=str)


class Expect:
    def __init__(self):
        self.passed = 0
        self.failures = []
        self.skipped = None  # why a part could not be checked here

    def that(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
        return bool(condition)

    def equal(self, actual, expected, what):
        return self.that(same(actual, expected), "%s: expected %s, got %s" % (what, shown(expected), shown(actual)))

    def report(self, title):
        """Prints the failures and the tally; fails the test when any check failed or none
        passed, skips it when a part was skipped (`skipped` says why) and none failed."""
        for failure in self.failures:
            print("FAIL %s: %s" % (title, failure))
        tally = "%s: %d passed, %d failed" % (title, self.passed, len(self.failures))
        print(tally)
        if self.failures or self.passed == 0:
            pytest.fail("\n".join([tally, *self.failures]), pytrace=False)
        if self.skipped:
            print("SKIPPED %s: %s" % (title, self.skipped))
            pytest.skip("%s: %s" % (title, self.skipped))
