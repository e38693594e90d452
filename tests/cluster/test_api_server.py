"""The chart on a real API server: install, upgrade, rollback, two releases, uninstall.

    run-pytest.sh test_api_server.py --chart DIR --kubernetes-script get-kubernetes.sh
                  --helm-script get-helm.sh [--previous-chart DIR]

test_api_server is skipped without a Go toolchain to build Kubernetes. It is one scenario:

A control plane of etcd, kube-apiserver (Pod Security admission on),
kube-controller-manager and kube-scheduler runs on loopback (cluster.py). In a
namespace enforcing the restricted Pod Security level (with network.mode=user:
the chart's default passt pod is baseline, since passt's sandbox needs a
seccomp profile that allows user namespaces), the real helm installs
the chart, upgrades it with changed values (the generated console password
kept by `lookup`), rolls it back, runs a second release beside it and
uninstalls both. There is no node here: pods are created by the controllers
and admitted, then wait for one (test_node.py runs them on a real kubelet).
In a second namespace, enforcing baseline, the defaults (passt) are admitted,
and the restricted one refuses them, naming the seccomp profile. With no
--set at all (network.mode=auto) the chart reads the namespace's level at
install: user under restricted (NOTES say so), passt under baseline, and an
explicit passt under restricted fails the install with the --set that works.
The VM is a StatefulSet of one pod with a headless Service: upgrades that
change nothing the pod runs leave the pod (same UID, same revision); a changed
guest password replaces it (checksum/secrets: a new revision, a new pod). A
release of the chart as it was a Deployment (commit 2869c81) upgrades to it
keeping its claim; access modes several nodes can mount are refused. The
NetworkPolicy is rendered as the values say. Every step prints what it checked.
"""
import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from cluster import DEPLOYMENT_CHART, Failure, PodWatch, check, log, previous_chart

NAMESPACE = "vms"
BASELINE_NAMESPACE = "vms-passt"
# The restricted level needs the user networking (module text).
RESTRICTED_NETWORK = "network.mode=user"
RESTRICTED_LABELS = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
}
WAIT_S = 120  # a hang guard for the controllers, not a measurement
# Value sets whose every rendered object (the helm test pod included) the API
# server must accept with strict field validation.
DRY_RUN_CASES = {
    "defaults": [],
    "auth-persistence": ["console.auth.enabled=true", "persistence.enabled=true", "persistence.storageClass=-"],
    "ssh-forwards-nodeport": ["ssh.enabled=true", "service.type=NodePort", "forwardPorts[0].name=http-guest",
                              "forwardPorts[0].port=8000", "forwardPorts[0].guestPort=80"],
    "ingress-tls": ["ingress.enabled=true", "ingress.host=vm.example.org", "ingress.tlsSecret=vm-tls",
                    "service.type=ClusterIP"],
    "guest-credentials": ["guest.password=riscv", "guest.sshAuthorizedKey=ssh-ed25519 AAAA test@host",
                          "console.readOnly=true", "console.maxSessions=4"],
    "existing-secrets": ["console.auth.enabled=true", "console.auth.existingSecret=my-auth",
                         "guest.existingSecret=my-guest", "persistence.enabled=true",
                         "persistence.existingClaim=my-disk"],
    "network-policy": ["networkPolicy.enabled=true", "ssh.enabled=true", "forwardPorts[0].name=web",
                       "forwardPorts[0].port=80", "forwardPorts[0].guestPort=8000"],
    "persistence-readwriteoncepod": ["persistence.enabled=true", "persistence.accessModes={ReadWriteOncePod}"],
    "network-policy-closed": ["networkPolicy.enabled=true", "networkPolicy.allowExternal=false",
                              "networkPolicy.ingressNSMatchLabels.team=lab",
                              "networkPolicy.ingressPodMatchLabels.role=console-user", "ssh.enabled=true"],
}


