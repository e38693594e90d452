"""Checks of the StatefulSet's pod against the values: init containers, container order,
env, probes, resources, volumes and security contexts."""
from . import expected as want
from .objects import container, env_of, mebibytes, of_kind, pod_spec, vm_set


def check_init_containers(t, spec, values):
    t.equal([c["name"] for c in spec.get("initContainers") or []], ["busybox-provider", "data-provider"],
            "init containers")
    busybox = container(spec, "busybox-provider")
    t.equal(busybox["image"], want.launcher_image(values), "busybox-provider runs the launcher image")
    t.equal(busybox.get("command"), ["/bin/busybox", "cp", "/bin/busybox", "/tools/busybox"],
            "busybox-provider command")
    t.equal(busybox.get("volumeMounts"), [{"name": "tools", "mountPath": "/tools"}], "busybox-provider mounts")
    data = container(spec, "data-provider")
    t.equal(data["image"], want.image(values, values["images"]["data"]), "data-provider runs the data image")
    t.equal(data.get("command"), ["/tools/busybox", "sh", "-c"], "data-provider runs the copied busybox")
    script = "\n".join(data.get("args") or [])
    t.that('cp -R /data/. "$partial"' in script, "data-provider copies /data/.")
    t.that('[ -e "$volume/vm.conf" ] || [ -e "$volume/config.sh" ]' in script,
           "data-provider keeps a volume that already holds vm.conf/config.sh")
    t.equal(data.get("volumeMounts"), [{"name": "tools", "mountPath": "/tools", "readOnly": True},
                                       {"name": "data", "mountPath": "/volume"}], "data-provider mounts")


def check_console(t, spec, release, values):
    console = spec["containers"][0]
    t.equal(console["name"], "console", "containers[0] is the console")
    t.equal(console["image"], want.image(values, values["images"]["console"]), "console image")
    t.equal((console.get("ports") or [None])[0], {"name": "http", "containerPort": 8080, "protocol": "TCP"},
            "console ports[0]")
    base = want.base_path(values)
    t.equal((console.get("livenessProbe") or {}).get("httpGet"), {"path": base + "/healthz", "port": "http"},
            "console liveness probe")
    t.equal((console.get("readinessProbe") or {}).get("httpGet"), {"path": base + "/readyz", "port": "http"},
            "console readiness probe")
    startup = console.get("startupProbe") or {}
    t.equal(startup.get("httpGet"), {"path": base + "/readyz", "port": "http"}, "console startup probe asks /readyz")
    period, threshold = startup.get("periodSeconds"), startup.get("failureThreshold")
    t.that(period is not None and threshold is not None and period * threshold >= values["bootTimeout"],
           "startupProbe allows bootTimeout=%s s (%s s x %s)" % (values["bootTimeout"], period, threshold))
    env = env_of(console)
    t.equal([k for k in env if k not in want.CONSOLE_ENV], [], "console env names the console reads")
    t.equal(env, want.console_env(release, values), "console env")
    auth_mount = ([{"name": "console-auth", "mountPath": "/run/secrets/console-auth", "readOnly": True}]
                  if want.console_auth_ref(release, values) else [])
    t.equal(console.get("volumeMounts"),
            [{"name": "runtime", "mountPath": "/run/qemu-riscv64", "readOnly": True}] + auth_mount,
            "console mounts the runtime volume (the launcher's console socket) and its auth Secret, read-only")


def quantity(value):
    """A quantity as JavaScript's String() writes it; None stays None."""
    return None if value is None else want.js_string(value)


