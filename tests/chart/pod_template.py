#!/usr/bin/env python3
"""A chart upgrade that changes nothing the pod runs leaves the VM alone: the pod template
(what a change of restarts the pod) is the same at another chart version and appVersion,
and for values outside the pod (Service annotations); a changed Secret value, a changed
setting or image makes a new one (the checksum/secrets annotation for the Secrets)."""
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
    return t.report("pod-template")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="chart-bumped-") as work:
        sys.exit(main(work))