class Helm:
    def __init__(self, binary, cp, home):
        self.binary = binary
        self.cp = cp
        self.env = dict(cp.env(), HELM_CONFIG_HOME=f"{home}/config", HELM_CACHE_HOME=f"{home}/cache",
                        HELM_DATA_HOME=f"{home}/data")

    def run(self, *args, check_status=True, namespace=NAMESPACE):
        result = subprocess.run([self.binary, *args, "--namespace", namespace], capture_output=True, text=True,
                                env=self.env)
        if check_status and result.returncode != 0:
            raise Failure(f"helm {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def status(self, release, namespace=NAMESPACE):
        return json.loads(self.run("status", release, "-o", "json", namespace=namespace).stdout)


def sets(values, network=RESTRICTED_NETWORK):
    args = ["--set", network] if network else []
    for value in values:
        args += ["--set", value]
    return args


def secret_password(cp, name):
    secret = cp.get("secret", name, NAMESPACE)
    return base64.b64decode(secret["data"]["password"]).decode()


def wait_until(what, probe):
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        value = probe()
        if value:
            return value
        time.sleep(1)
    raise Failure(f"gave up waiting for {what}")


def release_pods(cp, release, namespace=NAMESPACE):
    pods = cp.get("pods", namespace=namespace)["items"]
    return [p for p in pods if p["metadata"].get("labels", {}).get("app.kubernetes.io/instance") == release]


def live_pods(cp, release, namespace=NAMESPACE):
    """The release's VM pods that are not being deleted."""
    return [p for p in release_pods(cp, release, namespace) if not p["metadata"].get("deletionTimestamp")
            and p["metadata"]["labels"].get("app.kubernetes.io/component") == "vm"]


def refused_creates(cp, fullname, namespace):
    """What the StatefulSet controller was told when it could not create the release's pods."""
    events = json.loads(cp.kubectl("get", "events", "-n", namespace, "--field-selector", "reason=FailedCreate",
                                   "-o", "json"))["items"]
    return [e["message"] for e in events if e["involvedObject"]["name"].startswith(fullname)]


def admitted_pod(cp, release, namespace=NAMESPACE, not_uid=None):
    """The release's pod once the controllers made one (Pod Security admitted it); a refusal fails at once."""
    fullname = f"{release}-qemu-riscv64"

    def probe():
        pods = [p for p in live_pods(cp, release, namespace) if p["metadata"]["uid"] != not_uid]
        if pods:
            return pods[0]
        refused = refused_creates(cp, fullname, namespace)
        if refused:
            raise Failure(f"the pod of {release} in {namespace} was refused: {refused[-1]}")
        return None
    return wait_until(f"a pod of {release} in {namespace}", probe)


def notes_of(helm, release, namespace=NAMESPACE):
    return helm.status(release, namespace)["info"].get("notes", "")


def launcher_env(pod_spec):
    launcher = next(c for c in pod_spec["containers"] if c["name"] == "launcher")
    return {e["name"]: e.get("value") for e in launcher.get("env", [])}


def pod_with_memory(cp, release, memory):
    """The release's pod, once the controllers made one whose launcher has VM_MEMORY=memory."""
    def probe():
        pods = [p for p in release_pods(cp, release) if launcher_env(p["spec"]).get("VM_MEMORY") == str(memory)
                and not p["metadata"].get("deletionTimestamp")]
        return pods[0] if pods else None
    return wait_until(f"a pod of {release} with VM_MEMORY={memory}", probe)


def step_namespace(cp):
    cp.kubectl("create", "namespace", NAMESPACE)
    cp.kubectl("label", "namespace", NAMESPACE, *[f"{k}={v}" for k, v in RESTRICTED_LABELS.items()])
    labels = cp.get("namespace", NAMESPACE)["metadata"]["labels"]
    check(labels.get("pod-security.kubernetes.io/enforce") == "restricted",
          f"namespace {NAMESPACE} is labelled pod-security.kubernetes.io/enforce=restricted")
    # Pod Security admission is really enforcing: a pod running as root with no security context is refused.
    bare = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"},
            "spec": {"containers": [{"name": "c", "image": "localhost/none:1"}]}}
    refused = cp.kubectl_run("create", "--dry-run=server", "-n", NAMESPACE, "-f", "-", stdin=json.dumps(bare))
    check(refused.returncode != 0 and 'violates PodSecurity "restricted:latest"' in refused.stderr,
          f"the API server refuses a pod without a security context: {refused.stderr.strip()[:160]}...")


def step_passt_baseline(cp, helm, chart):
    """The defaults (passt): admitted by baseline, refused by restricted for the seccomp profile."""
    cp.kubectl("create", "namespace", BASELINE_NAMESPACE)
    cp.kubectl("label", "namespace", BASELINE_NAMESPACE, "pod-security.kubernetes.io/enforce=baseline",
               "pod-security.kubernetes.io/enforce-version=latest")
    rendered = helm.run("template", "passt", chart, *sets([], network=None)).stdout
    admitted = cp.kubectl_run("apply", "--dry-run=server", "--validate=strict", "-n", BASELINE_NAMESPACE,
                              "-o", "json", "-f", "-", stdin=rendered)
    if admitted.returncode != 0:
        raise Failure(f"the baseline level refused the defaults (passt):\n{admitted.stderr}")
    objects = json.loads(admitted.stdout)
    statefulset = next(o for o in objects.get("items", [objects]) if o["kind"] == "StatefulSet")
    network = launcher_env(statefulset["spec"]["template"]["spec"]).get("VM_NETWORK")
    check(network == "passt", f"helm template (no cluster to look the namespace up in) renders the defaults with "
                              f"VM_NETWORK={network}")
    log(f"the defaults (passt) are admitted in namespace {BASELINE_NAMESPACE} (enforce=baseline)")
    # For a StatefulSet the restricted level warns; its pods are the ones refused.
    warned = cp.kubectl_run("apply", "--dry-run=server", "-n", NAMESPACE, "-f", "-", stdin=rendered)
    check('would violate PodSecurity "restricted:latest": seccompProfile' in warned.stderr
          and '"launcher"' in warned.stderr,
          f"the restricted level objects to the defaults for the launcher's seccomp profile alone: "
          f"{warned.stderr.strip()[:220]}...")


AUTO_RELEASE = "auto"  # the defaults, not one --set


def step_network_auto(cp, helm, chart):
    """network.mode=auto: user where the namespace enforces restricted (NOTES say so), passt elsewhere;
    an explicit passt in a restricted namespace fails the install with the --set that works."""
    fullname = f"{AUTO_RELEASE}-qemu-riscv64"
    installed = helm.run("install", AUTO_RELEASE, chart)
    env = launcher_env(cp.get("statefulset", fullname, NAMESPACE)["spec"]["template"]["spec"])
    check(env.get("VM_NETWORK") == "user" and "PodSecurity" not in installed.stderr,
          f"helm install {AUTO_RELEASE} with the defaults in namespace {NAMESPACE} (enforce=restricted): deployed, "
          f"no Pod Security warning, the launcher gets VM_NETWORK={env.get('VM_NETWORK')} (auto chose user)")
    pod = admitted_pod(cp, AUTO_RELEASE)
    log(f"the controllers created pod {pod['metadata']['name']} and the restricted level admitted it")
    notes = notes_of(helm, AUTO_RELEASE)
    said = [line.strip() for line in notes.splitlines() if "restricted" in line]
    check(said and "user" in notes, f"NOTES say why the network is user: {' / '.join(said)}")

    refused = helm.run("install", "passt-asked", chart, "--set", "network.mode=passt", check_status=False)
    message = " ".join(refused.stderr.split())
    check(refused.returncode != 0 and "--set network.mode=user" in refused.stderr,
          f"helm install --set network.mode=passt in namespace {NAMESPACE} fails, naming the --set that works: "
          f"{message[:300]}")
    listed = [r["name"] for r in json.loads(helm.run("list", "-o", "json").stdout)]
    gone = cp.kubectl_run("get", "statefulset", "passt-asked-qemu-riscv64", "-n", NAMESPACE)
    check("passt-asked" not in listed and gone.returncode != 0 and "NotFound" in gone.stderr,
          "the refused install left no release and no StatefulSet behind")

    helm.run("install", AUTO_RELEASE, chart, namespace=BASELINE_NAMESPACE)
    env = launcher_env(cp.get("statefulset", fullname, BASELINE_NAMESPACE)["spec"]["template"]["spec"])
    check(env.get("VM_NETWORK") == "passt",
          f"helm install {AUTO_RELEASE} with the defaults in namespace {BASELINE_NAMESPACE} (enforce=baseline): "
          f"VM_NETWORK={env.get('VM_NETWORK')}")
    pod = admitted_pod(cp, AUTO_RELEASE, BASELINE_NAMESPACE)
    log(f"the controllers created pod {pod['metadata']['name']} and the baseline level admitted it")
    notes = notes_of(helm, AUTO_RELEASE, BASELINE_NAMESPACE)
    check(not any(line in notes for line in said), "NOTES there do not say the network is user")
    helm.run("uninstall", AUTO_RELEASE, "--wait", "--timeout", f"{WAIT_S}s", namespace=BASELINE_NAMESPACE)


