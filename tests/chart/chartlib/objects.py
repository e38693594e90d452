"""Finding things in rendered objects: by kind, containers by name, env as a dict."""
import math
import re


def of_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def only(objects, kind):
    found = of_kind(objects, kind)
    if len(found) != 1:
        raise AssertionError("expected one %s, rendered %d" % (kind, len(found)))
    return found[0]


def vm_set(objects):
    """The StatefulSet that runs the VM."""
    return only(objects, "StatefulSet")


def console_service(objects):
    """The Service clients use (the console and the forwarded ports), not the StatefulSet's headless one."""
    found = [s for s in of_kind(objects, "Service") if s["spec"].get("clusterIP") != "None"]
    if len(found) != 1:
        raise AssertionError("expected one Service with a cluster address, rendered %d" % len(found))
    return found[0]


def pod_spec(objects):
    return vm_set(objects)["spec"]["template"]["spec"]


def container(spec, name):
    for c in (spec.get("initContainers") or []) + spec["containers"]:
        if c["name"] == name:
            return c
    raise AssertionError("no container named %s" % name)


def secret_ref(entry):
    """An env entry's Secret reference as {secret, key, optional}, or None."""
    ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
    if ref is None:
        return None
    return {"secret": ref.get("name"), "key": ref.get("key"), "optional": ref.get("optional", False)}


def field_ref(entry):
    """An env entry's reference to a field of its pod as {field}, or None."""
    ref = (entry.get("valueFrom") or {}).get("fieldRef")
    return None if ref is None else {"field": ref.get("fieldPath")}


def env_of(c):
    """env as {NAME: value}, {NAME: {secret, key, optional}} for Secret references, or {NAME: {field}}
    for the pod's own fields."""
    return {e["name"]: secret_ref(e) or field_ref(e) or e.get("value") for e in c.get("env") or []}


def mebibytes(quantity):
    """"2509Mi" -> 2509; other units are NaN, a test failure (the chart writes Mi)."""
    match = re.fullmatch(r"([0-9]+)Mi", str(quantity))
    return int(match.group(1)) if match else math.nan
