#!/usr/bin/env python3
"""network.mode=auto against the namespace's Pod Security level, read with `lookup` as
`helm install` does (the real helm, `install --dry-run=server` against the API stand-in):
restricted makes it user, with NOTES saying so; an explicit passt there is refused with the
--set that works; baseline, no label, or no cluster keep passt."""
import sys

from chartlib.expect import Expect
from chartlib.fake_api import FakeApi, namespace
from chartlib.helm import install_dry_run
from chartlib.objects import container, env_of, pod_spec

ENFORCE = "pod-security.kubernetes.io/enforce"


def install(labels, sets=()):
    """`helm install --dry-run=server` in namespace vms labelled `labels`: (result, notes)."""
    with FakeApi([namespace("vms", labels)]) as api:
        return install_dry_run(api.kubeconfig, sets)


def network(objects):
    return env_of(container(pod_spec(objects), "launcher")).get("VM_NETWORK")


def main():
    t = Expect()
    restricted, notes = install({ENFORCE: "restricted"})
    t.that(restricted.status == 0, "restricted namespace, defaults: " + restricted.stderr.strip())
    t.equal(network(restricted.objects), "user", "restricted: auto chose user networking")
    t.equal(container(pod_spec(restricted.objects), "launcher")["securityContext"].get("seccompProfile"),
            {"type": "RuntimeDefault"}, "restricted: the launcher keeps RuntimeDefault seccomp")
    t.equal(pod_spec(restricted.objects)["securityContext"].get("seccompProfile"), {"type": "RuntimeDefault"},
            "restricted: the pod keeps it")
    t.that("enforces the restricted Pod Security level" in notes and "network.mode=auto chose user" in notes,
           "restricted: NOTES say user networking was chosen, and why")

    refused, _ = install({ENFORCE: "restricted"}, ["network.mode=passt"])
    t.that(refused.status != 0, "restricted namespace, network.mode=passt: refused at install")
    t.that("network.mode=passt: namespace vms enforces the restricted Pod Security level" in refused.stderr
           and "--set network.mode=user" in refused.stderr,
           "the refusal names the value and the --set that works: " + refused.stderr.strip())

    user, notes = install({ENFORCE: "restricted"}, ["network.mode=user"])
    t.equal(network(user.objects), "user", "restricted namespace, network.mode=user: installed")
    t.that("chose user" not in notes, "an explicit user needs no note")

    others = (("baseline", {ENFORCE: "baseline"}), ("no label", {}), ("privileged", {ENFORCE: "privileged"}))
    for what, labels in others:
        result, notes = install(labels)
        t.that(result.status == 0, "%s: %s" % (what, result.stderr.strip()))
        t.equal(network(result.objects), "passt", what + ": auto is passt")
        t.that("chose user" not in notes, what + ": no user-networking note")
    return t.report("namespace-security")


if __name__ == "__main__":
    sys.exit(main())