def selector_matches(selector, labels):
    """An equality-based label selector (k=v,k2=v2), as kubectl -l takes it."""
    return all(labels.get(key) == value for key, value in (term.split("=", 1) for term in selector.split(",")))


def step_notes_wait(cp, helm, release):
    """The NOTES' kubectl wait selects the VM pod and not the helm test pod."""
    line = next((x for x in notes_of(helm, release).splitlines() if "kubectl wait" in x), None)
    check(line is not None, f"NOTES print a kubectl wait: {line and line.strip()}")
    words = shlex.split(line)
    selector = next((words[i + 1] for i, w in enumerate(words) if w in ("-l", "--selector")),
                    next((w.split("=", 1)[1] for w in words if w.startswith(("-l=", "--selector="))), None))
    check(selector is not None, f"the NOTES' kubectl wait selects pods by label: {selector}")
    # The helm test pod as the API server stores it: created from the release's hooks, for real.
    hooks = helm.run("get", "hooks", release).stdout
    created = json.loads(cp.kubectl("create", "-n", NAMESPACE, "-o", "json", "-f", "-", stdin=hooks))
    test_pods = [o for o in created.get("items", [created]) if o["kind"] == "Pod"]
    try:
        pods = cp.get("pods", namespace=NAMESPACE)["items"]
        selected = [p["metadata"]["name"] for p in pods if selector_matches(selector, p["metadata"].get("labels", {}))]
        vm_pods = [p["metadata"]["name"] for p in live_pods(cp, release)]
        check(test_pods and selected == vm_pods,
              f"with the helm test pod {test_pods[0]['metadata']['name'] if test_pods else '(none)'} present, "
              f"kubectl get pods -l {selector} lists only the VM pod: {selected}")
        step_headless(cp, release, pods, vm_pods, notes_of(helm, release))
    finally:
        for pod in test_pods:
            cp.kubectl("delete", "pod", "-n", NAMESPACE, pod["metadata"]["name"], "--wait=false")


def step_headless(cp, release, pods, vm_pods, notes):
    """The StatefulSet's headless Service selects each VM pod (not the helm test pod), ready or not;
    the pod NOTES' kubectl logs names is the StatefulSet's pod."""
    fullname = f"{release}-qemu-riscv64"
    headless = cp.get("service", f"{fullname}-headless", NAMESPACE)
    spec = headless["spec"]
    statefulset = cp.get("statefulset", fullname, NAMESPACE)
    check(statefulset["spec"].get("serviceName") == f"{fullname}-headless" and spec.get("clusterIP") == "None",
          f"statefulset/{fullname} is governed by service/{fullname}-headless (clusterIP None): "
          f"podManagementPolicy {statefulset['spec'].get('podManagementPolicy')}, "
          f"updateStrategy {statefulset['spec'].get('updateStrategy', {}).get('type')}, "
          f"replicas {statefulset['spec'].get('replicas')}")
    chosen = [p["metadata"]["name"] for p in pods if not p["metadata"].get("deletionTimestamp")
              and all(p["metadata"].get("labels", {}).get(k) == v for k, v in spec["selector"].items())]
    check(chosen == vm_pods and vm_pods == [f"{fullname}-0"],
          f"its selector {spec['selector']} picks each VM pod, {chosen}, and not the helm test pod")
    check(spec.get("publishNotReadyAddresses") is True,
          "publishNotReadyAddresses: true (each VM pod's DNS name resolves while its guest boots)")
    line = next((x for x in notes.splitlines() if "kubectl logs" in x), "")
    target = next((w for w in shlex.split(line) if w.startswith("pod/")), None)
    check(target == f"pod/{vm_pods[0]}", f"NOTES' kubectl logs names the VM pod: {line.strip()}")


def owned_revisions(cp, fullname, namespace=NAMESPACE):
    """The ControllerRevisions of statefulset/fullname: one per pod template it has run."""
    items = cp.get("controllerrevisions", namespace=namespace)["items"]
    return sorted(r["metadata"]["name"] for r in items
                  if any(o["kind"] == "StatefulSet" and o["name"] == fullname
                         for o in r["metadata"].get("ownerReferences", [])))


def owned_replicasets(cp, fullname, namespace=NAMESPACE):
    """The ReplicaSets of deployment/fullname (the chart before the StatefulSet)."""
    items = cp.get("replicasets", namespace=namespace)["items"]
    return sorted(r["metadata"]["name"] for r in items
                  if any(o["kind"] == "Deployment" and o["name"] == fullname
                         for o in r["metadata"].get("ownerReferences", [])))


def settled_statefulset(cp, fullname, namespace=NAMESPACE):
    """The StatefulSet once its controller has seen its latest spec (observedGeneration) and named
    that spec's revision (status.updateRevision)."""
    def probe():
        statefulset = cp.get("statefulset", fullname, namespace)
        status = statefulset.get("status", {})
        seen = status.get("observedGeneration") == statefulset["metadata"]["generation"]
        return statefulset if seen and status.get("updateRevision") else None
    return wait_until(f"the statefulset controller to see statefulset/{fullname}", probe)


