"""The chart's releases in the node tests' namespace: helm run against the cluster, and
what their pods say (Ready or not, how the launcher started the guest). Used by
test_node.py and bench/fleet/fleet_bench.py."""
import subprocess

from cluster import Failure
from qemu_riscv64_test.launcher import start_line

NAMESPACE = "vms"


def helm_run(helm, cp, home, *args):
    """helm ARGS --namespace vms against the cluster, with its folders under `home`; its stdout."""
    env = dict(cp.env(), HELM_CONFIG_HOME=f"{home}/config", HELM_CACHE_HOME=f"{home}/cache",
               HELM_DATA_HOME=f"{home}/data")
    result = subprocess.run([helm, *args, "--namespace", NAMESPACE], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise Failure(f"helm {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def is_ready(pod, not_uid):
    """Whether `pod` is there, Ready, and not the pod of UID `not_uid`."""
    return pod is not None and pod["metadata"]["uid"] != not_uid and any(
        c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))


def pod_start_line(cp, pod):
    """The launcher's line on how it started the guest: a warm start or a cold boot and why."""
    text = cp.kubectl("logs", "-n", NAMESPACE, pod["metadata"]["name"], "-c", "launcher")
    found = start_line(text)
    return found[1] if found else "(the launcher said nothing on how it started)"
