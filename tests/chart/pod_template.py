#!/usr/bin/env python3
"""A chart upgrade that changes nothing the pod runs leaves the VM alone: the pod template
(what a change of restarts the pod) is the same at another chart version and appVersion,
and for values outside the pod (Service annotations); a changed Secret value, a changed
setting or image makes a new one (the checksum/secrets annotation for the Secrets). A fleet's
VM pods are the same for any number of VMs (scaling restarts none of them), and the fleet's
values leave a single VM's pod as it was."""
import json
import os
import re
import shutil
import sys
import tempfile

from chartlib.expect import Expect
from chartlib.helm import CHART_DIR, template
from chartlib.objects import vm_set

t = Expect()


def pod_template(chart, sets):
    """The StatefulSet's pod template as rendered from `chart` with `sets`, as JSON text."""
    result = template("myvm", sets, chart=chart)
    t.that(result.status == 0, "helm template %s: %s" % (" ".join(sets), result.stderr.strip()))
    return json.dumps(vm_set(result.objects)["spec"]["template"])


def main(folder):
    # A copy of the chart at another version and appVersion.
    bumped = os.path.join(folder, "qemu-riscv64")
    shutil.copytree(CHART_DIR, bumped)
    chart_yaml = os.path.join(bumped, "Chart.yaml")
    with open(chart_yaml, encoding="utf-8") as given:
        text = given.read()
    text = re.sub(r"^version: .*$", "version: 9.9.9", text, count=1, flags=re.M)
    text = re.sub(r"^appVersion: .*$", 'appVersion: "9.9.9"', text, count=1, flags=re.M)
    with open(chart_yaml, "w", encoding="utf-8") as out:
        out.write(text)

    base = ["guest.password=first"]
    before = pod_template(CHART_DIR, base)
    t.equal(pod_template(bumped, base), before, "another chart version and appVersion: the same pod template")
    t.equal(pod_template(CHART_DIR, [*base, "service.annotations.team=lab"]), before,
            "a Service annotation: the same pod template")
    t.that(pod_template(CHART_DIR, ["guest.password=second"]) != before, "a changed guest password: a new pod template")
    t.that(pod_template(CHART_DIR, [*base, "console.auth.username=ops"]) != before,
           "a changed console user: a new pod template")
    t.that(pod_template(CHART_DIR, [*base, "cpu.count=4"]) != before, "a changed launcher setting: a new pod template")
    t.that(pod_template(CHART_DIR, [*base, "images.console=localhost/console:2"]) != before,
           "a changed image: a new pod template")
    fleet = pod_template(CHART_DIR, [*base, "replicas=2"])
    t.equal(pod_template(CHART_DIR, [*base, "replicas=7"]), fleet, "2 VMs or 7: the same VM pod template")
    t.equal(pod_template(CHART_DIR, [*base, "replicas=1,front.enabled=true"]), fleet,
            "one VM behind a front: the same VM pod as a fleet's (scaling it up restarts it not)")
    t.equal(pod_template(CHART_DIR, [*base, "nodeSpread=DoNotSchedule,front.resources.limits.memory=64Mi",
                                     "front.extraEnv[0].name=CONSOLE_FRONT_POLL_INTERVAL,front.extraEnv[0].value=5"]),
            before, "the fleet's values leave one VM's pod as it was")
    t.that(fleet != before, "a fleet's VMs spread over nodes: their pod template differs from one VM's")
    return t.report("pod-template")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="chart-bumped-") as work:
        sys.exit(main(work))
