#!/usr/bin/env python3
"""One case of the template matrix (cases.py): `helm template` with its --set list, every
object validated against the Kubernetes API schema, then the common and the case's own checks.

    render_check.py CASE
"""
import os
import sys
import traceback

from cases import CASES
from chartlib.expect import Expect
from chartlib.helm import default_values, load_yaml, template
from chartlib.k8s_schema import SchemaUnavailable, schema_problems
from chartlib.front_checks import check_front
from chartlib.object_checks import check_claim, check_ingress, check_labels, check_network_policies, check_secrets, \
    check_service, check_test_pod
from chartlib.pod_checks import check_stateful_set
from chartlib.set_values import apply_sets

RELEASE = "myvm"
HERE = os.path.dirname(os.path.abspath(__file__))


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


def main(name):
    if name not in CASES:
        raise KeyError("unknown case '%s'; cases: %s" % (name, ", ".join(CASES)))
    sets, values_file, case_check = CASES[name]
    t = Expect()
    extra_args = ["-f", os.path.join(HERE, values_file)] if values_file else []
    rendered = template(RELEASE, sets, extra_args)
    if not t.that(rendered.status == 0, "helm template failed: " + rendered.stderr):
        return t.report(name)
    for obj in rendered.objects:
        try:
            t.equal(schema_problems(obj), [], "%s/%s against the Kubernetes API schema" % (
                obj["kind"], (obj.get("metadata") or {}).get("name")))
        except SchemaUnavailable as why:
            t.skipped = "%s/%s not checked against its schema: %s" % (obj["kind"], obj["metadata"]["name"], why)
    base = default_values()
    if values_file:
        with open(os.path.join(HERE, values_file), encoding="utf-8") as given:
            base = merge(base, load_yaml(given.read()))
    values = apply_sets(base, sets)
    objects = rendered.objects
    for check in (check_labels, check_stateful_set, check_front, check_service, check_ingress, check_claim,
                  check_secrets, check_network_policies, check_test_pod):
        try:
            check(t, objects, RELEASE, values)
        except Exception as error:  # a check that cannot run is a failed check
            t.that(False, "%s: %r" % (check.__name__, error))
    case_check(t, objects, values)
    return t.report(name)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: render_check.py CASE; cases: " + ", ".join(CASES))
    try:
        sys.exit(main(sys.argv[1]))
    except Exception:  # any error is the case failing, with its traceback
        print("FAIL %s: %s" % (sys.argv[1], traceback.format_exc()))
        sys.exit(1)