def pod_revision(pod):
    """The StatefulSet revision a pod was made from (its controller-revision-hash label)."""
    return pod["metadata"].get("labels", {}).get("controller-revision-hash")


def replacement_pod(cp, release, fullname, old_pod, revision):
    """The release's next pod: a new UID, made from the StatefulSet's revision `revision`. When the
    old pod is still there instead, the failure says why the controller left it."""
    old_uid = old_pod["metadata"]["uid"]

    def probe():
        pods = [p for p in live_pods(cp, release) if p["metadata"]["uid"] != old_uid and pod_revision(p) == revision]
        if pods:
            return pods[0]
        refused = refused_creates(cp, fullname, NAMESPACE)
        if refused:
            raise Failure(f"the next pod of {release} was refused: {refused[-1]}")
        return None
    try:
        return wait_until(f"a new pod of {release} of revision {revision}", probe)
    except Failure:
        stuck = [p for p in live_pods(cp, release) if p["metadata"]["uid"] == old_uid]
        if not stuck:
            raise
        policy = cp.get("statefulset", fullname, NAMESPACE)["spec"].get("podManagementPolicy")
        raise Failure(
            f"statefulset/{fullname} left pod {old_pod['metadata']['name']} (revision {pod_revision(stuck[0])}, "
            f"{stuck[0]['status'].get('phase')}, never Ready: no node here) in place of one of its new revision "
            f"{revision} for {WAIT_S} s: with podManagementPolicy {policy} the controller rolls nothing until "
            f"every pod is Running and Ready, so helm upgrade does not replace a VM pod that never got Ready (one "
            f"that fits no node, whose image cannot be pulled, whose guest never boots): the upgrade a user "
            f"runs to fix it does nothing until they delete the pod by hand (kubernetes/kubernetes#67250). "
            f"podManagementPolicy: Parallel has the controller replace it, still one pod of one name at a "
            f"time") from None


def bumped_chart(chart, directory):
    """A copy of the chart in `directory` (made here) whose version (not appVersion) is one patch release up."""
    copy = os.path.join(directory, os.path.basename(os.path.normpath(chart)))
    shutil.copytree(chart, copy)
    path = os.path.join(copy, "Chart.yaml")
    with open(path) as f:
        text = f.read()
    old = re.search(r"^version:\s*\"?([0-9]+)\.([0-9]+)\.([0-9]+)", text, re.M)
    new = f"{old.group(1)}.{old.group(2)}.{int(old.group(3)) + 1}"
    with open(path, "w") as f:
        f.write(text[:old.start()] + f"version: {new}" + text[old.end():].lstrip('"'))
    return copy, f"{old.group(1)}.{old.group(2)}.{old.group(3)}", new


def step_upgrade_keeps_pod(cp, helm, chart, release, scratch):
    """An upgrade that changes nothing the pod runs leaves the pod (same UID, same StatefulSet revision);
    a changed Secret's value replaces it (a new revision, a new pod). The chart's copy goes in `scratch`."""
    fullname = f"{release}-qemu-riscv64"
    password = secret_password(cp, f"{fullname}-console-auth")
    statefulset = settled_statefulset(cp, fullname)
    generation, revisions = statefulset["metadata"]["generation"], owned_revisions(cp, fullname)
    revision = statefulset["status"]["updateRevision"]
    pod = admitted_pod(cp, release)
    check(pod_revision(pod) == revision and statefulset["status"].get("currentRevision") == revision,
          f"statefulset/{fullname} runs pod {pod['metadata']['name']} of its revision {revision} "
          f"(status.currentRevision = updateRevision = the pod's controller-revision-hash)")

    def unchanged(what, chart_dir, *args):
        helm.run("upgrade", release, chart_dir, "--reuse-values", *args)
        release_revision = helm.status(release)["version"]
        after = settled_statefulset(cp, fullname)
        pods = live_pods(cp, release)
        check(after["metadata"]["generation"] == generation and owned_revisions(cp, fullname) == revisions
              and after["status"]["updateRevision"] == revision and after["status"].get("currentRevision") == revision
              and [p["metadata"]["uid"] for p in pods] == [pod["metadata"]["uid"]]
              and pod_revision(pods[0]) == revision,
              f"{what}: revision {release_revision}, the pod template unchanged (generation {generation}, "
              f"updateRevision and currentRevision still {revision}, no new ControllerRevision), "
              f"pod {pod['metadata']['name']} kept (same UID)")

    unchanged("helm upgrade --reuse-values, no value changed", chart)
    unchanged("helm upgrade --set service.annotations.example\\.org/owner=lab", chart,
              "--set", "service.annotations.example\\.org/owner=lab")
    annotations = cp.get("service", fullname, NAMESPACE)["metadata"].get("annotations", {})
    check(annotations.get("example.org/owner") == "lab", "the Service carries the new annotation")
    copy, old, new = bumped_chart(chart, os.path.join(scratch, "bumped-chart"))
    unchanged(f"helm upgrade to the same chart as version {new} (was {old})", copy)
    listed = {r["name"]: r["chart"] for r in json.loads(helm.run("list", "-o", "json").stdout)}
    check(listed.get(release, "").endswith(f"-{new}"), f"helm list: the release now runs {listed.get(release)}")

    def replaced(what, value, before):
        helm.run("upgrade", release, chart, "--reuse-values", "--set", value)
        after = settled_statefulset(cp, fullname)
        update = after["status"]["updateRevision"]
        new_pod = replacement_pod(cp, release, fullname, before, update)
        new_revisions = sorted(set(owned_revisions(cp, fullname)) - set(known_revisions))
        check(after["metadata"]["generation"] > generations[-1] and update not in known_revisions
              and new_revisions == [update] and new_pod["metadata"]["name"] == before["metadata"]["name"],
              f"{what}: the pod template changed (generation {after['metadata']['generation']}), a new "
              f"revision {update}, a new pod {new_pod['metadata']['name']} of it (new UID "
              f"{new_pod['metadata']['uid'][:8]}, was {before['metadata']['uid'][:8]}), made once the old one was gone")
        generations.append(after["metadata"]["generation"])
        known_revisions.extend(new_revisions)
        return after, new_pod

    generations, known_revisions = [generation], list(revisions)
    first, pod = replaced("helm upgrade --set guest.password=first-secret (a guest Secret now)",
                          "guest.password=first-secret", pod)
    second, pod = replaced("helm upgrade --set guest.password=second-secret (only the Secret's content)",
                           "guest.password=second-secret", pod)
    template_a, template_b = first["spec"]["template"], second["spec"]["template"]
    checksum_a = template_a["metadata"].get("annotations", {}).get("checksum/secrets")
    checksum_b = template_b["metadata"].get("annotations", {}).get("checksum/secrets")
    rest_a = dict(template_a["metadata"].get("annotations", {}), **{"checksum/secrets": None})
    rest_b = dict(template_b["metadata"].get("annotations", {}), **{"checksum/secrets": None})
    check(checksum_a and checksum_b and checksum_a != checksum_b and rest_a == rest_b
          and template_a["spec"] == template_b["spec"] and template_a["metadata"]["labels"] ==
          template_b["metadata"]["labels"],
          f"the two templates differ only in the checksum/secrets annotation ({checksum_a[:12]}... -> "
          f"{checksum_b[:12]}...): the checksum is what restarts the VM on a changed password")
    secret = cp.get("secret", f"{fullname}-guest", NAMESPACE)
    check(base64.b64decode(secret["data"]["password"]).decode() == "second-secret",
          f"secret/{fullname}-guest holds the new password")
    check(secret_password(cp, f"{fullname}-console-auth") == password,
          "the generated console password is the same after all these upgrades")
    helm.run("uninstall", release, "--wait", "--timeout", f"{WAIT_S}s")


