#!/usr/bin/env python3
"""One line per tier of a ctest run: its time and its passed, failed and
skipped tests, read from ctest's --output-junit file. A test's tier is the
middle word of its name (part.tier.case, which the configure enforces).

The time is the wall time of the tier's tests added up. `make test` runs two
tests at a time, the tiers that need the whole machine alone, so the tiers
that share it (unit, chart, lint, fuzz, fresh) overlap: run-tests.sh prints
the run's own wall time after this table.

  scripts/tier-times.py JUNIT_XML"""
import sys
import xml.etree.ElementTree as ElementTree


def outcome(case):
    """passed, failed or skipped, counted as ctest's summary counts them."""
    skipped = case.find("skipped")
    if case.get("status") == "run":
        return "passed"
    if case.get("status") == "disabled":
        return "skipped"
    if skipped is not None and skipped.get("message", "").startswith("SKIP_"):
        return "skipped"
    return "failed"  # failed, timed out, or not run (a fixture failed)


def duration(seconds):
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s"


def main(path):
    tiers = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        words = case.get("name", "").split(".")
        tier = tiers.setdefault(words[1] if len(words) >= 3 else "?",
                                {"time": 0.0, "passed": 0, "failed": 0, "skipped": 0})
        tier["time"] += float(case.get("time") or 0)
        tier[outcome(case)] += 1
    print(f"{'tier':<14}{'time':>14}{'passed':>8}{'failed':>8}{'skipped':>9}")
    for name, tier in sorted(tiers.items(), key=lambda item: -item[1]["time"]):
        print(f"{name:<14}{duration(tier['time']):>14}{tier['passed']:>8}{tier['failed']:>8}{tier['skipped']:>9}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
