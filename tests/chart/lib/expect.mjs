// A tiny assertion collector: every failed check is kept, and the run ends with
// "N passed, N failed" and a non-zero exit status when any failed.
import { isDeepStrictEqual } from "node:util";

export class Expect {
  passed = 0;
  failures = [];

  that(condition, what) {
    if (condition) this.passed++;
    else this.failures.push(what);
    return condition;
  }

  equal(actual, expected, what) {
    return this.that(isDeepStrictEqual(actual, expected),
      `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }

  // Prints the failures and the tally; returns the process exit status.
  report(title) {
    for (const failure of this.failures) console.log(`FAIL ${title}: ${failure}`);
    console.log(`${title}: ${this.passed} passed, ${this.failures.length} failed`);
    return this.failures.length === 0 && this.passed > 0 ? 0 : 1;
  }
}
