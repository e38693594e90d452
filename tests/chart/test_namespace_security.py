"""Chart: network.mode=auto against the namespace's Pod Security level.

    run-pytest.sh test_namespace_security.py

test_namespace_security  the level read with `lookup` as `helm install` does (the real helm, `install
                         --dry-run=server` against the API stand-in): restricted makes it user, with
                         NOTES saying so; an explicit passt there is refused with the --set that works;
                         baseline, privileged or no label keep passt
"""
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


def check_restricted(expect):
    restricted, notes = install({ENFORCE: "restricted"})
    expect.that(restricted.status == 0, "restricted namespace, defaults: " + restricted.stderr.strip())
    expect.equal(network(restricted.objects), "user", "restricted: auto chose user networking")
    expect.equal(container(pod_spec(restricted.objects), "launcher")["securityContext"].get("seccompProfile"),
                 {"type": "RuntimeDefault"}, "restricted: the launcher keeps RuntimeDefault seccomp")
    expect.equal(pod_spec(restricted.objects)["securityContext"].get("seccompProfile"), {"type": "RuntimeDefault"},
                 "restricted: the pod keeps it")
    expect.that("enforces the restricted Pod Security level" in notes and "network.mode=auto chose user" in notes,
                "restricted: NOTES say user networking was chosen, and why")


def check_restricted_explicit(expect):
    refused, _ = install({ENFORCE: "restricted"}, ["network.mode=passt"])
    expect.that(refused.status != 0, "restricted namespace, network.mode=passt: refused at install")
    expect.that("network.mode=passt: namespace vms enforces the restricted Pod Security level" in refused.stderr
                and "--set network.mode=user" in refused.stderr,
                "the refusal names the value and the --set that works: " + refused.stderr.strip())

    user, notes = install({ENFORCE: "restricted"}, ["network.mode=user"])
    expect.equal(network(user.objects), "user", "restricted namespace, network.mode=user: installed")
    expect.that("chose user" not in notes, "an explicit user needs no note")


def check_other_levels(expect):
    others = (("baseline", {ENFORCE: "baseline"}), ("no label", {}), ("privileged", {ENFORCE: "privileged"}))
    for what, labels in others:
        result, notes = install(labels)
        expect.that(result.status == 0, "%s: %s" % (what, result.stderr.strip()))
        expect.equal(network(result.objects), "passt", what + ": auto is passt")
        expect.that("chose user" not in notes, what + ": no user-networking note")


def test_namespace_security(expect):
    check_restricted(expect)
    check_restricted_explicit(expect)
    check_other_levels(expect)
    expect.report("namespace-security")
