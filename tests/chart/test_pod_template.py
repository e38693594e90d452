"""Chart: an upgrade that changes nothing the pod runs leaves the VM alone.

    run-pytest.sh test_pod_template.py

test_pod_template  the pod template (what a change of restarts the pod) is the same at another chart
                   version and appVersion, and for values outside the pod (Service annotations); a
                   changed Secret value, a changed setting or image makes a new one (the
                   checksum/secrets annotation for the Secrets). A fleet's VM pods are the same for
                   any number of VMs (scaling restarts none of them), and the fleet's values leave a
                   single VM's pod as it was
"""
import json
import re
import shutil

import pytest

from chartlib.helm import CHART_DIR, template
from chartlib.objects import vm_set

BASE = ["guest.password=first"]


@pytest.fixture
def bumped_chart(tmp_path):
    """A copy of the chart at another version and appVersion."""
    bumped = tmp_path / "qemu-riscv64"
    shutil.copytree(CHART_DIR, bumped)
    chart_yaml = bumped / "Chart.yaml"
    text = chart_yaml.read_text(encoding="utf-8")
    text = re.sub(r"^version: .*$", "version: 9.9.9", text, count=1, flags=re.M)
    text = re.sub(r"^appVersion: .*$", 'appVersion: "9.9.9"', text, count=1, flags=re.M)
    chart_yaml.write_text(text, encoding="utf-8")
    return str(bumped)


def pod_template(expect, sets, chart=CHART_DIR):
    """The StatefulSet's pod template as rendered from `chart` with `sets`, as JSON text."""
    result = template("myvm", sets, chart=chart)
    expect.that(result.status == 0, "helm template %s: %s" % (" ".join(sets), result.stderr.strip()))
    return json.dumps(vm_set(result.objects)["spec"]["template"])


def check_one_vm(expect, bumped_chart, before):
    expect.equal(pod_template(expect, BASE, bumped_chart), before,
                 "another chart version and appVersion: the same pod template")
    expect.equal(pod_template(expect, [*BASE, "service.annotations.team=lab"]), before,
                 "a Service annotation: the same pod template")
    expect.that(pod_template(expect, ["guest.password=second"]) != before,
                "a changed guest password: a new pod template")
    expect.that(pod_template(expect, [*BASE, "console.auth.username=ops"]) != before,
                "a changed console user: a new pod template")
    expect.that(pod_template(expect, [*BASE, "cpu.count=4"]) != before,
                "a changed launcher setting: a new pod template")
    expect.that(pod_template(expect, [*BASE, "images.console=localhost/console:2"]) != before,
                "a changed image: a new pod template")


def check_fleet(expect, before):
    fleet = pod_template(expect, [*BASE, "replicas=2"])
    expect.equal(pod_template(expect, [*BASE, "replicas=7"]), fleet, "2 VMs or 7: the same VM pod template")
    expect.equal(pod_template(expect, [*BASE, "replicas=1,front.enabled=true"]), fleet,
                 "one VM behind a front: the same VM pod as a fleet's (scaling it up restarts it not)")
    expect.equal(pod_template(expect, [*BASE, "nodeSpread=DoNotSchedule,front.resources.limits.memory=64Mi",
                                       "front.extraEnv[0].name=CONSOLE_FRONT_POLL_INTERVAL,"
                                       "front.extraEnv[0].value=5"]),
                 before, "the fleet's values leave one VM's pod as it was")
    expect.that(fleet != before, "a fleet's VMs spread over nodes: their pod template differs from one VM's")


def test_pod_template(expect, bumped_chart):
    before = pod_template(expect, BASE)
    check_one_vm(expect, bumped_chart, before)
    check_fleet(expect, before)
    expect.report("pod-template")
