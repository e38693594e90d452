"""The chart's pod on a real node: kubelet + containerd + runc + CNI.

    run-pytest.sh test_node.py --chart DIR --kubernetes-script get-kubernetes.sh --helm-script get-helm.sh
                  --images-archive TAR --screenshot PNG

test_real_node needs root (a kubelet and containerd on the host): skipped without it, or
without a Go toolchain to build Kubernetes. It is one scenario, in this order:

The control plane of cluster.py plus a node (node.py) with the images
`make container CONTAINER_ENGINE=podman` built, imported into containerd.
`helm install --wait` returns once the guest is up (the console's readiness
probe); `kubectl port-forward` then the console page in Chromium runs
`uname -m` and reads riscv64; a server in the guest that speaks first
answers at the pod's address (the chart's default passt network, its ports
cut by the launcher to this machine's open-file limit); `helm test` passes.
With persistence (a hostPath PersistentVolume made here) `kubectl delete pod`
hibernates the guest and the next pod resumes it: a process started before is
there with its pid, uptime goes on, a file written on the disk is kept; the
delete is watched from the API server: the StatefulSet makes the next pod only
once the last one is gone. Then `helm upgrade --set cpu.count=1` boots cold,
saying why, with the file kept. The log says where each pod ran.
The node is small (the kubelet leaves 1250m CPU and 3596Mi allocatable, as
minikube's default node beside its system pods): the original's two instances,
`myvm` and `myvm2 --set service.port=8081`, with the chart's defaults (the
debian-13 guest), both turn Ready there, and the NOTES they print are run as
printed: their kubectl wait, the node port address, kubectl port-forward (the
page and a shell through the WebSocket at each), helm test. Then a fleet of
three busybox VMs behind the front: each console reached by its VM's name,
scaled to one and back to three (the front's list watched in Chromium, the
keystroke echo in the first VM timed), then spread over a second node, which
is drained. Then a running release of the chart as a Deployment (commit
2869c81) is upgraded to the StatefulSet, watched: the same claim, never two
pods on it. Last, the debian-13 guest with persistence: logged in, a `sleep` started, `kubectl
delete pod`; the next pod resumes it, still logged in, the `sleep` there.
"""
import base64
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import statistics
import threading
import time
from urllib.parse import quote, urlsplit

import pytest

from cluster import DEPLOYMENT_CHART, Failure, PodWatch, check, log, previous_chart
from cpu_use import CpuUse
from node import NODE_NAME, PAUSE_IMAGE, SMALL_NODE, Node
from releases import NAMESPACE, helm_run, is_ready, pod_start_line
from qemu_riscv64_test.console_session import ConsoleSession
from qemu_riscv64_test.websocket import basic_auth, http_get
from qemu_riscv64_test.processes import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_CHECK = os.path.join(HERE, "..", "console", "browser", "browser_check.js")
FRONT_WATCH = os.path.join(HERE, "..", "console", "browser", "front_watch.js")

RELEASE = "vm"
FULLNAME = f"{RELEASE}-qemu-riscv64"
BOOT_DEADLINE_S = 1200  # a hang guard for an emulated boot on a loaded machine, not a measurement
GUEST_PORT = 5000  # a guest server reached at the pod's address (within what passt forwards)