NETWORK_POLICY_VALUES = ["networkPolicy.enabled=true", "ssh.enabled=true", "forwardPorts[0].name=web",
                         "forwardPorts[0].port=80", "forwardPorts[0].guestPort=8000"]
NETWORK_POLICY_PORTS = [2222, 8000, 8080]  # console, ssh, the forward: the launcher's and console's pod ports
NETWORK_POLICY_CLOSED = ["networkPolicy.allowExternal=false", "networkPolicy.ingressNSMatchLabels.team=lab",
                         "networkPolicy.ingressPodMatchLabels.role=console-user"]


def policy_rules(policy, pod_spec):
    """The policy's ingress rules as (sorted pod port numbers, peers or None for anywhere)."""
    named = {p["name"]: p["containerPort"] for c in pod_spec["containers"] for p in c.get("ports", [])}
    return [(sorted(named.get(p.get("port"), p.get("port")) for p in rule.get("ports", [])), rule.get("from"))
            for rule in policy["spec"].get("ingress", [])]


def empty_selector(selector):
    return selector is not None and not selector.get("matchLabels") and not selector.get("matchExpressions")


def step_network_policy(cp, helm, chart):
    """networkPolicy.enabled: the console and forwarded ports, from anywhere or from the selected peers only."""
    release, fullname = "policy", "policy-qemu-riscv64"
    helm.run("install", release, chart, *sets(NETWORK_POLICY_VALUES, network=None))
    policy = cp.get("networkpolicy", fullname, NAMESPACE)
    template = cp.get("statefulset", fullname, NAMESPACE)["spec"]["template"]
    selector = policy["spec"]["podSelector"].get("matchLabels", {})
    check(selector.get("app.kubernetes.io/instance") == release and selector_matches(
        ",".join(f"{k}={v}" for k, v in selector.items()), template["metadata"]["labels"]),
        f"helm install {release} --set networkPolicy.enabled=true: networkpolicy/{fullname} created, selecting "
        f"the release's VM pod ({selector})")
    check(policy["spec"].get("policyTypes") == ["Ingress"], "it is an Ingress policy (egress left alone)")
    rules = policy_rules(policy, template["spec"])
    ports = sorted(port for rule_ports, _ in rules for port in rule_ports)
    check(rules and all(rule_ports for rule_ports, _ in rules) and ports == NETWORK_POLICY_PORTS,
          f"every rule names its ports, and together they are the console's and the forwarded ones: pod ports {ports}")
    check(all(not peers for _, peers in rules),
          "networkPolicy.allowExternal=true (default): those ports are open from anywhere (no `from`)")

    helm.run("upgrade", release, chart, "--reuse-values", *sets(NETWORK_POLICY_CLOSED, network=None))
    policy = cp.get("networkpolicy", fullname, NAMESPACE)
    rules = policy_rules(policy, template["spec"])
    ports = sorted(port for rule_ports, _ in rules for port in rule_ports)
    peers = [peer for _, rule_peers in rules for peer in (rule_peers or [])]
    check(ports == NETWORK_POLICY_PORTS and all(rule_peers for _, rule_peers in rules),
          f"helm upgrade --set {','.join(NETWORK_POLICY_CLOSED)}: the same ports {ports}, every rule with a `from`")
    check(peers and not any("ipBlock" in peer or not peer or empty_selector(peer.get("namespaceSelector"))
                            or empty_selector(peer.get("podSelector")) for peer in peers),
          "no peer is anywhere: no ipBlock, no empty peer or selector")
    check(any(peer.get("namespaceSelector", {}).get("matchLabels") == {"team": "lab"} for peer in peers),
          "a peer selects namespaces labelled team=lab (ingressNSMatchLabels)")
    check(any(peer.get("podSelector", {}).get("matchLabels", {}).get("role") == "console-user" for peer in peers),
          "a peer selects pods labelled role=console-user (ingressPodMatchLabels)")
    log(f"networkpolicy/{fullname} peers: {json.dumps(peers)}")
    helm.run("uninstall", release, "--wait", "--timeout", f"{WAIT_S}s")
    gone = cp.kubectl_run("get", "networkpolicy", fullname, "-n", NAMESPACE)
    check(gone.returncode != 0 and "NotFound" in gone.stderr, f"helm uninstall {release}: the NetworkPolicy is gone")