def check_launcher(t, spec, release, values):
    t.equal(len(spec["containers"]), 2, "two containers")
    launcher = spec["containers"][1]
    t.equal(launcher.get("name"), "launcher", "containers[1] is the launcher")
    t.equal(launcher["image"], want.launcher_image(values), "launcher image")
    env = env_of(launcher)
    t.equal([k for k in env if k not in want.LAUNCHER_ENV], [], "launcher env names the launcher reads")
    t.equal(env, want.launcher_env(release, values), "launcher env")
    ports = [{"name": p["name"], "containerPort": p["port"], "protocol": "TCP"} for p in want.forwards(values)]
    t.equal(launcher.get("ports") or [], ports, "launcher ports are the forwarded guest ports")
    resources = launcher.get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    given = values.get("resources") or {}
    given_requests, given_limits = given.get("requests") or {}, given.get("limits") or {}
    wanted_cpu = given_requests.get("cpu")
    t.equal(want.js_string(requests.get("cpu")), want.js_string(want.cpu_request(values) if wanted_cpu is None
                                                               else wanted_cpu),
            "CPU request: resources.requests.cpu, else 250m per vCPU")
    t.equal(quantity(limits.get("cpu")), quantity(given_limits.get("cpu")), "CPU limit: only resources.limits.cpu")
    if given_requests.get("memory") is None:
        t.equal(mebibytes(requests.get("memory")), want.memory_request_mi(values),
                "memory request = overhead + memory / 4, in Mi")
    else:
        t.equal(requests.get("memory"), want.js_string(given_requests["memory"]),
                "memory request: resources.requests.memory")
    if given_limits.get("memory") is None:
        t.that(mebibytes(limits.get("memory")) > values["memory"],
               "memory limit %s is above memory=%s MiB" % (limits.get("memory"), values["memory"]))
        t.equal(mebibytes(limits.get("memory")), want.memory_limit_mi(values),
                "memory limit = memory + overhead, in Mi")
    else:
        t.equal(limits.get("memory"), want.js_string(given_limits["memory"]), "memory limit: resources.limits.memory")
    guest_mount = ([{"name": "guest-credentials", "mountPath": want.GUEST_SECRET_DIR, "readOnly": True}]
                   if want.guest_secret_name(release, values) else [])
    t.equal(launcher.get("volumeMounts"), [{"name": "data", "mountPath": "/data"}, {"name": "tmp", "mountPath": "/tmp"},
                                           {"name": "runtime", "mountPath": "/run/qemu-riscv64"}] + guest_mount,
            "launcher mounts")


def check_volumes(t, spec, release, values):
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    secrets = want.secret_volumes(release, values)
    data = [] if want.claim_per_vm(values) else ["data"]
    t.equal(sorted(volumes), sorted([*data, "runtime", "tmp", "tools", *secrets]), "volumes")
    # Secret files: group-readable with the pod's fsGroup, else readable by all (the containers' user is not root).
    mode = 0o440 if (values.get("podSecurityContext") or {}).get("fsGroup") else 0o444
    for name, secret in secrets.items():
        t.equal((volumes.get(name) or {}).get("secret"), {**secret, "defaultMode": mode},
                "%s is the Secret %s as files" % (name, secret["secretName"]))
    for name in ("runtime", "tools", "tmp"):
        t.that("emptyDir" in (volumes.get(name) or {}), "%s is an emptyDir" % name)
    persistence = values["persistence"]
    if want.claim_per_vm(values):
        t.that("data" not in volumes, "data is no pod volume: each VM's claim (volumeClaimTemplates)")
    elif persistence["enabled"]:
        claim = persistence.get("existingClaim") or "%s-data" % want.fullname(release, values)
        t.equal((volumes.get("data") or {}).get("persistentVolumeClaim"), {"claimName": claim}, "data is the PVC")
    else:
        t.equal((volumes.get("data") or {}).get("emptyDir"), {}, "data is an emptyDir")


def check_security(t, spec, what, values, vm_pod=False):
    """The security contexts the values give every container of the pod (and the test pod): by
    default the restricted profile. With passt, a RuntimeDefault seccomp profile is left out of
    the VM pod's and its launcher's (the runtime's default then: baseline), since passt
    sandboxes itself in a user namespace, which RuntimeDefault forbids."""
    def passt_unsets(profile):
        passt = vm_pod and want.network_mode(values) == "passt"
        return None if passt and (profile or {}).get("type") == "RuntimeDefault" else profile

    pod = spec.get("securityContext") or {}
    t.equal(pod.get("runAsNonRoot"), True, "%s: pod runAsNonRoot" % what)
    t.equal(pod.get("runAsUser"), 1000, "%s: pod runAsUser" % what)
    t.equal(pod.get("seccompProfile"), passt_unsets(values["podSecurityContext"].get("seccompProfile")),
            "%s: pod seccompProfile" % what)
    t.equal(spec.get("automountServiceAccountToken"), False, "%s: no service account token" % what)
    for c in (spec.get("initContainers") or []) + spec["containers"]:
        sc = c.get("securityContext") or {}
        name = "%s %s" % (what, c["name"])
        t.equal(sc.get("allowPrivilegeEscalation"), False, "%s: allowPrivilegeEscalation" % name)
        capabilities = sc.get("capabilities") or {}
        t.that("ALL" in (capabilities.get("drop") or []) and not capabilities.get("add"),
               "%s: all capabilities dropped" % name)
        t.equal(sc.get("readOnlyRootFilesystem"), True, "%s: read-only root filesystem" % name)
        t.equal(sc.get("runAsNonRoot"), True, "%s: runAsNonRoot" % name)
        t.that(sc.get("privileged") is not True, "%s: not privileged" % name)
        profile = values["securityContext"].get("seccompProfile")
        t.equal(sc.get("seccompProfile"), passt_unsets(profile) if c["name"] == "launcher" else profile,
                "%s: seccompProfile" % name)