class PortForward:
    """`kubectl port-forward` to the release's Service, on a free local port."""

    def __init__(self, cp, target):
        self.port = free_port()
        self.proc = subprocess.Popen([cp.tool("kubectl"), "port-forward", "-n", NAMESPACE, target,
                                      f"{self.port}:8080", "--address", "127.0.0.1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=cp.env())
        line = self.proc.stdout.readline()
        if "Forwarding from" not in line:
            self.close()
            raise Failure(f"kubectl port-forward {target}: {line.strip()}")
        log(f"kubectl port-forward {target} {self.port}:8080 is forwarding")

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def make_namespace_and_volume(cp, host_dir):
    cp.kubectl("create", "namespace", NAMESPACE)
    # Baseline: the chart's default (passt) leaves the launcher's seccomp profile to the
    # runtime, since passt's sandbox needs user namespaces (RuntimeDefault forbids them).
    cp.kubectl("label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=baseline",
               "pod-security.kubernetes.io/warn=baseline")
    host_volume(cp, "vm-disk", host_dir, "1Gi")
    log(f"namespace {NAMESPACE} enforces baseline; PersistentVolume vm-disk is hostPath {host_dir}")


def host_volume(cp, name, host_dir, size, claim=None):
    """A local-path style PersistentVolume: a directory on the node the pod's user (1000)
    owns; bound in advance to `claim` when given, so no other claim takes it."""
    os.makedirs(host_dir)
    os.chown(host_dir, 1000, 1000)
    os.chmod(host_dir, 0o770)
    spec = {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "",
            "hostPath": {"path": host_dir, "type": "Directory"}}
    if claim:
        spec["claimRef"] = {"namespace": NAMESPACE, "name": claim}
    volume = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec}
    cp.kubectl("apply", "-f", "-", stdin=json.dumps(volume))


def smoke_pod(cp):
    """A restricted-level pod of the pause image: the node runs pods at all (sandbox, runc, CNI)."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "node-smoke", "namespace": NAMESPACE},
           "spec": {"securityContext": {"runAsNonRoot": True, "runAsUser": 65535,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{"name": "pause", "image": PAUSE_IMAGE, "imagePullPolicy": "Never",
                                    "securityContext": {"allowPrivilegeEscalation": False,
                                                        "capabilities": {"drop": ["ALL"]}}}]}}
    cp.kubectl("apply", "-f", "-", stdin=json.dumps(pod))
    cp.wait_for("the smoke pod Running",
                lambda: cp.get("pod", "node-smoke", NAMESPACE)["status"].get("phase") == "Running", 300)
    status = cp.get("pod", "node-smoke", NAMESPACE)
    check(status["spec"]["nodeName"] == NODE_NAME,
          f"a pause pod runs on the real node {NODE_NAME} (IP {status['status'].get('podIP')} from the CNI bridge)")
    cp.kubectl("delete", "pod", "node-smoke", "-n", NAMESPACE, "--wait=true", "--timeout=60s")


def running_pod(cp):
    pods = [p for p in cp.get("pods", namespace=NAMESPACE)["items"]
            if p["metadata"]["labels"].get("app.kubernetes.io/component") == "vm"
            and not p["metadata"].get("deletionTimestamp")]
    return pods[0] if pods else None


def describe_pod(cp, pod):
    statuses = {c["name"]: list(c["state"])[0] for c in pod["status"].get("containerStatuses", [])}
    log(f"pod {pod['metadata']['name']} ran on node {pod['spec'].get('nodeName')} (a real kubelet), "
        f"IP {pod['status'].get('podIP')}, containers {statuses}")
    check(pod["spec"].get("nodeName") == NODE_NAME, f"the pod is bound to the real node {NODE_NAME}")


def check_statefulset_pod(cp, pod):
    """The VM pod is the StatefulSet's pod 0, and its headless Service lists its address."""
    owners = [(o["kind"], o["name"]) for o in pod["metadata"].get("ownerReferences", [])]
    check(pod["metadata"]["name"] == f"{FULLNAME}-0" and owners == [("StatefulSet", FULLNAME)],
          f"the VM runs in pod {pod['metadata']['name']} of statefulset/{FULLNAME}")
    slices = cp.get("endpointslices", None, NAMESPACE)["items"]
    addresses = [a for s in slices if s["metadata"].get("labels", {}).get("kubernetes.io/service-name")
                 == f"{FULLNAME}-headless" for e in s.get("endpoints") or [] for a in e.get("addresses", [])]
    check(addresses == [pod["status"]["podIP"]],
          f"service/{FULLNAME}-headless lists the pod's address, and only it: {addresses}")


def check_one_pod_at_a_time(watch, old, new):
    """From the watch of a `kubectl delete pod` until the next pod was Ready: the old pod was gone
    from the API server before the new one was made; never two pods of the VM at once."""
    events = watch.snapshot()
    old_uid, new_uid = old["metadata"]["uid"], new["metadata"]["uid"]
    old_seen, old_gone = watch.order(old_uid)
    new_seen, _ = watch.order(new_uid)
    crowded = watch.crowded()
    log(f"the VM's pods from the delete to the next pod Ready, as the watch saw them ({len(events)} events): "
        + " | ".join(watch.story()))
    check(old_seen == 0 and old_gone is not None and new_seen is not None and old_gone < new_seen and not crowded,
          f"kubectl delete pod {old['metadata']['name']}, watched from the API server: the old pod (UID "
          f"{old_uid[:8]}) was gone before the StatefulSet made pod {new['metadata']['name']} (UID {new_uid[:8]}): "
          f"never two pods of the VM at once" + (f" (at once: {crowded[0]})" if crowded else ""))
    # The old pod as it was deleted: the kubelet's word on when its containers (QEMU among them) ended.
    last = events[old_gone][1]
    ended = sorted(c["state"]["terminated"]["finishedAt"] for c in last["status"].get("containerStatuses", [])
                   if c.get("state", {}).get("terminated", {}).get("finishedAt"))
    check(ended and new["metadata"]["creationTimestamp"] >= ended[-1]
          and all(p["metadata"]["uid"] == new_uid for _, p in events[old_gone + 1:]),
          f"the new pod was created at {new['metadata']['creationTimestamp']}, once the old pod's containers had "
          f"ended (the last at {ended[-1] if ended else '?'}); no other pod of the VM appeared")


def console_credentials(cp):
    """The console's user:password, from the Secret the chart generated (as NOTES say)."""
    secrets_list = cp.get("secret", None, NAMESPACE)["items"]
    data = next(s["data"] for s in secrets_list if s["metadata"]["name"].endswith("-console-auth"))
    return base64.b64decode(data["auth"]).decode()


def shell(port, prompt, credentials, path="/ws", host="127.0.0.1"):
    """The guest's shell through the console at host:port (a VM's through the front at
    path /<vm>/ws)."""
    console = ConsoleSession(port, path=path, host=host, origin=f"http://{host}:{port}",
                             headers={"Authorization": basic_auth(credentials)})
    console.type("\r")
    console.read_until(prompt.encode(), BOOT_DEADLINE_S)
    return console


def run_in_guest(console, command, expect):
    console.output.clear()
    console.type(command + "\r")
    return console.read_until(expect, 120)


def read_guest_server(address, port, deadline_s=60):
    """What a server in the guest sends first to a client of address:port."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            with socket.create_connection((address, port), timeout=10) as client:
                client.settimeout(10)
                answer = client.recv(100)
            if answer:
                return answer
        except OSError as error:
            answer = repr(error).encode()
        if time.monotonic() > end:
            return answer
        time.sleep(2)


def delete_pod(cp, name):
    """kubectl delete pod, following the launcher's log meanwhile: its own lines."""
    logs = subprocess.Popen([cp.tool("kubectl"), "logs", "-f", "-n", NAMESPACE, name, "-c", "launcher",
                             "--since=1s"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=cp.env())
    time.sleep(2)
    cp.kubectl("delete", "pod", "-n", NAMESPACE, name, "--wait=true", "--timeout=120s")
    logs.wait(30)
    said = [line for line in logs.stdout.read().splitlines() if line.startswith("launcher:")]
    log(f"kubectl delete pod {name}: the launcher said: {' | '.join(said)}")
    return said


def with_console(cp, release, open_shell, *commands):
    """What each command prints in the guest's shell, through one console session opened by
    open_shell(port) on a kubectl port-forward to the release's Service."""
    forward = PortForward(cp, f"service/{release}-qemu-riscv64")
    try:
        console = open_shell(forward.port)
        try:
            return [answer(console, command) for command in commands]
        finally:
            console.close()
    finally:
        forward.close()


UPTIME = "cut -d' ' -f1 /proc/uptime"


def check_guest_server(cp, pod, open_shell, when):
    """A server in the guest that speaks first (busybox nc) answers at the pod's address (passt)."""
    with_console(cp, RELEASE, open_shell, f"(echo guest-serves-$((6*7)) | nc -l -p {GUEST_PORT} >/dev/null 2>&1 &)")
    answer = read_guest_server(pod["status"]["podIP"], GUEST_PORT)
    if b"guest-serves-42" not in answer:
        launcher_log = cp.kubectl("logs", "-n", NAMESPACE, pod["metadata"]["name"], "-c", "launcher")
        log("the launcher's own lines: " +
            " | ".join(x for x in launcher_log.splitlines() if x.startswith(("launcher:", "  "))))
        log("the serial console's last lines: " + " | ".join(
            x for x in launcher_log.splitlines()[-30:] if not x.startswith("launcher:")))
        seen = with_console(cp, RELEASE, open_shell, "ip -4 -o addr show eth0; ip route; netstat -ltn; hostname")
        log(f"in the guest: {seen[0]}")
    check(b"guest-serves-42" in answer,
          f"a guest server that speaks first answered at the pod's address {pod['status']['podIP']}:{GUEST_PORT} "
          f"(passt){when}: {answer!r}")


def hibernate_across_delete(cp, release, pod, open_shell, kept_path):
    """kubectl delete pod with persistence on: the launcher hibernates the guest, the next pod (made
    only once the last one is gone, watched from the API) resumes it: the same process, uptime going
    on, a file written on its disk. Returns the next pod."""
    token = f"kept-{secrets.token_hex(6)}"
    # A process the stop must not end, started from a subshell: no job-control line in the answer.
    sleeper, uptime, _ = with_console(cp, release, open_shell, "(sleep 12345 >/dev/null 2>&1 & echo $!)", UPTIME,
                                      f"echo {token} >{kept_path}; sync")
    name, uid = pod["metadata"]["name"], pod["metadata"]["uid"]
    # Watched from the start of the delete until the next pod is Ready: every change to the VM's pods.
    with PodWatch(cp, NAMESPACE, f"app.kubernetes.io/instance={release},app.kubernetes.io/component=vm") as watch:
        stopped = time.monotonic()
        said = delete_pod(cp, name)
        saved = next((line for line in said if "hibernate: saved in" in line), None)
        check(saved, f"kubectl delete pod {name}: the launcher got SIGTERM and hibernated the guest: "
                     f"{saved or said}")
        cp.wait_for("the next pod Ready", lambda: is_ready(release_pod(cp, release), uid), BOOT_DEADLINE_S)
        ready_after = time.monotonic() - stopped
        second = release_pod(cp, release)
    check_one_pod_at_a_time(watch, pod, second)
    describe_pod(cp, second)
    started_as = pod_start_line(cp, second)
    check(started_as.startswith("launcher: hibernate: resumed in"),
          f"the next pod resumed the hibernated guest: {started_as} (Ready {ready_after:.0f} s after the delete began)")
    command, uptime_after, kept = with_console(cp, release, open_shell, f"cat /proc/{sleeper}/comm", UPTIME,
                                               f"cat {kept_path}")
    check(command == "sleep" and float(uptime_after) > float(uptime),
          f"in the next pod's guest pid {sleeper} is still `{command}`, started before the delete, and "
          f"uptime went on ({float(uptime):.0f} s before the delete, {float(uptime_after):.0f} s after)")
    check(kept == token, f"{kept_path}, written before the delete, is there in the next pod: {kept}")
    return second, token


def cold_after_cpu_change(cp, helm, home, chart, pod, open_shell, token):
    """helm upgrade --set cpu.count=1: the rollout hibernates the guest, and the next pod, with one
    CPU, discards the state saved with two, says why, and boots cold from the intact disk."""
    helm_run(helm, cp, home, "upgrade", RELEASE, chart, "--reuse-values", "--set", "cpu.count=1")
    cp.wait_for("the upgraded pod Ready", lambda: is_ready(running_pod(cp), pod["metadata"]["uid"]),
                BOOT_DEADLINE_S)
    upgraded = running_pod(cp)
    started_as = pod_start_line(cp, upgraded)
    check(started_as == "launcher: cold boot: the hibernated state is discarded: snapshot made with 2 CPUs, "
                        "asked for 1", f"helm upgrade --set cpu.count=1: the next pod booted cold: {started_as}")
    kept, cpus = with_console(cp, RELEASE, open_shell, "cat /mnt/kept.txt", "nproc")
    check(kept == token and cpus == "1", f"after the cold boot the guest has {cpus} CPU and /mnt/kept.txt: {kept}")


FIRST, SECOND = "myvm", "myvm2"  # the original's README: helm install myvm; helm install myvm2 --set service.port=8081
DEBIAN_PROMPT = b":~# "
DEBIAN_LOGIN = ("root", "riscv")  # the debian-13 image's documented console login


def quantity_m(text):
    """A CPU quantity in millicores."""
    return int(text[:-1]) if text.endswith("m") else int(float(text) * 1000)


def quantity_mi(text):
    """A memory quantity in MiB (Ki, Mi, Gi or bytes)."""
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(text[:-2]) * factor
    return int(text) / (1024 * 1024)


def check_small_node(cp):
    allocatable = cp.get("node", NODE_NAME)["status"]["allocatable"]
    cpu, memory = quantity_m(allocatable["cpu"]), quantity_mi(allocatable["memory"])
    check((cpu, memory) == SMALL_NODE, f"node {NODE_NAME} is a small node: allocatable {allocatable['cpu']} CPU "
                                       f"and {allocatable['memory']} ({memory:.0f}Mi) = 2 CPUs - 750m, 4 GiB - 500Mi "
                                       f"(the kubelet's systemReserved takes the rest of this machine)")


class NotesShell:
    """Runs what NOTES print, as a user would in bash: kubectl and helm on PATH, the cluster's kubeconfig."""

    def __init__(self, cp, helm, home):
        path = os.pathsep.join([os.path.dirname(cp.tool("kubectl")), os.path.dirname(helm), os.environ["PATH"]])
        self.env = dict(cp.env(), PATH=path, HELM_CONFIG_HOME=f"{home}/config", HELM_CACHE_HOME=f"{home}/cache",
                        HELM_DATA_HOME=f"{home}/data")

    def run(self, script, check_status=True):
        result = subprocess.run(["bash", "-c", "set -eo pipefail\n" + script], capture_output=True, text=True,
                                env=self.env)
        if check_status and result.returncode != 0:
            raise Failure(f"as NOTES print it:\n{script}\nfailed ({result.returncode}): {result.stderr.strip()}")
        return result


def notes_of(install_output):
    return install_output.split("NOTES:", 1)[1] if "NOTES:" in install_output else ""


def notes_line(notes, start):
    """The first NOTES line that starts (after its indent, or after a label such as "user:") with `start`."""
    for line in notes.splitlines():
        if line.strip().startswith(start):
            return line.strip()
    raise Failure(f"NOTES have no line starting with {start!r}:\n{notes}")


def unschedulable(cp, release):
    """The scheduler's word when it found no room for the release's pod, else None."""
    pod = release_pod(cp, release)
    condition = next((c for c in (pod or {}).get("status", {}).get("conditions", [])
                      if c["type"] == "PodScheduled" and c["status"] == "False"), None)
    return condition.get("message") if condition and condition.get("reason") == "Unschedulable" else None


def notes_wait(cp, shell, notes, release):
    """The NOTES' kubectl wait, run as printed; a pod the controllers have not made yet is waited
    for first, and a pod the scheduler finds no room for fails at once with its message."""
    command = notes_line(notes, "kubectl wait")
    for attempt in range(2):
        proc = subprocess.Popen(["bash", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=shell.env)
        while proc.poll() is None:
            refused = unschedulable(cp, release)
            if refused:
                proc.kill()
                proc.communicate()
                raise Failure(f"{release} does not fit the small node: {refused}")
            time.sleep(1)
        out, err = proc.communicate()
        if proc.returncode == 0:
            return command, out.strip()
        if attempt == 0 and "no matching resources" in err:
            log(f"NOTE: {release}: the NOTES' kubectl wait, run at once after helm install, found no pod yet "
                f"({err.strip()}): waiting for the controllers to make it, then again")
            cp.wait_for(f"a pod of {release}", lambda: release_pod(cp, release) is not None, 120)
            continue
        break
    raise Failure(f"{command}\nfailed: {err.strip()}")


def release_pod(cp, release):
    pods = [p for p in cp.get("pods", namespace=NAMESPACE)["items"]
            if p["metadata"]["labels"].get("app.kubernetes.io/instance") == release
            and p["metadata"]["labels"].get("app.kubernetes.io/component") == "vm"
            and not p["metadata"].get("deletionTimestamp")]
    return pods[0] if pods else None


def container_resources(pod):
    """{container: (requests, limits)} of the pod's containers."""
    return {c["name"]: (c.get("resources", {}).get("requests", {}), c.get("resources", {}).get("limits", {}))
            for c in pod["spec"]["containers"]}


def notes_credentials(shell, notes):
    """user:password, read as NOTES say (the password through the kubectl command they print)."""
    user = notes_line(notes, "user:").split(":", 1)[1].strip()
    command = notes_line(notes, "password:").split(":", 1)[1].strip()
    return f"{user}:{shell.run(command).stdout.strip()}"


def check_page(url, credentials, how):
    """401 without credentials, the terminal page with them, at url (Host: as a browser sends it)."""
    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port, parts.path or "/"
    if not host or not port:
        raise Failure(f"{how}: NOTES gave no address to open: {url!r}")
    anonymous = http_get(port, path, host=host)[0]
    status, _, body = http_get(port, path, headers={"Authorization": basic_auth(credentials)}, host=host)
    check(anonymous == 401 and status == 200 and b"<html" in body.lower(),
          f"{how}: {url} answers {anonymous} without credentials, {status} and the terminal page "
          f"({len(body)} bytes) with the ones NOTES show")
    return host, port


def answer(console, command):
    """What `command` printed in the guest's shell, between two markers of its own."""
    tag = secrets.token_hex(4)
    since = len(console.output)
    console.type(f"echo begin-''{tag}; {command}; echo end-''{tag}\r")
    text = console.read_until(f"end-{tag}\r\n", 300, since).decode(errors="replace")
    return text[text.rindex(f"begin-{tag}\r\n") + len(f"begin-{tag}\r\n"):text.rindex(f"end-{tag}")].strip()


def debian_shell(host, port, credentials, how):
    """A root shell of the debian-13 guest through the console's WebSocket at host:port."""
    console = ConsoleSession(port, host=host, origin=f"http://{host}:{port}",
                             headers={"Authorization": basic_auth(credentials)})
    console.type("\r")
    console.read_until(b"login: ", 300)
    console.type(DEBIAN_LOGIN[0] + "\r")
    console.read_until(b"Password: ", 120)
    since = len(console.output)
    console.type(DEBIAN_LOGIN[1] + "\r")
    console.read_until(DEBIAN_PROMPT, 120, since)
    answer(console, "dmesg -n 1")  # kernel messages stay off the console, out of the answers
    cpus, memory = answer(console, "nproc"), answer(console, "awk '/^MemTotal/ {print $2}' /proc/meminfo")
    console.close()
    check(cpus == "2" and 1800 * 1024 < int(memory) <= 2048 * 1024,
          f"{how}: logged in to the guest through the WebSocket at {host}:{port}: nproc {cpus}, "
          f"MemTotal {int(memory) // 1024} MiB (cpu.count=2, memory=2048)")


def notes_port_forward(shell, notes, how):
    """The NOTES' kubectl port-forward, as printed (the local port moved only if this machine uses it)."""
    words = shlex.split(notes_line(notes, "kubectl port-forward"))
    local, remote = words[-1].split(":")
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", int(local)))
    except OSError:
        moved = str(free_port())
        log(f"NOTE: local port {local} is in use on this machine: {how} forwards {moved}:{remote} instead")
        words[-1], local = f"{moved}:{remote}", moved
    proc = subprocess.Popen(words, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=shell.env)
    line = proc.stdout.readline()
    if "Forwarding from" not in line:
        proc.terminate()
        raise Failure(f"{' '.join(words)}: {line.strip()}")
    log(f"{' '.join(words)}: {line.strip()}")
    url = notes_line(notes, "then http://").split(" ", 1)[1].strip()
    return proc, url.replace(f":{remote}/", f":{local}/", 1) if local != remote else url


def small_node_releases(cp, helm, home, chart, values):
    """The original's two instances, with the chart's defaults, on the small node; then the NOTES, as printed."""
    shell = NotesShell(cp, helm, home)
    section = time.monotonic()
    notes = {}
    installs = {FIRST: ["--set", "service.type=NodePort"], SECOND: ["--set", "service.port=8081"]}
    for release, extra in installs.items():
        output = helm_run(helm, cp, home, "install", release, chart, *[a for v in values for a in ("--set", v)],
                          *extra)
        notes[release] = notes_of(output)
        log(f"helm install {release} {' '.join(extra)}: deployed")
    ready = {}
    for release in installs:
        command, said = notes_wait(cp, shell, notes[release], release)
        ready[release] = time.monotonic() - section
        log(f"{command}: {said} ({ready[release]:.0f} s after the first helm install)")
    log(f"both VMs Ready on the small node, as NOTES wait for them: {FIRST} after {ready[FIRST]:.0f} s, "
        f"{SECOND} after {ready[SECOND]:.0f} s (time to both Ready: {max(ready.values()):.0f} s)")
    requested_cpu = requested_memory = 0
    pods = {}
    for release in installs:
        pod = release_pod(cp, release)
        pods[release] = pod
        env = launcher_env(pod)
        resources = container_resources(pod)
        requested_cpu += sum(quantity_m(r.get("cpu", "0")) for r, _ in resources.values())
        requested_memory += sum(quantity_mi(r.get("memory", "0")) for r, _ in resources.values())
        log(f"{release}: pod {pod['metadata']['name']} on {pod['spec'].get('nodeName')}, requests/limits "
            + "; ".join(f"{name} {r} / {lim}" for name, (r, lim) in resources.items())
            + f"; the guest gets VM_CPU_COUNT={env.get('VM_CPU_COUNT')} VM_MEMORY={env.get('VM_MEMORY')} "
              f"VM_NETWORK={env.get('VM_NETWORK')}; {pod_start_line(cp, pod)}")
        check(pod["spec"].get("nodeName") == NODE_NAME and env.get("VM_CPU_COUNT") == "2"
              and env.get("VM_MEMORY") == "2048",
              f"{release} runs on {NODE_NAME} with the guest's full size: 2 vCPUs, 2048 MiB")
    check(requested_cpu <= SMALL_NODE[0] and requested_memory <= SMALL_NODE[1],
          f"the two pods request {requested_cpu}m CPU and {requested_memory:.0f}Mi together, within the small "
          f"node's {SMALL_NODE[0]}m and {SMALL_NODE[1]}Mi")

    # The NodePort, as NOTES print it: the node's address and the Service's node port.
    credentials = notes_credentials(shell, notes[FIRST])
    block = "\n".join(line.strip() for line in notes[FIRST].splitlines()
                      if line.strip().startswith(("export NODE_PORT=", "export NODE_IP=", "echo http://$NODE_IP")))
    url = shell.run(block).stdout.strip()
    log(f"NOTES' node port commands print {url}")
    host, port = check_page(url, credentials, f"{FIRST} through the NodePort")
    debian_shell(host, port, credentials, f"{FIRST} through the NodePort")

    # kubectl port-forward, as NOTES print it (for every service type).
    forward, url = notes_port_forward(shell, notes[SECOND], SECOND)
    try:
        host, port = check_page(url, notes_credentials(shell, notes[SECOND]),
                                f"{SECOND} through kubectl port-forward")
        debian_shell(host, port, notes_credentials(shell, notes[SECOND]), f"{SECOND} through kubectl port-forward")
    finally:
        forward.terminate()
        forward.wait(10)

    # The Service's cluster address from another pod: the helm test NOTES print.
    command = notes_line(notes[FIRST], "Check the release:").split(":", 1)[1].strip()
    tested = shell.run(command)
    log(f"{command} (the Service's cluster address from the test pod): "
        f"{' / '.join(x.strip() for x in tested.stdout.splitlines() if 'Phase' in x or 'console:' in x)}")

    # The debian-13 guest's agent powers it off when the kubelet stops the pod.
    pod = pods[FIRST]
    started_as = pod_start_line(cp, pod)
    check(started_as.startswith("launcher: warm start"), f"the debian-13 pod resumed its image's snapshot: "
                                                         f"{started_as}")
    said = delete_pod(cp, pod["metadata"]["name"])
    check(any("asking the guest agent to power the guest off" in line for line in said) and
          "launcher: QEMU exited with status 0" in said and not any("did not power off" in line for line in said),
          "kubectl delete pod: the launcher had the debian-13 guest's agent power it off, and QEMU ended cleanly")
    for release in installs:
        helm_run(helm, cp, home, "uninstall", release, "--wait", "--timeout", "180s")
    log(f"the small-node section took {time.monotonic() - section:.0f} s")


DEBIAN_RELEASE = "deb"  # the debian-13 guest with persistence: hibernated and resumed


def debian_root_shell(port, credentials):
    """A root shell of the debian-13 guest through the console at 127.0.0.1:port, logging in
    when the guest asks (a resumed guest is still logged in)."""
    console = ConsoleSession(port, origin=f"http://127.0.0.1:{port}",
                             headers={"Authorization": basic_auth(credentials)})
    since = len(console.output)
    console.type("\r")
    deadline = time.monotonic() + 300
    while DEBIAN_PROMPT not in console.output[since:]:
        if b"login: " in console.output[since:]:
            console.type(DEBIAN_LOGIN[0] + "\r")
            console.read_until(b"Password: ", 120, since)
            since = len(console.output)
            console.type(DEBIAN_LOGIN[1] + "\r")
            console.read_until(DEBIAN_PROMPT, 120, since)
            break
        if time.monotonic() > deadline:
            raise Failure(f"no login prompt or shell from the debian-13 guest: {bytes(console.output[-300:])!r}")
        console.ws.sock.settimeout(max(0.1, deadline - time.monotonic()))
        console.read_message()
    answer(console, "dmesg -n 1")  # kernel messages stay off the console, out of the answers
    return console


def debian_hibernation(cp, helm, home, chart, images, volumes):
    """The debian-13 guest with persistence on its own hostPath volume: kubectl delete pod
    hibernates it and the next pod resumes it (hibernate_across_delete)."""
    claim = f"{DEBIAN_RELEASE}-qemu-riscv64-data"
    host_volume(cp, "debian-disk", os.path.join(volumes, "debian-disk"), "4Gi", claim)
    values = [f"images.launcher={images[0]}", f"images.console={images[1]}", f"images.data={images[3]}",
              "cpu.count=2", "memory=2048", "service.type=ClusterIP", "persistence.enabled=true",
              "persistence.size=4Gi", "persistence.storageClass=-", "imagePullPolicy=Never"]
    started = time.monotonic()
    helm_run(helm, cp, home, "install", DEBIAN_RELEASE, chart, *[a for v in values for a in ("--set", v)],
             "--wait", "--timeout", f"{BOOT_DEADLINE_S}s")
    pod = release_pod(cp, DEBIAN_RELEASE)
    check(is_ready(pod, None), f"helm install {DEBIAN_RELEASE} (debian-13, persistence on) --wait: Ready after "
                               f"{time.monotonic() - started:.0f} s; {pod_start_line(cp, pod)}")
    secret = cp.get("secret", f"{DEBIAN_RELEASE}-qemu-riscv64-console-auth", NAMESPACE)
    credentials = base64.b64decode(secret["data"]["auth"]).decode()
    open_shell = lambda port: debian_root_shell(port, credentials)  # noqa: E731
    second, _ = hibernate_across_delete(cp, DEBIAN_RELEASE, pod, open_shell, "/root/kept.txt")
    # The launcher had the agent ask for the network again: the guest takes the next pod's address.
    address = f"{second['status']['podIP']}/"
    deadline = time.monotonic() + 120
    while True:
        addresses = with_console(cp, DEBIAN_RELEASE, open_shell, "ip -color=never -4 -o addr show scope global")[0]
        if address in addresses or time.monotonic() > deadline:
            break
        time.sleep(5)
    if address not in addresses:
        launcher_log = cp.kubectl("logs", "-n", NAMESPACE, second["metadata"]["name"], "-c", "launcher")
        log("the launcher's own lines: " + " | ".join(x for x in launcher_log.splitlines()
                                                      if x.startswith("launcher:")))
    check(address in addresses, f"the resumed guest asked for the network again: it has the next pod's address "
                                f"{address}.. (the last pod's was {pod['status']['podIP']}): {addresses}")
    helm_run(helm, cp, home, "uninstall", DEBIAN_RELEASE, "--wait", "--timeout", "180s")


FLEET = "fleet"  # replicas=3 behind the front
FLEET_SIZE = 3


def front_listing(port, credentials):
    """The front's vms.json through port: {name: state}."""
    status, _, body = http_get(port, "/vms.json", headers={"Authorization": basic_auth(credentials)})
    if status != 200:
        raise Failure(f"the front's /vms.json answers {status}: {body[:200]!r}")
    return {vm["name"]: vm["state"] for vm in json.loads(body)["vms"]}


def wait_front_lists(cp, port, credentials, vms):
    """Waits until the front lists exactly `vms`, every one ready (it looks every second); returns the list."""
    listed = {}

    def all_listed_ready():
        listed.clear()
        listed.update(front_listing(port, credentials))
        return listed == {name: "ready" for name in vms}

    cp.wait_for(f"the front listing {', '.join(vms)} ready", all_listed_ready, 60)
    return listed


def fleet_pods(cp, release=FLEET):
    return [p for p in cp.get("pods", namespace=NAMESPACE)["items"]
            if p["metadata"]["labels"].get("app.kubernetes.io/instance") == release]


def fleet_values(images, replicas):
    """A busybox fleet with a disk per VM: 2 vCPUs and 2048 MiB, the snapshot's size; 200m CPU
    each so that three fit the small node."""
    return [f"images.launcher={images[0]}", f"images.console={images[1]}", f"images.data={images[2]}",
            f"replicas={replicas}", "cpu.count=2", "memory=2048", "resources.requests.cpu=200m",
            "service.type=ClusterIP", "imagePullPolicy=Never", "persistence.enabled=true",
            "persistence.size=1Gi", "persistence.storageClass=-"]


def fleet_release(cp, helm, home, chart, images, prompt, volumes, front_screenshot):
    """A release of three busybox VMs (warm, each with its disk) on the small node behind the front:
    every pod Ready, the front lists the three ready, each console is reached through the front by
    its VM's name, a line typed in one shows in no other, one VM's own console works without the
    front; scaled to one VM and back to three, the third comes back hibernated with its file."""
    fullname = f"{FLEET}-qemu-riscv64"
    # The node to this release alone: a pod still terminating holds its requests.
    cp.wait_for(f"the pods of {FIRST} and {SECOND} gone", lambda: not any(
        p["metadata"]["labels"].get("app.kubernetes.io/instance") in (FIRST, SECOND)
        for p in cp.get("pods", namespace=NAMESPACE)["items"]), 180)
    vms = [f"{fullname}-{i}" for i in range(FLEET_SIZE)]
    for vm in vms:
        host_volume(cp, f"disk-{vm}", os.path.join(volumes, f"disk-{vm}"), "1Gi", f"data-{vm}")
    values = fleet_values(images, FLEET_SIZE)
    started = time.monotonic()
    helm_run(helm, cp, home, "install", FLEET, chart, *[a for v in values for a in ("--set", v)], "--wait",
             "--timeout", f"{BOOT_DEADLINE_S}s")
    took = time.monotonic() - started
    pods = fleet_pods(cp)
    listed = sorted(p["metadata"]["name"] for p in pods
                    if p["metadata"]["labels"].get("app.kubernetes.io/component") == "vm")
    check(listed == vms and len(pods) == FLEET_SIZE + 1 and all(is_ready(p, None) for p in pods),
          f"helm install {FLEET} --set replicas={FLEET_SIZE} --wait: {', '.join(vms)} (a claim each) and the front "
          f"Ready after {took:.0f} s on {NODE_NAME}; " + "; ".join(
              f"{p['metadata']['name']}: {pod_start_line(cp, p)}" for p in pods if p["metadata"]["name"] in vms))
    secret = cp.get("secret", f"{fullname}-console-auth", NAMESPACE)
    credentials = base64.b64decode(secret["data"]["auth"]).decode()
    token = f"kept-{secrets.token_hex(6)}"
    forward = PortForward(cp, f"service/{fullname}")
    try:
        listing = wait_front_lists(cp, forward.port, credentials, vms)
        log(f"the release's Service is the front: its /vms.json lists {listing}")
        consoles = {name: shell(forward.port, prompt, credentials, f"/{name}/ws") for name in vms}
        for name, console in consoles.items():
            run_in_guest(console, f"echo typed-in-{name}-$((6*7))", f"typed-in-{name}-42".encode())
        check_fleet_identities(consoles, {p["metadata"]["name"]: p["status"].get("podIP") for p in pods})
        for name, console in consoles.items():
            console.sync()
            strays = [other for other in vms if other != name and f"typed-in-{other}".encode() in console.output]
            check(not strays, f"{name}'s console through the front /{name}/ shows its own line only"
                              + (f" (also {strays})" if strays else ""))
        run_in_guest(consoles[vms[2]], f"echo {token} >/mnt/kept.txt; sync; echo written-$((6*7))", b"written-42")
        for console in consoles.values():
            console.close()
    finally:
        forward.close()
    # One VM's own console, without the front (kubectl port-forward to its pod).
    forward = PortForward(cp, f"pod/{vms[1]}")
    try:
        console = shell(forward.port, prompt, credentials)
        run_in_guest(console, "echo on-its-own-$((6*7))", b"on-its-own-42")
        console.close()
        log(f"{vms[1]}'s own console answers through kubectl port-forward to its pod")
    finally:
        forward.close()
    fleet_scaled_back(cp, (helm, home, chart), fullname, vms, (credentials, prompt, token), front_screenshot)
    helm_run(helm, cp, home, "uninstall", FLEET, "--wait", "--timeout", "180s")
    cp.wait_for(f"{FLEET}'s pods gone", lambda: not fleet_pods(cp), 180)


def check_fleet_identities(consoles, pod_addresses):
    """Each VM, resumed from the same snapshot, is named after its pod (VM_HOSTNAME, typed by the
    launcher after the resume), holds its pod's address (passt's DHCP lease) and a machine-id of
    its own (typed by the launcher from the host's random source)."""
    seen = {}
    for name, console in consoles.items():
        answer = run_in_guest(console, "echo name-$(hostname)-end; ip -4 -o addr show eth0; "
                                       "echo id-$(cat /etc/machine-id)-end; echo listed-$((6*7))",
                              b"listed-42").decode(errors="replace")
        hostname = re.search(r"name-([a-z0-9.-]+)-end", answer)  # not the echoed $(hostname)
        address = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", answer)
        machine_id = re.search(r"id-([0-9a-f]{32})-end", answer)
        seen[name] = tuple(match and match.group(1) for match in (hostname, address, machine_id))
    ids = {found[2] for found in seen.values()}
    check(all(seen[name][:2] == (name, pod_addresses.get(name)) for name in consoles)
          and None not in ids and len(ids) == len(consoles),
          "each VM of the fleet is named after its pod, has its pod's address and a machine-id of its own: " +
          ", ".join(f"{name}: {found[0]} at {found[1]}, machine-id {found[2]}" for name, found in seen.items()))


def scale_up_with_helm(helm, cp, home, chart, replicas):
    """helm upgrade --set replicas after a kubectl scale. helm 4 applies server-side, where
    `kubectl scale` now owns .spec.replicas: the upgrade is refused for that conflict, and
    --force-conflicts (as the chart README says) takes the count back."""
    upgrade = ["upgrade", FLEET, chart, "--reuse-values", "--set", f"replicas={replicas}"]
    try:
        helm_run(helm, cp, home, *upgrade)
        log(f"helm upgrade --set replicas={replicas} after kubectl scale: accepted (client-side apply)")
    except Failure as refused:
        check("conflict" in str(refused) and ".spec.replicas" in str(refused),
              f"helm upgrade --set replicas={replicas} after kubectl scale: refused for the conflict on "
              f".spec.replicas the chart README names: {str(refused).strip().splitlines()[-1]}")
        helm_run(helm, cp, home, *upgrade, "--force-conflicts")
        log(f"helm upgrade --set replicas={replicas} --force-conflicts: accepted")


QUIET_S = 10  # keys typed into VM 0 before the others start


class EchoSampler(threading.Thread):
    """Types one key at a time into a guest's shell and times its echo, until stopped: what a
    user typing in that VM feels while the others start. Two samplers on one shell type
    different keys."""

    def __init__(self, console, key, every_s=0.2):
        super().__init__(daemon=True)
        self.console, self.key, self.every_s = console, key, every_s
        self.samples_ms = []
        self.sent_at = []  # time.monotonic() of each timed key
        self.error = None
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.wait(self.every_s):
                since = len(self.console.output)
                started = time.monotonic()
                self.console.type(self.key)
                self.console.read_until(self.key.encode(), 30, since)
                self.samples_ms.append((time.monotonic() - started) * 1000)
                self.sent_at.append(started)
        except (OSError, TimeoutError) as error:
            self.error = error

    def stop(self, since):
        """Stops typing; the echo times from sample `since` on, summed up."""
        self.stopping.set()
        self.join(60)
        self.console.type("\x03")  # the keys typed are dropped, not run
        if self.error:
            raise Failure(f"a keystroke's echo stopped coming: {self.error}")
        return self.summary(since)

    def summary(self, start, end=None):
        ms = sorted(self.samples_ms[start:end])
        if not ms:
            raise Failure("no keystroke echo was timed")
        return (f"{len(ms)} keys, echo p50 {statistics.median(ms):.1f} ms, "
                f"p99 {ms[min(len(ms) - 1, int(len(ms) * 0.99))]:.1f} ms, max {ms[-1]:.1f} ms, "
                f"{sum(x > 50 for x in ms)} over 50 ms{self.slow_keys(start, end)}")

    def slow_keys(self, start, end):
        """When the keys over 50 ms were typed, in seconds after the first key of the stretch."""
        # The typing thread may have added one list's entry and not yet the other's: zip cuts it.
        timed = list(zip(self.sent_at, self.samples_ms, strict=False))[start:end]
        slow = [f"{ms:.0f} ms at {sent - timed[0][0]:.1f} s" for sent, ms in timed if ms > 50]
        return f" ({', '.join(slow)})" if slow else ""


def fleet_scaled_back(cp, helm_chart, fullname, vms, session, front_screenshot):
    """kubectl scale to one VM, and helm upgrade --set replicas back to three: the front lists what
    runs, the first VM runs on untouched, and the last resumes as it was hibernated, with the file
    written on its disk before. While the two start again, the front's list in Chromium shows the
    last one's state change (kept as a screenshot) and keystrokes typed in the first are timed."""
    helm, home, chart = helm_chart
    credentials, prompt, token = session
    first_uid = cp.get("pod", vms[0], NAMESPACE)["metadata"]["uid"]
    cp.kubectl("scale", "statefulset", fullname, "-n", NAMESPACE, "--replicas=1")
    cp.wait_for(f"{vms[1]} and {vms[2]} gone", lambda: not any(
        p["metadata"]["name"] in vms[1:] for p in fleet_pods(cp)), 180)
    forward = PortForward(cp, f"service/{fullname}")
    watch = None
    try:
        listing = wait_front_lists(cp, forward.port, credentials, vms[:1])
        claims = [cp.get("persistentvolumeclaim", f"data-{vm}", NAMESPACE)["status"]["phase"] for vm in vms]
        check(claims == ["Bound"] * len(vms), f"kubectl scale --replicas=1: the front lists {listing}; the claims "
                                              f"of the VMs scaled away stay: {claims}")
        # Keys typed into the first VM at the pod addresses (as a Service reaches them, without
        # kubectl port-forward's hops): through the front, and straight to its own console.
        front_ip = next(p["status"]["podIP"] for p in fleet_pods(cp)
                        if p["metadata"]["labels"].get("app.kubernetes.io/component") == "front")
        paths = {"through the front": (front_ip, f"/{vms[0]}/ws", "x"),
                 "to its own console": (cp.get("pod", vms[0], NAMESPACE)["status"]["podIP"], "/ws", "y")}
        samplers = {how: EchoSampler(shell(8080, prompt, credentials, path, host), key)
                    for how, (host, path, key) in paths.items()}
        watch = subprocess.Popen(["node", FRONT_WATCH, f"http://{quote(credentials, safe=':')}@127.0.0.1:"
                                  f"{forward.port}/", vms[2], front_screenshot], stdout=subprocess.PIPE, text=True)
        for sampler in samplers.values():
            sampler.start()
        time.sleep(QUIET_S)  # VM 0 alone first: what the keys take on this node at rest
        quiet = {how: len(sampler.samples_ms) for how, sampler in samplers.items()}
        started = time.monotonic()
        cpu_use = CpuUse()
        cpu_use.start()
        scale_up_with_helm(helm, cp, home, chart, len(vms))
        cp.wait_for(f"{', '.join(vms)} Ready again", lambda: sum(
            is_ready(p, None) for p in fleet_pods(cp) if p["metadata"]["name"] in vms) == len(vms),
            BOOT_DEADLINE_S)
        took = time.monotonic() - started
        cpu_use.stop()
        print(f"CPU used on this machine while {vms[1]} and {vms[2]} started ({took:.0f} s on {os.cpu_count()} "
              f"cores): {cpu_use.summary()}", flush=True)
        echoes = {how: (sampler.summary(0, quiet[how]), sampler.stop(quiet[how]))
                  for how, sampler in samplers.items()}
        for sampler in samplers.values():
            sampler.console.close()
        log(f"typed in {vms[0]} for {QUIET_S} s alone, then while {vms[1]} and {vms[2]} started again "
            f"({took:.0f} s to all Ready): " + "; ".join(
                f"{how}: alone {alone}, beside the starts {beside}" for how, (alone, beside) in echoes.items()))
        check_front_watch(watch, vms[2], front_screenshot)
        started_as = pod_start_line(cp, cp.get("pod", vms[2], NAMESPACE))
        wait_front_lists(cp, forward.port, credentials, vms)
        console = shell(forward.port, prompt, credentials, f"/{vms[2]}/ws")
        kept = run_in_guest(console, "cat /mnt/kept.txt", token.encode())
        console.close()
    finally:
        if watch and watch.poll() is None:
            watch.kill()
        forward.close()
    check(started_as.startswith("launcher: hibernate: resumed") and token.encode() in kept,
          f"helm upgrade --reuse-values --set replicas={len(vms)}: {vms[2]} came back as it was scaled away "
          f"({started_as}) with /mnt/kept.txt, written before: {token}")
    check(cp.get("pod", vms[0], NAMESPACE)["metadata"]["uid"] == first_uid,
          f"{vms[0]} ran on through both scalings (the same pod)")


def check_front_watch(watch, vm, screenshot):
    """The front's list in Chromium showed `vm` in a state before ready (its screenshot kept), then ready."""
    out, _ = watch.communicate(timeout=120)
    states = [line.split()[2] for line in out.splitlines() if line.startswith("state ")]
    shot = [line for line in out.splitlines() if line.startswith("screenshot ")]
    check(watch.returncode == 0 and states[-1:] == ["ready"] and len(states) >= 2 and shot,
          f"the front's list in Chromium showed {vm} as " + " -> ".join(
              line.split(" ", 2)[2].replace(" ", " at ") + " s" for line in out.splitlines()
              if line.startswith("state ")) + f" (screenshot while {shot[0].split()[2] if shot else 'never'}: "
          f"{screenshot})")


SPREAD = "spread"  # a fleet over two nodes, one of them drained
SECOND_NODE = "node-2"


def fleet_across_nodes(cp, helm, home, chart, first, prompt, volumes):
    """A second node beside the first (its own kubelet, containerd, CNI bridge and cgroup): a
    release of three busybox VMs, each with a disk both nodes reach (a hostPath volume on this
    host), spreads over the two by default; kubectl drain of the second moves its VMs to the
    first, where each resumes as it was hibernated, with the file written on it before."""
    octet = first.octet + 1 if first.octet < 250 else 64
    with Node(cp, first.images, first.images_archive, first.pause_c, allocatable=SMALL_NODE,
              name=SECOND_NODE, services=False, octet=octet):
        fullname = f"{SPREAD}-qemu-riscv64"
        vms = [f"{fullname}-{i}" for i in range(FLEET_SIZE)]
        for vm in vms:
            host_volume(cp, f"disk-{vm}", os.path.join(volumes, f"disk-{vm}"), "1Gi", f"data-{vm}")
        helm_run(helm, cp, home, "install", SPREAD, chart, *[a for v in fleet_values(first.images, FLEET_SIZE)
                                                            for a in ("--set", v)],
                 "--wait", "--timeout", f"{BOOT_DEADLINE_S}s")
        placed = {p["metadata"]["name"]: p["spec"].get("nodeName") for p in fleet_pods(cp, SPREAD)}
        moving = [vm for vm in vms if placed.get(vm) == SECOND_NODE]
        check(moving and len(moving) < len(vms),
              f"helm install {SPREAD} --set replicas={FLEET_SIZE} with two nodes: the VMs spread over both "
              f"(nodeSpread ScheduleAnyway): {placed}")
        credentials = base64.b64decode(cp.get("secret", f"{fullname}-console-auth", NAMESPACE)["data"]["auth"]).decode()
        tokens = {vm: f"kept-{secrets.token_hex(6)}" for vm in moving}
        with_front_consoles(cp, fullname, credentials, prompt, vms, lambda consoles: [
            run_in_guest(consoles[vm], f"echo {tokens[vm]} >/mnt/kept.txt; sync; echo written-$((6*7))", b"written-42")
            for vm in moving])
        started = time.monotonic()
        cp.kubectl("drain", SECOND_NODE, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=600s")
        cp.wait_for(f"{', '.join(vms)} Ready on {NODE_NAME}", lambda: sorted(
            p["metadata"]["name"] for p in fleet_pods(cp, SPREAD)
            if p["spec"].get("nodeName") == NODE_NAME and is_ready(p, None) and p["metadata"]["name"] in vms) == vms,
            BOOT_DEADLINE_S)
        took = time.monotonic() - started
        starts = {vm: pod_start_line(cp, cp.get("pod", vm, NAMESPACE)) for vm in moving}
        kept = with_front_consoles(cp, fullname, credentials, prompt, vms, lambda consoles: {
            vm: tokens[vm].encode() in run_in_guest(consoles[vm], "cat /mnt/kept.txt", tokens[vm].encode())
            for vm in moving})
        check(all(kept.values()) and all(line.startswith("launcher: hibernate: resumed") for line in starts.values()),
              f"kubectl drain {SECOND_NODE}: its pods moved to {NODE_NAME}, all Ready after {took:.0f} s; the VMs "
              f"there resumed as they were hibernated, with the file written before: " + "; ".join(
                  f"{vm}: {starts[vm]}, file {'kept' if kept[vm] else 'LOST'}" for vm in moving))
        helm_run(helm, cp, home, "uninstall", SPREAD, "--wait", "--timeout", "180s")
        cp.wait_for(f"{SPREAD}'s pods gone", lambda: not fleet_pods(cp, SPREAD), 180)


def with_front_consoles(cp, fullname, credentials, prompt, vms, use):
    """use({vm: its shell through the front}) through a port-forward to the release's Service,
    once the front lists every VM ready; returns what `use` returns."""
    forward = PortForward(cp, f"service/{fullname}")
    try:
        wait_front_lists(cp, forward.port, credentials, vms)
        consoles = {vm: shell(forward.port, prompt, credentials, f"/{vm}/ws") for vm in vms}
        try:
            return use(consoles)
        finally:
            for console in consoles.values():
                console.close()
    finally:
        forward.close()


LEGACY = "legacy"  # a release of the chart's Deployment, upgraded to the StatefulSet


def upgrade_from_deployment(cp, helm, home, chart, values, volumes):
    """helm install of the chart as a Deployment (persistence on), running; then helm upgrade
    --reuse-values to the StatefulSet, watched from the API server: the disk's pods one at a time."""
    previous = previous_chart(chart, DEPLOYMENT_CHART, home)
    if not previous:
        log(f"NOTE: no git history here: the upgrade from the chart's Deployment ({DEPLOYMENT_CHART}) is not run")
        return
    fullname, claim = f"{LEGACY}-qemu-riscv64", f"{LEGACY}-qemu-riscv64-data"
    host_volume(cp, "legacy-disk", os.path.join(volumes, "legacy-disk"), "1Gi", claim)
    helm_run(helm, cp, home, "install", LEGACY, previous, *[a for v in values for a in ("--set", v)], "--wait",
             "--timeout", f"{BOOT_DEADLINE_S}s")
    old = release_pod(cp, LEGACY)
    owners = [o["kind"] for o in old["metadata"].get("ownerReferences", [])]
    check(owners == ["ReplicaSet"] and is_ready(old, None),
          f"helm install {LEGACY} --wait with the chart at {DEPLOYMENT_CHART} (a Deployment), persistence on: pod "
          f"{old['metadata']['name']} Ready on {claim} (hostPath volume legacy-disk)")
    pvc_uid = cp.get("persistentvolumeclaim", claim, NAMESPACE)["metadata"]["uid"]
    with PodWatch(cp, NAMESPACE, f"app.kubernetes.io/instance={LEGACY},app.kubernetes.io/component=vm") as watch:
        # The first upgrade leaves the StatefulSet with no replica while the Deployment's pod holds
        # the disk; the second, which NOTES ask for, starts the VM once that pod is gone.
        upgraded = helm_run(helm, cp, home, "upgrade", LEGACY, chart, "--reuse-values")
        check(cp.get("statefulset", fullname, NAMESPACE)["spec"]["replicas"] == 0
              and "--reuse-values" in upgraded and "replaces the release's Deployment" in upgraded,
              f"helm upgrade {LEGACY} --reuse-values to the StatefulSet: no replica while the Deployment is there, "
              f"and NOTES say to upgrade again once its pod is gone")
        cp.wait_for("the Deployment's pod gone", lambda: not any(
            p["metadata"]["uid"] == old["metadata"]["uid"] for p in cp.get("pods", namespace=NAMESPACE)["items"]),
            BOOT_DEADLINE_S)
        helm_run(helm, cp, home, "upgrade", LEGACY, chart, "--reuse-values")
        cp.wait_for(f"{fullname}-0 Ready and the Deployment's pod gone", lambda: is_ready(
            release_pod(cp, LEGACY), old["metadata"]["uid"]) and not any(
            p["metadata"]["uid"] == old["metadata"]["uid"] for p in cp.get("pods", namespace=NAMESPACE)["items"]),
            BOOT_DEADLINE_S)
    new = release_pod(cp, LEGACY)
    log(f"the pods of {LEGACY} during the upgrade, as the watch saw them: " + " | ".join(watch.story()))
    check(new["metadata"]["name"] == f"{fullname}-0" and cp.get("persistentvolumeclaim", claim, NAMESPACE)[
        "metadata"]["uid"] == pvc_uid and not cp.kubectl_ok("get", "deployment", fullname, "-n", NAMESPACE),
          f"helm upgrade {LEGACY} --reuse-values to the StatefulSet: pod {new['metadata']['name']} Ready on the "
          f"same claim {claim} (same UID), the Deployment gone; {pod_start_line(cp, new)}")
    crowded = watch.crowded()
    _, old_gone = watch.order(old["metadata"]["uid"])
    new_uid = new["metadata"]["uid"]
    started = sorted({c["name"] for _, p in watch.snapshot()[:old_gone] if p["metadata"]["uid"] == new_uid
                      for c in p["status"].get("initContainerStatuses", []) + p["status"].get("containerStatuses", [])
                      if "running" in c.get("state", {}) or "terminated" in c.get("state", {})})
    check(not crowded, f"during the upgrade the Deployment's pod was gone before the StatefulSet's pod was made: "
                       f"never two pods on {claim}" + (
                           f" (at once: {', '.join(crowded[0])}; containers of the new pod started while the old "
                           f"pod was there: {started or 'none, this time'}): helm creates the StatefulSet before it "
                           f"deletes the Deployment, so nothing but timing keeps the new pod from starting while the "
                           f"old one runs out its grace period (a guest agent's power-off, up to 25 s; hibernation)"
                           if crowded else ""))
    helm_run(helm, cp, home, "uninstall", LEGACY, "--wait", "--timeout", "180s")


def launcher_env(pod):
    launcher = next(c for c in pod["spec"]["containers"] if c["name"] == "launcher")
    return {e["name"]: e.get("value") for e in launcher.get("env", [])}


def default_values_here(chart, images):
    """What the two releases of the small node set beyond the chart's defaults: the images, only
    when the test's are not the chart's."""
    with open(os.path.join(chart, "values.yaml")) as f:
        defaults = dict(re.findall(r"^  (launcher|console|data): \"?([^\"\s]+)\"?", f.read(), re.M))
    chosen = [f"images.{key}={image}" for key, image in zip(("launcher", "console", "data"), images, strict=True)
              if defaults.get(key) != image]
    log(f"the small node's releases set {chosen or 'nothing'} beyond the chart's defaults")
    return chosen


def passt_narrowing(cp, pod):
    """The launcher's line when it cut network.passtPorts to the open-file limit the node's
    containers get (containerd, started here, passes on this process's hard limit), or None."""
    text = cp.kubectl("logs", "-n", NAMESPACE, pod["metadata"]["name"], "-c", "launcher")
    return next((line for line in text.splitlines() if line.startswith("launcher: passt forwards only")), None)


def first_release_values(images):
    """The first release's values: the test's images, the data image's snapshot's size (a resume
    needs it), requests that fit the small node, and a disk on the hostPath volume."""
    return [f"images.launcher={images[0]}", f"images.console={images[1]}", f"images.data={images[2]}",
            "cpu.count=2", "memory=2048", "service.type=ClusterIP", "persistence.enabled=true",
            "persistence.size=1Gi", "persistence.storageClass=-", "imagePullPolicy=Never"]


def install_first_release(cp, helm, home, chart, values):
    """helm install --wait of the busybox release: its pod Ready on the node, resumed from the
    data image's snapshot, the StatefulSet's pod on the hostPath volume. Returns the pod."""
    started = time.monotonic()
    helm_run(helm, cp, home, "install", RELEASE, chart, *[a for v in values for a in ("--set", v)], "--wait",
             "--timeout", f"{BOOT_DEADLINE_S}s")
    pod = running_pod(cp)
    ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
    check(ready["status"] == "True", f"helm install --wait returned after {time.monotonic() - started:.0f} s "
                                     f"with the pod Ready (the console's /readyz: the guest is up)")
    describe_pod(cp, pod)
    # The image's snapshot was saved under passt too: the guest resumes, then asks
    # DHCP for the pod's address (the guest server below is reached at it).
    started_as = pod_start_line(cp, pod)
    check(started_as.startswith("launcher: warm start"), f"the first pod resumed the data image's "
                                                         f"snapshot: {started_as}")
    pvc = cp.get("persistentvolumeclaim", f"{FULLNAME}-data", NAMESPACE)
    check(pvc["spec"].get("volumeName") == "vm-disk", "the chart's PVC is bound to the hostPath volume")
    check_statefulset_pod(cp, pod)
    narrowed = passt_narrowing(cp, pod)
    if narrowed:
        ports = re.search(r"forwards only (\d+)-(\d+)", narrowed)
        check(ports and int(ports.group(1)) <= GUEST_PORT <= int(ports.group(2)),
              f"the open-file limit here cut passt's ports, in one line of the launcher: {narrowed[:160]}...")
    return pod


def check_page_and_write(cp, credentials, prompt, screenshot):
    """Through kubectl port-forward: the console page in Chromium runs `uname -m` and reads riscv64,
    then a file is written on the guest's disk (the PVC) through the console."""
    token = f"kept-{secrets.token_hex(6)}"
    forward = PortForward(cp, f"service/{FULLNAME}")
    try:
        subprocess.run(["node", BROWSER_CHECK, f"http://{quote(credentials, safe=':')}@127.0.0.1:{forward.port}/",
                        "uname -m", "riscv64", screenshot, prompt.strip()], check=True)
        log(f"the console page in Chromium, through kubectl port-forward, typed `uname -m` and "
            f"read riscv64 ({screenshot})")
        console = shell(forward.port, prompt, credentials)
        run_in_guest(console, f"echo {token} >/mnt/kept.txt; sync; echo written-$((6*7))", b"written-42")
        log("wrote /mnt/kept.txt on the guest's disk (the PVC) through the console")
        console.close()
    finally:
        forward.close()


def check_helm_test(cp, helm, home):
    tested = helm_run(helm, cp, home, "test", RELEASE, "--logs", "--timeout", "300s")
    check("Phase:          Succeeded" in tested or "Succeeded" in tested,
          "helm test passed: " + " / ".join(x.strip() for x in tested.splitlines() if "console:" in x))


def uninstall_first_release(cp, helm, home):
    helm_run(helm, cp, home, "uninstall", RELEASE, "--wait", "--timeout", "180s")
    # The node to the two releases alone: a pod still terminating holds its requests.
    cp.wait_for(f"{RELEASE}'s pods gone", lambda: running_pod(cp) is None and not any(
        p["metadata"]["labels"].get("app.kubernetes.io/instance") == RELEASE
        for p in cp.get("pods", namespace=NAMESPACE)["items"]), 180)


def busybox_release(cp, helm, home, chart, images, prompt, screenshot):
    """The first release, busybox with persistence: installed, its page and guest server, helm test,
    hibernated across a delete, booted cold after a CPU change, uninstalled."""
    pod = install_first_release(cp, helm, home, chart, first_release_values(images))
    # The chart's console asks for credentials by default: the test reads them as NOTES say.
    credentials = console_credentials(cp)
    check_page_and_write(cp, credentials, prompt, screenshot)
    busybox_shell = lambda port: shell(port, prompt, credentials)  # noqa: E731
    check_guest_server(cp, pod, busybox_shell, "")
    check_helm_test(cp, helm, home)
    second, token = hibernate_across_delete(cp, RELEASE, pod, busybox_shell, "/mnt/kept.txt")
    cold_after_cpu_change(cp, helm, home, chart, second, busybox_shell, token)
    uninstall_first_release(cp, helm, home)


@pytest.mark.skipif(os.geteuid() != 0, reason="a kubelet and containerd need root (this test runs them on the host)")
def test_real_node(helm_binary, chart, node_images, prompt, screenshot, control_plane, node, tmp_path):
    cp, helm, home = control_plane, helm_binary, str(tmp_path)
    volumes = os.path.join(node.dir, "volumes")
    check_small_node(cp)
    make_namespace_and_volume(cp, os.path.join(volumes, "vm-disk"))
    smoke_pod(cp)
    busybox_release(cp, helm, home, chart, node_images, prompt, screenshot)
    small_node_releases(cp, helm, home, chart, default_values_here(chart, [node_images[i] for i in (0, 1, 3)]))
    fleet_release(cp, helm, home, chart, node_images, prompt, volumes,
                  os.path.join(os.path.dirname(screenshot), "cluster-front-booting.png"))
    fleet_across_nodes(cp, helm, home, chart, node, prompt, volumes)
    upgrade_from_deployment(cp, helm, home, chart, first_release_values(node_images), volumes)
    debian_hibernation(cp, helm, home, chart, node_images, volumes)
    log(f"PASS: the chart's pod ran on a real node ({NODE_NAME}: kubelet + containerd + runc + CNI bridge)")
