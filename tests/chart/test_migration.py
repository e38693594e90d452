"""Chart: an upgrade from the chart's Deployment to its StatefulSet never runs two VMs on one disk.

    run-pytest.sh test_migration.py

test_migration  while `lookup` finds the release's Deployment, the StatefulSet renders with no
                replica and NOTES say to upgrade once more when the old pod is gone; without it,
                one replica. The upgrade NOTES ask for (--reuse-values, which renders with the old
                chart's defaults) renders, and so does a fleet made from those values
                (--reuse-values --set replicas=3)
"""
import os
import shutil

import pytest

from chartlib.fake_api import FakeApi, namespace, release_deployment
from chartlib.helm import CHART_DIR, install_dry_run, template
from chartlib.objects import container, env_of, only, pod_spec, vm_set

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def reused_values_chart(tmp_path):
    """The chart with the Deployment chart's values in place of its values.yaml, as `helm upgrade
    --reuse-values` renders it: keys the chart gained since are missing."""
    reused = tmp_path / "qemu-riscv64"
    shutil.copytree(CHART_DIR, reused)
    shutil.copyfile(os.path.join(HERE, "deployment-chart-values.yaml"), reused / "values.yaml")
    return str(reused)


def render(served):
    """`helm install --dry-run=server` against the stand-in serving `served`: (result, replicas, notes)."""
    with FakeApi([namespace("vms"), *served]) as api:
        result, notes = install_dry_run(api.kubeconfig, ["persistence.enabled=true"])
    replicas = vm_set(result.objects)["spec"].get("replicas") if result.status == 0 else None
    return result, replicas, notes


def check_deployment_there(expect):
    migrating, replicas, notes = render([release_deployment("vms", "myvm-qemu-riscv64")])
    expect.that(migrating.status == 0, "with the Deployment: " + migrating.stderr.strip())
    expect.equal(replicas, 0, "the Deployment still there: the StatefulSet waits with no replica")
    expect.that("replaces the release's Deployment with a StatefulSet" in notes
                and "helm upgrade -n vms myvm ./chart/qemu-riscv64 --reuse-values" in notes,
                "NOTES say to upgrade once more when the Deployment's pod is gone")


def check_deployment_gone(expect):
    settled, replicas, notes = render([])
    expect.that(settled.status == 0, "without it: " + settled.stderr.strip())
    expect.equal(replicas, 1, "no Deployment: one replica, the VM")
    expect.that("replaces the release's Deployment" not in notes, "no migration note")


def check_reused_values(expect, chart):
    result = template("myvm", ["persistence.enabled=true"], chart=chart)
    expect.that(result.status == 0, "--reuse-values from the Deployment chart's values renders: "
                + result.stderr.strip())
    if result.status == 0:
        env = env_of(container(pod_spec(result.objects), "launcher"))
        expect.equal(env.get("VM_HIBERNATE"), "on", "without the hibernate value: auto, on with persistence")
        expect.equal(env.get("VM_SHUTDOWN_TIMEOUT"), "51",
                     "without hibernateWriteRate: 50 MiB/s, 2048 MiB saved in 41 s + 10")


def check_reused_values_fleet(expect, chart):
    fleet = template("myvm", ["replicas=3"], chart=chart)
    expect.that(fleet.status == 0, "--reuse-values and --set replicas=3 renders: " + fleet.stderr.strip())
    if fleet.status == 0:
        front = container(only(fleet.objects, "Deployment")["spec"]["template"]["spec"], "front")
        expect.equal(front.get("resources"),
                     {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "256Mi"}},
                     "without the front's values: a front with values.yaml's resources")
        expect.equal(len(pod_spec(fleet.objects).get("topologySpreadConstraints") or []), 1,
                     "without nodeSpread: the VMs spread (ScheduleAnyway)")


def test_migration(expect, reused_values_chart):
    check_deployment_there(expect)
    check_deployment_gone(expect)
    check_reused_values(expect, reused_values_chart)
    check_reused_values_fleet(expect, reused_values_chart)
    expect.report("migration")