def check_claim_templates(t, statefulset, release, values):
    """A fleet's claim per VM: data-<pod>, made as persistence says, kept when a VM is scaled away."""
    spec = statefulset["spec"]
    if not want.claim_per_vm(values):
        t.equal([spec.get("volumeClaimTemplates"), spec.get("persistentVolumeClaimRetentionPolicy")], [None, None],
                "no volumeClaimTemplates: one claim, or none")
        return
    persistence = values["persistence"]
    templates = spec.get("volumeClaimTemplates") or [{}]
    t.equal([c.get("metadata", {}).get("name") for c in templates], ["data"], "one claim template, data")
    claim = templates[0]
    t.equal((claim.get("metadata") or {}).get("labels"), want.vm_selector(release),
            "its labels: the VM selector's only (no version: the templates cannot change)")
    wanted = {"accessModes": persistence["accessModes"], "resources": {"requests": {"storage": persistence["size"]}}}
    named = (values.get("global") or {}).get("storageClass") or persistence.get("storageClass")
    if named:
        wanted["storageClassName"] = "" if named == "-" else named
    t.equal(claim.get("spec"), wanted, "the claim's spec from persistence")
    t.equal(spec.get("persistentVolumeClaimRetentionPolicy"),
            {"whenDeleted": "Retain" if persistence.get("keepOnUninstall") else "Delete", "whenScaled": "Retain"},
            "claims kept when a VM is scaled away; on uninstall as persistence.keepOnUninstall says")


def check_stateful_set(t, objects, release, values):
    statefulset = vm_set(objects)
    spec = pod_spec(objects)
    t.equal(statefulset["spec"].get("replicas"), want.replicas(values), "replicas: one pod per VM")
    t.equal(spec.get("topologySpreadConstraints"), want.spread(release, values),
            "spread over nodes: a fleet's by nodeSpread, or the ones given")
    check_claim_templates(t, statefulset, release, values)
    service_name = statefulset["spec"].get("serviceName")
    t.equal(service_name, "%s-headless" % want.fullname(release, values), "governed by the headless Service")
    headless = next((s for s in of_kind(objects, "Service") if s["metadata"]["name"] == service_name), {"spec": {}})
    t.equal([headless["spec"].get("clusterIP"), headless["spec"].get("publishNotReadyAddresses")], ["None", True],
            "the headless Service names every VM pod, ready or not")
    t.equal(headless["spec"].get("selector"), statefulset["spec"]["selector"]["matchLabels"],
            "the headless Service selects the VM pods")
    account = values["serviceAccount"]
    t.equal(spec.get("serviceAccountName"),
            account.get("name") or want.fullname(release, values) if account["create"]
            else account.get("name") or "default", "serviceAccountName")
    grace = spec.get("terminationGracePeriodSeconds")
    t.equal(grace, want.grace_period(values), "terminationGracePeriodSeconds")
    t.that(grace is not None and grace > want.shutdown_timeout(values),
           "grace period %s above the shutdown timeout %s" % (grace, want.shutdown_timeout(values)))
    check_init_containers(t, spec, values)
    check_console(t, spec, release, values)
    check_launcher(t, spec, release, values)
    check_volumes(t, spec, release, values)
    check_security(t, spec, "pod", values, vm_pod=True)
