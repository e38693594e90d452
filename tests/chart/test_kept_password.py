"""Chart: the generated console password survives `helm upgrade`.

    run-pytest.sh test_kept_password.py

test_kept_password  with the Secret of an earlier release in the cluster, the real helm (`template
                    --dry-run=server`, which runs `lookup` against an API stand-in) renders the same
                    password, also under a new user name; with none, a new one
"""
import re

from chartlib.fake_api import FakeApi, release_secret
from chartlib.helm import template
from chartlib.object_checks import decode
from chartlib.objects import of_kind

NAME = "myvm-qemu-riscv64-console-auth"
EARLIER = release_secret("vms", "myvm", NAME, {"username": "admin", "password": "KeptPassw0rd",
                                               "auth": "admin:KeptPassw0rd"})


def rendered_secret(expect, secrets, sets):
    """The console's auth Secret rendered against an API holding `secrets`: key -> its decoded value."""
    with FakeApi(secrets) as api:
        result = template("myvm", ["console.auth.enabled=true", *sets],
                          ["--dry-run=server", "--disable-openapi-validation", "--kubeconfig", api.kubeconfig])
    expect.that(result.status == 0, "helm template --dry-run=server: " + result.stderr.strip())
    secret = next((s for s in of_kind(result.objects, "Secret") if s["metadata"]["name"] == NAME), {})
    return lambda key: decode(secret.get("data"), key) or ""


def test_kept_password(expect):
    kept = rendered_secret(expect, [EARLIER], [])
    expect.equal(kept("password"), "KeptPassw0rd", "the earlier release's password is kept")
    expect.equal(kept("auth"), "admin:KeptPassw0rd", "CONSOLE_AUTH keeps it too")

    renamed = rendered_secret(expect, [EARLIER], ["console.auth.username=ops"])
    expect.equal(renamed("auth"), "ops:KeptPassw0rd", "a new user name keeps the password")

    fresh = rendered_secret(expect, [], [])
    expect.that(re.fullmatch(r"[A-Za-z0-9]{24}", fresh("password")), "no earlier Secret: a new 24-character password")
    expect.that(fresh("password") != "KeptPassw0rd", "the new password is not the earlier one")
    expect.report("kept-password")
