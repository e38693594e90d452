#!/usr/bin/env python3
"""A fleet against what the cluster already holds (helm's `lookup`, answered by a stand-in API):
an upgrade of a release made before the fleet keeps its StatefulSet's selector; a running front
stays when the fleet is scaled down to one VM; a StatefulSet's claims, which cannot change, are
kept as it has them, and values that would change them are refused, naming the value."""
import sys

from chartlib.expect import Expect
from chartlib.fake_api import FakeApi, namespace, release_deployment, release_statefulset
from chartlib.helm import template
from chartlib.objects import console_service, of_kind, vm_set

FULLNAME = "myvm-qemu-riscv64"
CLAIM = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "16Gi"}},
         "metadata": {"labels": {"app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": "myvm",
                                 "app.kubernetes.io/component": "vm"}}}
t = Expect()


def render(served, *sets):
    """`helm template --dry-run=server` against the stand-in serving `served`."""
    with FakeApi([namespace("vms"), *served]) as api:
        return template("myvm", list(sets), ["--dry-run=server", "--disable-openapi-validation",
                                             "--kubeconfig", api.kubeconfig])


def renders(result, what):
    return t.that(result.status == 0, "%s: %s" % (what, result.stderr.strip()))


def refused(result, mention, what):
    t.that(result.status != 0, what + ": helm must refuse, it rendered")
    t.that(mention in result.stderr, "%s: the error must say '%s', it said: %s" % (what, mention,
                                                                                  result.stderr.strip()))


def claim_templates(result):
    return vm_set(result.objects)["spec"].get("volumeClaimTemplates")


def main():
    single = release_statefulset("vms", "myvm", FULLNAME)
    upgraded = render([single])
    if renders(upgraded, "a release made before the fleet, upgraded"):
        spec = vm_set(upgraded.objects)["spec"]
        t.equal([spec["selector"], spec["serviceName"], spec.get("volumeClaimTemplates")],
                [single["spec"]["selector"], single["spec"]["serviceName"], None],
                "its StatefulSet's fixed fields as they were: selector, serviceName, no claim templates")
    grown = render([single], "replicas=3")
    if renders(grown, "the same release grown to three VMs (no persistence)"):
        t.equal(vm_set(grown.objects)["spec"]["selector"], single["spec"]["selector"], "the selector still")
        t.equal(len(of_kind(grown.objects, "Deployment")), 1, "a front")
    refused(render([single], "replicas=3", "persistence.enabled=true"),
            "replicas=3 with persistence.enabled: this release's StatefulSet was made without a claim per VM, "
            "which it cannot gain, and its one claim (myvm-qemu-riscv64-data) is one VM's disk",
            "one shared claim cannot become one per VM")

    # A fleet scaled down to one VM keeps its front, and so its address and each VM's path.
    front = release_deployment("vms", FULLNAME + "-front", "myvm")
    scaled_down = render([single, front], "replicas=1")
    if renders(scaled_down, "a fleet scaled down to one VM"):
        t.equal(len(of_kind(scaled_down.objects, "Deployment")), 1, "the running front is kept (front.enabled=auto)")
        t.equal(console_service(scaled_down.objects)["spec"]["selector"].get("app.kubernetes.io/component"),
                "front", "the Service still reaches the front")
    dropped = render([single, front], "replicas=1", "front.enabled=false")
    if renders(dropped, "front.enabled=false"):
        t.equal(of_kind(dropped.objects, "Deployment"), [], "front.enabled=false removes it")

    # A fleet with a claim per VM keeps its claim templates as they were made.
    per_vm = release_statefulset("vms", "myvm", FULLNAME, [dict(CLAIM)])
    kept = render([per_vm], "replicas=1", "front.enabled=false", "persistence.enabled=true")
    if renders(kept, "a fleet with claims, down to one VM without a front"):
        t.equal([c["metadata"]["name"] for c in claim_templates(kept) or []], ["data"], "the claim templates stay")
        t.equal(of_kind(kept.objects, "PersistentVolumeClaim"), [], "no shared claim beside them")
    renders(render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.size=16384Mi"),
            "the same size in other units")
    refused(render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.size=20Gi"),
            "persistence.size=20Gi (made with 16Gi): StatefulSet myvm-qemu-riscv64 makes each VM's claim as it was "
            "made, and a StatefulSet's claims cannot change", "a fleet's claims cannot grow through the chart")
    refused(render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.storageClass=fast"),
            "the storage class \"fast\" (made with \"\")", "nor change their storage class")
    refused(render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.annotations.team=lab"),
            "persistence.annotations: StatefulSet", "nor their annotations")
    refused(render([per_vm], "replicas=3"),
            "persistence.enabled=false: StatefulSet myvm-qemu-riscv64 gives each VM a claim of its own "
            "(data-myvm-qemu-riscv64-N)", "nor go away")
    refused(render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.existingClaim=disk"),
            "persistence.existingClaim=\"disk\": StatefulSet myvm-qemu-riscv64 gives each VM a claim of its own",
            "nor become one claim")

    # The chart's old Deployment still there: the StatefulSet waits with no VM, as for one VM.
    migrating = render([release_deployment("vms", FULLNAME)], "replicas=3")
    if renders(migrating, "a fleet replacing the old Deployment"):
        t.equal(vm_set(migrating.objects)["spec"].get("replicas"), 0, "no VM until the Deployment's pod is gone")
    return t.report("fleet-upgrades")


if __name__ == "__main__":
    sys.exit(main())
