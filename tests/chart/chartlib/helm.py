"""The real helm on the chart: template, install --dry-run, and the chart's values."""
import functools
import os
import subprocess
from dataclasses import dataclass, field

import yaml

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CHART_DIR = os.path.join(REPO_DIR, "chart", "qemu-riscv64")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Result:
    status: int
    stdout: str
    stderr: str
    objects: list = field(default_factory=list)


@functools.cache
def helm():
    """scripts/get-helm.sh fetches helm once into $CACHE_DIR and prints its path."""
    return subprocess.run([os.path.join(REPO_DIR, "scripts", "get-helm.sh")], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def run_helm(args):
    done = subprocess.run([helm()] + list(args), capture_output=True, text=True)
    return Result(done.returncode, done.stdout, done.stderr)


def load_yaml(text):
    return yaml.load(text, Loader=LOADER)


def load_all(text):
    """The documents of a YAML stream, empty ones left out."""
    return [doc for doc in yaml.load_all(text, Loader=LOADER) if doc is not None]


def set_args(sets):
    return [arg for s in sets for arg in ("--set", s)]


def template(release, sets=(), extra_args=(), chart=CHART_DIR):
    """`helm template RELEASE chart --namespace vms --set ...`: status, output and the parsed objects."""
    result = run_helm(["template", release, chart, "--namespace", "vms", *extra_args, *set_args(sets)])
    if result.status == 0:
        result.objects = load_all(result.stdout)
    return result


def install_dry_run(kubeconfig, sets=()):
    """`helm install myvm --dry-run=server` in namespace vms against the API at kubeconfig:
    the result with its manifest's objects, and the NOTES (the whole output when it has none)."""
    result = run_helm(["install", "myvm", CHART_DIR, "--namespace", "vms", "--dry-run=server",
                       "--disable-openapi-validation", "--kubeconfig", kubeconfig, *set_args(sets)])
    out = result.stdout
    if result.status == 0:
        start = out.find("MANIFEST:\n")
        end = out.find("NOTES:")
        result.objects = load_all(out[start + len("MANIFEST:\n"):end if end >= 0 else len(out)])
    return result, out[max(0, out.find("NOTES:")):]


def default_values():
    """The chart's values.yaml."""
    with open(os.path.join(CHART_DIR, "values.yaml"), encoding="utf-8") as values:
        return load_yaml(values.read())
