"""Chart: a fleet against what the cluster already holds (helm's `lookup`, answered by a stand-in API).

    run-pytest.sh test_fleet_upgrades.py

test_fleet_upgrades  an upgrade of a release made before the fleet keeps its StatefulSet's selector;
                     a running front stays when the fleet is scaled down to one VM; a StatefulSet's
                     claims, which cannot change, are kept as it has them, and values that would
                     change them are refused, naming the value; while the chart's old Deployment is
                     there, the fleet's StatefulSet waits with no VM
"""
from chartlib.fake_api import FakeApi, namespace, release_deployment, release_statefulset
from chartlib.helm import template
from chartlib.objects import console_service, of_kind, vm_set

FULLNAME = "myvm-qemu-riscv64"
CLAIM = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "16Gi"}},
         "metadata": {"labels": {"app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": "myvm",
                                 "app.kubernetes.io/component": "vm"}}}


def render(served, *sets):
    """`helm template --dry-run=server` against the stand-in serving `served`."""
    with FakeApi([namespace("vms"), *served]) as api:
        return template("myvm", list(sets), ["--dry-run=server", "--disable-openapi-validation",
                                             "--kubeconfig", api.kubeconfig])


def renders(expect, result, what):
    return expect.that(result.status == 0, "%s: %s" % (what, result.stderr.strip()))


def refused(expect, result, mention, what):
    expect.that(result.status != 0, what + ": helm must refuse, it rendered")
    expect.that(mention in result.stderr, "%s: the error must say '%s', it said: %s" % (what, mention,
                                                                                       result.stderr.strip()))


def claim_templates(result):
    return vm_set(result.objects)["spec"].get("volumeClaimTemplates")


def check_release_before_the_fleet(expect, single):
    upgraded = render([single])
    if renders(expect, upgraded, "a release made before the fleet, upgraded"):
        spec = vm_set(upgraded.objects)["spec"]
        expect.equal([spec["selector"], spec["serviceName"], spec.get("volumeClaimTemplates")],
                     [single["spec"]["selector"], single["spec"]["serviceName"], None],
                     "its StatefulSet's fixed fields as they were: selector, serviceName, no claim templates")
    grown = render([single], "replicas=3")
    if renders(expect, grown, "the same release grown to three VMs (no persistence)"):
        expect.equal(vm_set(grown.objects)["spec"]["selector"], single["spec"]["selector"], "the selector still")
        expect.equal(len(of_kind(grown.objects, "Deployment")), 1, "a front")
    refused(expect, render([single], "replicas=3", "persistence.enabled=true"),
            "replicas=3 with persistence.enabled: this release's StatefulSet was made without a claim per VM, "
            "which it cannot gain, and its one claim (myvm-qemu-riscv64-data) is one VM's disk",
            "one shared claim cannot become one per VM")


def check_scaled_down(expect, single):
    """A fleet scaled down to one VM keeps its front, and so its address and each VM's path."""
    front = release_deployment("vms", FULLNAME + "-front", "myvm")
    scaled_down = render([single, front], "replicas=1")
    if renders(expect, scaled_down, "a fleet scaled down to one VM"):
        expect.equal(len(of_kind(scaled_down.objects, "Deployment")), 1,
                     "the running front is kept (front.enabled=auto)")
        expect.equal(console_service(scaled_down.objects)["spec"]["selector"].get("app.kubernetes.io/component"),
                     "front", "the Service still reaches the front")
    dropped = render([single, front], "replicas=1", "front.enabled=false")
    if renders(expect, dropped, "front.enabled=false"):
        expect.equal(of_kind(dropped.objects, "Deployment"), [], "front.enabled=false removes it")


def check_claims_per_vm(expect):
    """A fleet with a claim per VM keeps its claim templates as they were made."""
    per_vm = release_statefulset("vms", "myvm", FULLNAME, [dict(CLAIM)])
    kept = render([per_vm], "replicas=1", "front.enabled=false", "persistence.enabled=true")
    if renders(expect, kept, "a fleet with claims, down to one VM without a front"):
        expect.equal([c["metadata"]["name"] for c in claim_templates(kept) or []], ["data"],
                     "the claim templates stay")
        expect.equal(of_kind(kept.objects, "PersistentVolumeClaim"), [], "no shared claim beside them")
    renders(expect, render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.size=16384Mi"),
            "the same size in other units")
    refused(expect, render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.size=20Gi"),
            "persistence.size=20Gi (made with 16Gi): StatefulSet myvm-qemu-riscv64 makes each VM's claim as it was "
            "made, and a StatefulSet's claims cannot change", "a fleet's claims cannot grow through the chart")
    refused(expect, render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.storageClass=fast"),
            "the storage class \"fast\" (made with \"\")", "nor change their storage class")
    refused(expect, render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.annotations.team=lab"),
            "persistence.annotations: StatefulSet", "nor their annotations")
    refused(expect, render([per_vm], "replicas=3"),
            "persistence.enabled=false: StatefulSet myvm-qemu-riscv64 gives each VM a claim of its own "
            "(data-myvm-qemu-riscv64-N)", "nor go away")
    refused(expect, render([per_vm], "replicas=3", "persistence.enabled=true", "persistence.existingClaim=disk"),
            "persistence.existingClaim=\"disk\": StatefulSet myvm-qemu-riscv64 gives each VM a claim of its own",
            "nor become one claim")


def check_old_deployment(expect):
    """The chart's old Deployment still there: the StatefulSet waits with no VM, as for one VM."""
    migrating = render([release_deployment("vms", FULLNAME)], "replicas=3")
    if renders(expect, migrating, "a fleet replacing the old Deployment"):
        expect.equal(vm_set(migrating.objects)["spec"].get("replicas"), 0, "no VM until the Deployment's pod is gone")


def test_fleet_upgrades(expect):
    single = release_statefulset("vms", "myvm", FULLNAME)
    check_release_before_the_fleet(expect, single)
    check_scaled_down(expect, single)
    check_claims_per_vm(expect)
    check_old_deployment(expect)
    expect.report("fleet-upgrades")