def step_dry_run(cp, helm, chart):
    for case, values in DRY_RUN_CASES.items():
        rendered = helm.run("template", f"dry-{case}", chart, *sets(values)).stdout
        result = cp.kubectl_run("apply", "--dry-run=server", "--validate=strict", "-n", NAMESPACE, "-f", "-",
                                stdin=rendered)
        if result.returncode != 0:
            raise Failure(f"the API server refused the objects of case {case}:\n{result.stderr}")
        kinds = sorted(line.split("/")[0] for line in result.stdout.split("\n") if line.strip())
        warnings = [w for w in result.stderr.splitlines() if "Warning" in w]
        check(not warnings, f"case {case}: the API server accepts every object (server dry-run, strict fields, "
                            f"Pod Security restricted): {', '.join(kinds)}")


REFUSED_ACCESS_MODES = ["ReadWriteMany", "ReadOnlyMany"]


def step_access_modes(cp, helm, chart):
    """A disk several nodes can mount is refused at install, with the chart's reason."""
    for mode in REFUSED_ACCESS_MODES:
        release = f"disk-{mode.lower()}"
        refused = helm.run("install", release, chart, *sets(["persistence.enabled=true",
                                                              f"persistence.accessModes={{{mode}}}"]),
                           check_status=False)
        message = " ".join(refused.stderr.split())
        check(refused.returncode != 0 and f"persistence.accessModes: {mode}: the guest disk takes ReadWriteOnce or "
              "ReadWriteOncePod only" in message,
              f"helm install --set persistence.accessModes={{{mode}}} fails with the chart's reason: "
              f"{message[message.find('persistence.accessModes'):][:240]}")
        listed = [r["name"] for r in json.loads(helm.run("list", "-o", "json").stdout)]
        names = [f"statefulset/{release}-qemu-riscv64", f"persistentvolumeclaim/{release}-qemu-riscv64-data"]
        left = [name for name in names if cp.kubectl_ok("get", name, "-n", NAMESPACE)]
        check(release not in listed and not left, f"the refused install of {release} left no release, StatefulSet "
                                                  f"or claim behind")


def claim_of(pod_spec):
    return [v["persistentVolumeClaim"]["claimName"] for v in pod_spec.get("volumes", [])
            if "persistentVolumeClaim" in v]


def step_upgrade_from_deployment(cp, helm, chart, previous, commit):
    """helm upgrade --reuse-values from the chart's Deployment (persistence on) to its StatefulSet:
    the same claim (name and UID) is the StatefulSet pod's disk, and the Deployment is gone."""
    release = "legacy"
    fullname, claim = f"{release}-qemu-riscv64", f"{release}-qemu-riscv64-data"
    helm.run("install", release, previous, *sets(["console.auth.enabled=true", "persistence.enabled=true"]))
    deployment = cp.get("deployment", fullname, NAMESPACE)
    pvc = cp.get("persistentvolumeclaim", claim, NAMESPACE)
    old_pod = admitted_pod(cp, release)
    replicasets = wait_until(f"deployment/{fullname}'s ReplicaSet", lambda: owned_replicasets(cp, fullname))
    password = secret_password(cp, f"{fullname}-console-auth")
    check(claim_of(deployment["spec"]["template"]["spec"]) == [claim] and claim_of(old_pod["spec"]) == [claim],
          f"helm install {release} with the chart at {commit} (before the StatefulSet), persistence.enabled=true: "
          f"deployment/{fullname}, its ReplicaSet {', '.join(replicasets)} and pod {old_pod['metadata']['name']}, "
          f"which claims persistentvolumeclaim/{claim} (UID {pvc['metadata']['uid'][:8]})")

    selector = f"app.kubernetes.io/instance={release},app.kubernetes.io/component=vm"
    with PodWatch(cp, NAMESPACE, selector) as watch:
        # The first upgrade: the StatefulSet waits with no replica while the Deployment exists.
        upgraded = helm.run("upgrade", release, chart, "--reuse-values")
        waiting = settled_statefulset(cp, fullname)
        check(waiting["spec"]["replicas"] == 0
              and f"helm upgrade -n {NAMESPACE} {release} ./chart/qemu-riscv64 --reuse-values" in upgraded.stdout,
              f"helm upgrade {release} --reuse-values to the chart at main: statefulset/{fullname} with no replica "
              f"while deployment/{fullname} existed, and NOTES say to upgrade once more")
        wait_until(f"the garbage collector to remove deployment/{fullname}'s ReplicaSet and pod",
                   lambda: not owned_replicasets(cp, fullname) and not any(
                       p["metadata"]["uid"] == old_pod["metadata"]["uid"] for p in release_pods(cp, release)))
        # The second, as NOTES say: the Deployment is gone, the VM starts.
        helm.run("upgrade", release, chart, "--reuse-values")
        statefulset = settled_statefulset(cp, fullname)
        new_pod = wait_until(f"statefulset/{fullname}'s pod", lambda: next(
            (p for p in live_pods(cp, release) if p["metadata"]["name"] == f"{fullname}-0"), None))
    status = helm.status(release)
    check(status["version"] == 3 and status["info"]["status"] == "deployed" and statefulset["spec"]["replicas"] == 1,
          f"the second helm upgrade {release} --reuse-values: revision 3 deployed, one replica")
    check(claim_of(statefulset["spec"]["template"]["spec"]) == [claim]
          and not statefulset["spec"].get("volumeClaimTemplates"),
          f"statefulset/{fullname}'s pod template claims {claim}, the Deployment's claim (no volumeClaimTemplates)")
    after = cp.get("persistentvolumeclaim", claim, NAMESPACE)
    check(after["metadata"]["uid"] == pvc["metadata"]["uid"] and not after["metadata"].get("deletionTimestamp"),
          f"persistentvolumeclaim/{claim} is the same object (UID {after['metadata']['uid'][:8]}), not being deleted")
    owners = [o["kind"] for o in new_pod["metadata"].get("ownerReferences", [])]
    check(claim_of(new_pod["spec"]) == [claim] and owners == ["StatefulSet"]
          and pod_revision(new_pod) == statefulset["status"]["updateRevision"],
          f"the StatefulSet controller created pod {new_pod['metadata']['name']}, which claims {claim}")
    gone = cp.kubectl_run("get", "deployment", fullname, "-n", NAMESPACE)
    check(gone.returncode != 0 and "NotFound" in gone.stderr,
          f"deployment/{fullname} is gone, and with it ReplicaSet {', '.join(replicasets)} and pod "
          f"{old_pod['metadata']['name']} (garbage-collected)")
    check(secret_password(cp, f"{fullname}-console-auth") == password, "the generated console password stays")
    crowded = watch.crowded()
    log(f"the pods of {release} during the upgrades, as the watch saw them: {' | '.join(watch.story())}")
    check(not crowded, f"never two pods of {release} on {claim} at once"
          + (f" (seen: {' and '.join(crowded[0])})" if crowded else ""))
    helm.run("uninstall", release, "--wait", "--timeout", f"{WAIT_S}s")
    cp.kubectl("delete", "persistentvolumeclaim", claim, "-n", NAMESPACE, "--ignore-not-found", "--wait=false")


