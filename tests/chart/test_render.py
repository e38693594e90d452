"""Chart: the template matrix of cases.py, one test per case.

    run-pytest.sh test_render.py                       every case
    run-pytest.sh 'test_render.py::test_render[CASE]'  one (ctest's chart.chart.template-CASE)

test_render[CASE]  `helm template` with the case's --set list (and values file), every object
                   validated against the Kubernetes API schema (skipped when a kind's schema cannot
                   be had here, the ServiceMonitor's CRD, and no check failed), then the checks every
                   rendering must pass and the case's own
"""
import os

import pytest

from cases import CASES
from chartlib.front_checks import check_front
from chartlib.helm import default_values, load_yaml, template
from chartlib.k8s_schema import SchemaUnavailable, schema_problems
from chartlib.object_checks import check_claim, check_ingress, check_labels, check_network_policies, check_secrets, \
    check_service, check_test_pod
from chartlib.pod_checks import check_stateful_set
from chartlib.set_values import apply_sets

RELEASE = "myvm"
HERE = os.path.dirname(os.path.abspath(__file__))
COMMON_CHECKS = (check_labels, check_stateful_set, check_front, check_service, check_ingress, check_claim,
                 check_secrets, check_network_policies, check_test_pod)


def merge(base, over):
    """A values file over the defaults, as helm merges them (null keeps nothing)."""
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        elif value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def values_of(sets, values_file):
    """The values helm renders with: the defaults, the values file over them, then the --set list."""
    base = default_values()
    if values_file:
        with open(os.path.join(HERE, values_file), encoding="utf-8") as given:
            base = merge(base, load_yaml(given.read()))
    return apply_sets(base, sets)


def check_schemas(expect, objects):
    for obj in objects:
        try:
            expect.equal(schema_problems(obj), [], "%s/%s against the Kubernetes API schema" % (
                obj["kind"], (obj.get("metadata") or {}).get("name")))
        except SchemaUnavailable as why:
            expect.skipped = "%s/%s not checked against its schema: %s" % (obj["kind"], obj["metadata"]["name"], why)


def run_common_checks(expect, objects, values):
    for common_check in COMMON_CHECKS:
        try:
            common_check(expect, objects, RELEASE, values)
        except Exception as error:  # a check that cannot run is a failed check
            expect.that(False, "%s: %r" % (common_check.__name__, error))


@pytest.mark.parametrize("name", list(CASES))
def test_render(expect, name):
    sets, values_file, case_check = CASES[name]
    extra_args = ["-f", os.path.join(HERE, values_file)] if values_file else []
    rendered = template(RELEASE, sets, extra_args)
    if expect.that(rendered.status == 0, "helm template failed: " + rendered.stderr):
        check_schemas(expect, rendered.objects)
        values = values_of(sets, values_file)
        run_common_checks(expect, rendered.objects, values)
        case_check(expect, rendered.objects, values)
    expect.report(name)
