"""A collector of checks: every failed one is kept, and the run ends with
"N passed, N failed" and a non-zero exit status when any failed."""
import json


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
        """Prints the failures and the tally; returns the exit status (77: a part skipped, none failed)."""
        for failure in self.failures:
            print("FAIL %s: %s" % (title, failure))
        print("%s: %d passed, %d failed" % (title, self.passed, len(self.failures)))
        if self.failures or self.passed == 0:
            return 1
        if self.skipped:
            print("SKIPPED %s: %s" % (title, self.skipped))
            return 77
        return 0