def step_install(cp, helm, chart, release, values, keep_option):
    installed = helm.run("install", release, chart, *sets(values))
    check("PodSecurity" not in installed.stderr,
          f"helm install {release} {' '.join(values)}: deployed, no Pod Security warning")
    status = helm.status(release)
    check(status["info"]["status"] == "deployed" and status["version"] == 1,
          f"helm status {release}: deployed, revision 1")
    fullname = f"{release}-qemu-riscv64"
    for kind, name in [("statefulset", fullname), ("service", fullname), ("service", f"{fullname}-headless"),
                       ("secret", f"{fullname}-console-auth"), ("persistentvolumeclaim", f"{fullname}-data")]:
        obj = cp.get(kind, name, NAMESPACE)
        check(obj["metadata"]["labels"].get("app.kubernetes.io/instance") == release,
              f"{kind}/{name} created by the API server, labelled with its release")
    if keep_option:
        pvc = cp.get("persistentvolumeclaim", f"{fullname}-data", NAMESPACE)
        check(pvc["metadata"].get("annotations", {}).get("helm.sh/resource-policy") == "keep",
              f"persistentvolumeclaim/{fullname}-data carries helm.sh/resource-policy=keep ({keep_option}=true)")
    # The StatefulSet controller created the pod and Pod Security admission let it in.
    pod = pod_with_memory(cp, release, 2048)
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"] if "persistentVolumeClaim" in v]
    check(pod["metadata"]["name"] == f"{fullname}-0" and claims == [f"{fullname}-data"],
          f"the StatefulSet controller created pod {pod['metadata']['name']} (the name NOTES' kubectl logs gives), "
          f"claiming {claims}, and the restricted level admitted it")
    scheduled = wait_until("the scheduler's verdict", lambda: next(
        (c for c in cp.get("pod", pod["metadata"]["name"], NAMESPACE)["status"].get("conditions", [])
         if c["type"] == "PodScheduled"), None))
    check(scheduled["status"] == "False" and scheduled.get("reason") == "Unschedulable",
          f"the scheduler looked at it: {scheduled.get('message')} (no node at this level)")
    return fullname


def step_upgrade(cp, helm, chart, release, fullname):
    secret = f"{fullname}-console-auth"
    password = secret_password(cp, secret)
    check(len(password) == 24, f"install generated a 24-character console password in secret/{secret}")
    before = live_pods(cp, release)[0]
    helm.run("upgrade", release, chart, "--reuse-values", *sets(["memory=1024", "console.title=upgraded"]))
    status = helm.status(release)
    check(status["version"] == 2 and status["info"]["status"] == "deployed",
          "helm upgrade --set memory=1024 --set console.title=upgraded: revision 2 deployed")
    statefulset = settled_statefulset(cp, fullname)
    env = launcher_env(statefulset["spec"]["template"]["spec"])
    check(env.get("VM_MEMORY") == "1024", "the StatefulSet now gives the launcher VM_MEMORY=1024")
    pod = replacement_pod(cp, release, fullname, before, statefulset["status"]["updateRevision"])
    check(launcher_env(pod["spec"]).get("VM_MEMORY") == "1024",
          f"the StatefulSet controller replaced the pod: {pod['metadata']['name']} (new UID) has VM_MEMORY=1024")
    check(secret_password(cp, secret) == password,
          "the console password is the same after the upgrade (lookup found the Secret)")
    return password


def step_rollback(cp, helm, release, fullname, password):
    before = live_pods(cp, release)[0]
    helm.run("rollback", release, "1")
    status = helm.status(release)
    check(status["version"] == 3 and status["info"]["status"] == "deployed",
          f"helm rollback {release} 1: revision 3 deployed")
    statefulset = settled_statefulset(cp, fullname)
    env = launcher_env(statefulset["spec"]["template"]["spec"])
    check(env.get("VM_MEMORY") == "2048", "the StatefulSet is back to VM_MEMORY=2048")
    pod = replacement_pod(cp, release, fullname, before, statefulset["status"]["updateRevision"])
    check(launcher_env(pod["spec"]).get("VM_MEMORY") == "2048",
          f"the StatefulSet controller made pod {pod['metadata']['name']} of the rolled-back template "
          f"(revision {pod_revision(pod)})")
    check(secret_password(cp, f"{fullname}-console-auth") == password,
          "the console password is still the same after the rollback")
    history = json.loads(helm.run("history", release, "-o", "json").stdout)
    check([h["revision"] for h in history] == [1, 2, 3], "helm history lists revisions 1, 2, 3")


