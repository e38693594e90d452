"""Checks of a fleet's front against the values: its Deployment, pod and container, and
selectors that keep front and VM pods apart."""
from . import expected as want
from .object_checks import selects
from .objects import env_of, of_kind, vm_set
from .pod_checks import check_security


def front_deployment(objects):
    """The front's Deployment, or None."""
    found = of_kind(objects, "Deployment")
    if len(found) > 1:
        raise AssertionError("expected one Deployment at most, rendered %d" % len(found))
    return found[0] if found else None


def check_front_container(t, spec, release, values):
    t.equal([c["name"] for c in spec["containers"]], ["front"], "the front pod: one container, front")
    t.equal(spec.get("initContainers"), None, "no init containers: the front holds no data")
    front = spec["containers"][0]
    t.equal(front["image"], want.image(values, values["images"]["console"]), "the front runs the console image")
    t.equal(front.get("ports"), [{"name": "http", "containerPort": 8080, "protocol": "TCP"}], "front port")
    env = env_of(front)
    t.equal([k for k in env if k not in want.FRONT_ENV], [], "front env names the front reads")
    t.equal(env, want.front_env(release, values), "front env")
    base = want.base_path(values)
    t.equal((front.get("livenessProbe") or {}).get("httpGet"), {"path": base + "/healthz", "port": "http"},
            "front liveness probe")
    t.equal((front.get("readinessProbe") or {}).get("httpGet"), {"path": base + "/readyz", "port": "http"},
            "front readiness probe: its first look for VMs done")
    t.equal(front.get("startupProbe"), None, "no startup probe: the front starts at once")
    t.equal(front.get("resources"), (values.get("front") or {}).get("resources") or None, "front.resources")
    auth = want.console_auth_ref(release, values)
    t.equal(front.get("volumeMounts"),
            [{"name": "console-auth", "mountPath": "/run/secrets/console-auth", "readOnly": True}] if auth else None,
            "the front mounts the consoles' credentials, read-only")
    secrets = want.secret_volumes(release, values)
    mode = 0o440 if (values.get("podSecurityContext") or {}).get("fsGroup") else 0o444
    t.equal(spec.get("volumes"), [{"name": "console-auth", "secret": {**secrets["console-auth"], "defaultMode": mode}}]
            if auth else None, "the front's volumes: the credentials only")


def check_front(t, objects, release, values):
    deployment = front_deployment(objects)
    if not want.front(values):
        t.equal(deployment, None, "no front for one VM (front.enabled=%s)" % (values.get("front") or {}).get("enabled"))
        return
    if not t.that(deployment is not None, "a front Deployment"):
        return
    t.equal(deployment["metadata"]["name"], want.front_name(release, values), "the front's name")
    t.equal(deployment["metadata"]["labels"].get("app.kubernetes.io/component"), "front", "component front")
    t.equal(deployment["spec"].get("replicas"), 1, "one front")
    selector = deployment["spec"]["selector"]["matchLabels"]
    t.equal(selector, want.front_selector(release), "the front's selector")
    template = deployment["spec"]["template"]
    labels = template["metadata"]["labels"]
    extra = {k: want.js_string(v) for k, v in (values.get("podLabels") or {}).items()}
    t.equal(labels, {**{k: v for k, v in deployment["metadata"]["labels"].items()
                        if k not in ("helm.sh/chart", "app.kubernetes.io/version")}, **extra},
            "front pod labels: the chart's without versions, then podLabels")
    t.that(selects(selector, labels), "the front's selector matches its pods")
    statefulset = vm_set(objects)
    vm_labels = statefulset["spec"]["template"]["metadata"]["labels"]
    t.that(not selects(selector, vm_labels), "the front's selector does not match the VM pods")
    t.that(not selects(statefulset["spec"]["selector"]["matchLabels"], labels),
           "the VMs' selector does not match the front pods")
    spec = template["spec"]
    account = values["serviceAccount"]
    t.equal(spec.get("serviceAccountName"),
            account.get("name") or want.fullname(release, values) if account["create"]
            else account.get("name") or "default", "the front's serviceAccountName")
    t.equal(spec.get("enableServiceLinks"), False, "no service links")
    check_front_container(t, spec, release, values)
    check_security(t, spec, "front pod", values)
