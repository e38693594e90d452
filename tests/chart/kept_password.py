#!/usr/bin/env python3
"""The generated console password survives `helm upgrade`: with the Secret of an earlier
release in the cluster, the real helm (`template --dry-run=server`, which runs `lookup`)
renders the same password; with none, a new one."""
import re
import sys

from chartlib.expect import Expect
from chartlib.fake_api import FakeApi, release_secret
from chartlib.helm import template
from chartlib.object_checks import decode
from chartlib.objects import of_kind

NAME = "myvm-qemu-riscv64-console-auth"


def main():
    t = Expect()

    def render_against(secrets, sets):
        with FakeApi(secrets) as api:
            result = template("myvm", ["console.auth.enabled=true", *sets],
                              ["--dry-run=server", "--disable-openapi-validation", "--kubeconfig", api.kubeconfig])
        t.that(result.status == 0, "helm template --dry-run=server: " + result.stderr.strip())
        secret = next((s for s in of_kind(result.objects, "Secret") if s["metadata"]["name"] == NAME), {})
        return lambda key: decode(secret.get("data"), key) or ""

    earlier = release_secret("vms", "myvm", NAME, {"username": "admin", "password": "KeptPassw0rd",
                                                   "auth": "admin:KeptPassw0rd"})
    kept = render_against([earlier], [])
    t.equal(kept("password"), "KeptPassw0rd", "the earlier release's password is kept")
    t.equal(kept("auth"), "admin:KeptPassw0rd", "CONSOLE_AUTH keeps it too")

    renamed = render_against([earlier], ["console.auth.username=ops"])
    t.equal(renamed("auth"), "ops:KeptPassw0rd", "a new user name keeps the password")

    fresh = render_against([], [])
    t.that(re.fullmatch(r"[A-Za-z0-9]{24}", fresh("password")), "no earlier Secret: a new 24-character password")
    t.that(fresh("password") != "KeptPassw0rd", "the new password is not the earlier one")
    return t.report("kept-password")


if __name__ == "__main__":
    sys.exit(main())