def step_side_by_side(cp, helm, chart, first, second, keep_option):
    values = ["console.auth.enabled=true", "persistence.enabled=true", "service.port=8081", "ssh.enabled=true",
              "ssh.port=2022"]
    if keep_option:
        values.append(f"{keep_option}=false")
    second_name = step_install(cp, helm, chart, second, values, None)
    listed = {r["name"]: r["status"] for r in json.loads(helm.run("list", "-o", "json").stdout)}
    check(listed.get(first) == "deployed" and listed.get(second) == "deployed",
          f"helm list: {first} and {second} both deployed")
    for release, fullname in [(first, f"{first}-qemu-riscv64"), (second, second_name)]:
        selector = cp.get("service", fullname, NAMESPACE)["spec"]["selector"]
        chosen = cp.get("pods", namespace=NAMESPACE)["items"]
        chosen = [p for p in chosen if all(p["metadata"]["labels"].get(k) == v for k, v in selector.items())]
        check(chosen and all(p["metadata"]["labels"]["app.kubernetes.io/instance"] == release for p in chosen),
              f"service/{fullname} selects only {release}'s pods ({', '.join(p['metadata']['name'] for p in chosen)})")
    check(secret_password(cp, f"{first}-qemu-riscv64-console-auth") !=
          secret_password(cp, f"{second_name}-console-auth"), "each release has its own console password")
    ports = [p["port"] for p in cp.get("service", second_name, NAMESPACE)["spec"]["ports"]]
    check(sorted(ports) == [2022, 8081], f"service/{second_name} serves ports {ports}")


def step_uninstall(cp, helm, release, fullname, keep_option):
    helm.run("uninstall", release, "--wait", "--timeout", f"{WAIT_S}s")
    names = [f"statefulset/{fullname}", f"service/{fullname}", f"service/{fullname}-headless",
             f"secret/{fullname}-console-auth"]
    left = [name for name in names if cp.kubectl_ok("get", name, "-n", NAMESPACE)]
    check(not left, f"helm uninstall {release}: its StatefulSet, Service, headless Service and Secret are gone")
    wait_until(f"the garbage collector to remove {release}'s pods",
               lambda: not release_pods(cp, release) and not owned_revisions(cp, fullname))
    log(f"the garbage collector removed {release}'s pods and ControllerRevisions")
    pvc = cp.kubectl_run("get", "persistentvolumeclaim", f"{fullname}-data", "-n", NAMESPACE)
    if keep_option:
        check(pvc.returncode == 0, f"persistentvolumeclaim/{fullname}-data is kept ({keep_option}=true)")
    else:
        check(pvc.returncode != 0, f"persistentvolumeclaim/{fullname}-data is deleted with the release (no keep asked)")


def run_steps(cp, helm, chart, keep_option, previous, scratch):
    step_namespace(cp)
    step_passt_baseline(cp, helm, chart)
    step_network_auto(cp, helm, chart)
    step_notes_wait(cp, helm, AUTO_RELEASE)
    step_network_policy(cp, helm, chart)
    step_dry_run(cp, helm, chart)
    step_access_modes(cp, helm, chart)
    if previous:
        step_upgrade_from_deployment(cp, helm, chart, previous, DEPLOYMENT_CHART)
    else:
        log(f"NOTE: no git history here: the upgrade from the chart's Deployment ({DEPLOYMENT_CHART}) is not checked")
    step_upgrade_keeps_pod(cp, helm, chart, AUTO_RELEASE, scratch)
    first, second = "vm-one", "vm-two"
    first_values = ["console.auth.enabled=true", "persistence.enabled=true"]
    if keep_option:
        first_values.append(f"{keep_option}=true")
    fullname = step_install(cp, helm, chart, first, first_values, keep_option)
    password = step_upgrade(cp, helm, chart, first, fullname)
    step_rollback(cp, helm, first, fullname, password)
    step_side_by_side(cp, helm, chart, first, second, keep_option)
    step_uninstall(cp, helm, first, fullname, keep_option)
    step_uninstall(cp, helm, second, f"{second}-qemu-riscv64", None)


def keep_option_of(chart):
    """The values key that keeps the PVC at uninstall (persistence.keepOnUninstall), if the chart has one."""
    with open(os.path.join(chart, "values.yaml")) as f:
        for line in f:
            words = line.split()
            if len(words) > 1 and words[0] == "#" and words[1].startswith("persistence.keep"):
                return words[1]
    return None


@pytest.fixture
def keep_option(chart):
    option = keep_option_of(chart)
    if not option:
        log("NOTE: this chart has no persistence.keepOnUninstall value yet: uninstall is checked to delete "
            "the PVC only, not to keep it")
    return option


@pytest.fixture
def helm(helm_binary, control_plane, tmp_path):
    return Helm(helm_binary, control_plane, str(tmp_path))


@pytest.fixture
def chart_as_deployment(pytestconfig, chart, tmp_path):
    """The chart as of DEPLOYMENT_CHART: --previous-chart, else git archive of --chart's folder at that
    commit; None without git history."""
    return pytestconfig.getoption("previous_chart") or previous_chart(chart, DEPLOYMENT_CHART, str(tmp_path))


def test_api_server(keep_option, control_plane, helm, chart, chart_as_deployment, tmp_path):
    log("no node at this level: pods are admitted and scheduled nowhere (a real node: test_node.py)")
    log(f"helm {helm.run('version', '--short').stdout.strip()}")
    try:
        run_steps(control_plane, helm, chart, keep_option, chart_as_deployment, str(tmp_path))
    except (Failure, AssertionError):
        # What the controllers said (a refused pod shows up here as FailedCreate).
        print(control_plane.kubectl_run("get", "events", "-n", NAMESPACE, "--sort-by=.lastTimestamp").stdout,
              file=sys.stderr)
        raise
    log("PASS: the chart on a real API server (install, upgrade, rollback, two releases, uninstall)")
