"""Validates rendered objects against the Kubernetes API's schema (kubernetes-validate's
strict JSON schemas of Kubernetes 1.34, the cluster tier's version): types, enums,
required fields and the formats the API server parses (quantities, base64, int32/int64,
date-time), and no unknown fields. A ServiceMonitor is held to the Prometheus Operator's
CRD (get-servicemonitor-crd.sh), made as strict: its metadata is an ObjectMeta, and no
field beyond those its schema names."""
import functools
import json
import os
import re
import subprocess
from importlib.resources import files

import jsonschema
import referencing
import yaml

KUBERNETES = "1.34.0"
SCHEMA_DIR = files("kubernetes_validate") / "kubernetes-json-schema" / (
    "v%s-local-strict" % KUBERNETES)
DEFINITIONS = "/api/_definitions.json#/$defs/"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# As apimachinery parses a quantity (pkg/api/resource/quantity.go).
NUMBER = r"[+-]?(?:[0-9]+|[0-9]+\.[0-9]+|[0-9]+\.|\.[0-9]+)"
QUANTITY = re.compile(r"%s(?:[KMGTPE]i|[YZEPTGMkhdcmunpfazy]|da|[eE]%s)?" % (NUMBER, NUMBER))
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                       r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})")
FORMATS = jsonschema.FormatChecker(formats=())


class SchemaUnavailable(Exception):
    """The schema of a kind cannot be had on this machine (a reason to skip, not a failure)."""


def integer_in(bits):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        return float(value).is_integer() and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)
    return check


def string_matching(pattern):
    return lambda value: not isinstance(value, str) or bool(pattern.fullmatch(value))


for name, check in (("int32", integer_in(32)), ("int64", integer_in(64)), ("quantity", string_matching(QUANTITY)),
                    ("byte", string_matching(BASE64)), ("date-time", string_matching(DATE_TIME))):
    FORMATS.checks(name)(check)


def read_json(name):
    return json.loads((SCHEMA_DIR / name).read_text())


@functools.cache
def registry():
    """The Kubernetes definitions, a Quantity's string form checked as the API server parses it."""
    definitions = read_json("_definitions.json")
    quantity = definitions["$defs"]["io.k8s.apimachinery.pkg.api.resource.Quantity"]
    quantity["oneOf"][0]["format"] = "quantity"
    return referencing.Registry().with_resource(definitions["$id"], referencing.Resource.from_contents(definitions))


def strict(schema):
    """An OpenAPI v3 schema of a CRD as JSON Schema: nullable as a null type, and an object
    schema that names its properties takes no others (unless it preserves unknown fields)."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) for key, value in schema.items()}
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    if "properties" in out and "additionalProperties" not in out and \
            not out.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


@functools.cache
def servicemonitor_crd():
    got = subprocess.run([os.path.join(HERE, "get-servicemonitor-crd.sh")], stdout=subprocess.PIPE, text=True)
    if got.returncode == 77:
        raise SchemaUnavailable("the Prometheus Operator's ServiceMonitor CRD cannot be had here "
                                "(get-servicemonitor-crd.sh: no Go toolchain, no GOPROXY)")
    got.check_returncode()
    with open(got.stdout.strip(), encoding="utf-8") as crd:
        return yaml.safe_load(crd)


def crd_schema(crd, version):
    served = [v for v in crd["spec"]["versions"] if v["name"] == version]
    if not served:
        return None
    schema = strict(served[0]["schema"]["openAPIV3Schema"])
    schema["properties"]["metadata"] = {"$ref": DEFINITIONS + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://kubernetes.io/api/%s/%s" % (crd["spec"]["names"]["singular"], version), **schema}


# API groups whose kinds are custom resources: their CRD's schema.
CRDS = {("monitoring.coreos.com", "ServiceMonitor"): servicemonitor_crd}


@functools.cache
def validator(api_version, kind):
    """The validator of a kind, or None when there is no schema for it."""
    group, _, version = api_version.rpartition("/")
    if (group, kind) in CRDS:
        schema = crd_schema(CRDS[group, kind](), version)
    else:
        # kubernetes-validate's file names: "networking.k8s.io/v1" -> "networking-v1".
        name = "%s-%s.json" % (kind.lower(), re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version))
        schema = read_json(name) if (SCHEMA_DIR / name).is_file() else None
    if schema is None:
        return None
    return jsonschema.Draft202012Validator(schema, registry=registry(), format_checker=FORMATS)


def schema_problems(obj):
    """Problems found in one object (empty when it is valid); raises SchemaUnavailable."""
    if not isinstance(obj.get("apiVersion"), str) or not isinstance(obj.get("kind"), str):
        raise ValueError("an object without apiVersion/kind: %s" % json.dumps(obj)[:200])
    name = "%s/%s" % (obj["kind"], (obj.get("metadata") or {}).get("name"))
    check = validator(obj["apiVersion"], obj["kind"])
    if check is None:
        return ["%s: no Kubernetes API schema for %s %s" % (name, obj["apiVersion"], obj["kind"])]
    return ["%s: /%s %s" % (name, "/".join(str(p) for p in error.absolute_path), error.message)
            for error in sorted(check.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]
