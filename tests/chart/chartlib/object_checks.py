"""Checks of the other rendered objects against the values: labels, Service, Ingress, PVC,
Secrets and the `helm test` pod."""
import base64
import re

from . import expected as want
from .objects import console_service, env_of, of_kind, vm_set
from .pod_checks import check_security

KINDS = {"StatefulSet", "Deployment", "Service", "Secret", "PersistentVolumeClaim", "Pod", "Ingress",
         "ServiceAccount", "NetworkPolicy", "ServiceMonitor"}


def decode(data, key):
    """A Secret's data[key], decoded; None when it has none."""
    if not data or data.get(key) is None:
        return None
    return base64.b64decode(data[key]).decode("utf-8", errors="replace")


def selects(selector, labels):
    return all((labels or {}).get(k) == v for k, v in selector.items())


def check_labels(t, objects, release, values):
    t.equal([o["kind"] for o in objects if o["kind"] not in KINDS], [], "only the expected kinds")
    names = ["%s/%s" % (o["kind"], o["metadata"]["name"]) for o in objects]
    t.equal([n for i, n in enumerate(names) if names.index(n) != i], [], "object names are unique")
    for o in objects:
        labels = o["metadata"].get("labels") or {}
        what = "%s/%s labels" % (o["kind"], o["metadata"]["name"])
        t.equal(labels.get("app.kubernetes.io/name"), "qemu-riscv64", what + ": name")
        t.equal(labels.get("app.kubernetes.io/instance"), release, what + ": instance")
        t.equal(labels.get("app.kubernetes.io/managed-by"), "Helm", what + ": managed-by")
        t.that(re.match(r"[0-9]", want.js_string(labels.get("app.kubernetes.io/version") or "")), what + ": version")
        t.that(re.match(r"qemu-riscv64-[0-9]", labels.get("helm.sh/chart") or ""), what + ": helm.sh/chart")
    statefulset = vm_set(objects)
    selector = statefulset["spec"]["selector"]["matchLabels"]
    pod_labels = statefulset["spec"]["template"]["metadata"]["labels"]
    extra = {k: want.js_string(v) for k, v in (values.get("podLabels") or {}).items()}
    # Without the chart's and the app's versions: a chart upgrade alone must not restart the VM.
    unversioned = {k: v for k, v in statefulset["metadata"]["labels"].items()
                   if k not in ("helm.sh/chart", "app.kubernetes.io/version")}
    t.equal(pod_labels, {**unversioned, **extra}, "pod labels: the chart's without versions, then podLabels")
    t.equal(selector, {"app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": release,
                       "app.kubernetes.io/component": "vm"}, "selector: the VM pods, not the helm test pod")
    test_pod = next(iter(of_kind(objects, "Pod")), None)
    t.that(not selects(selector, test_pod and test_pod["metadata"]["labels"]), "the helm test pod is not selected")
    t.that(selects(selector, pod_labels), "pod labels match the selector")
    if want.front(values):
        t.equal(console_service(objects)["spec"].get("selector"), want.front_selector(release),
                "Service selects the front")
    else:
        t.equal(console_service(objects)["spec"].get("selector"), selector, "Service selects the VM pod")


def check_service(t, objects, release, values):
    service = console_service(objects)
    spec, wanted = service["spec"], values["service"]
    t.equal(service["metadata"]["name"], want.fullname(release, values), "Service name")
    t.equal(spec.get("type"), wanted["type"], "service.type")
    node_ports = wanted["type"] != "ClusterIP"
    http = {"name": "http", "port": wanted["port"], "targetPort": "http", "protocol": "TCP"}
    if node_ports and wanted.get("nodePort"):
        http["nodePort"] = wanted["nodePort"]
    ports = [http]
    # A fleet's guest ports are at each VM pod's address: the Service is the front's.
    for p in [] if want.front(values) else want.forwards(values):
        port = {"name": p["name"], "port": p["servicePort"], "targetPort": p["name"], "protocol": "TCP"}
        if node_ports and p["nodePort"]:
            port["nodePort"] = p["nodePort"]
        ports.append(port)
    t.equal(spec.get("ports"), ports, "Service ports: the console, then the forwarded guest ports")
    ranges = wanted.get("loadBalancerSourceRanges") or []
    t.equal(spec.get("loadBalancerSourceRanges"), ranges if wanted["type"] == "LoadBalancer" and ranges else None,
            "loadBalancerSourceRanges")
    t.equal(spec.get("externalTrafficPolicy"), wanted.get("externalTrafficPolicy") or None, "externalTrafficPolicy")


def check_ingress(t, objects, release, values):
    ingresses = of_kind(objects, "Ingress")
    ingress = values["ingress"]
    t.equal(len(ingresses), 1 if ingress["enabled"] else 0, "an Ingress only with ingress.enabled")
    if not ingress["enabled"] or not ingresses:
        return
    spec = ingresses[0]["spec"]
    rule = spec["rules"][0]
    t.equal(rule.get("host"), ingress.get("host") or None, "Ingress host")
    backend = {"service": {"name": want.fullname(release, values), "port": {"name": "http"}}}
    t.equal(rule["http"]["paths"], [{"path": ingress["path"], "pathType": "Prefix", "backend": backend}],
            "Ingress routes to the console")
    t.equal(spec.get("ingressClassName"), ingress.get("className") or None, "IngressClass")
    tls = [{"hosts": [ingress.get("host")], "secretName": ingress["tlsSecret"]}] if ingress.get("tlsSecret") else None
    t.equal(spec.get("tls"), tls, "Ingress TLS")


def check_claim(t, objects, release, values):
    claims = of_kind(objects, "PersistentVolumeClaim")
    p = values["persistence"]
    if not p["enabled"] or p.get("existingClaim") or want.claim_per_vm(values):
        t.equal(len(claims), 0, "no PVC rendered")
        return
    t.equal(len(claims), 1, "one PVC rendered")
    claim = claims[0] if claims else {"metadata": {}}
    spec = claim.get("spec") or {}
    t.equal(claim["metadata"].get("name"), "%s-data" % want.fullname(release, values), "PVC name")
    t.equal(((spec.get("resources") or {}).get("requests") or {}).get("storage"), p.get("size"), "PVC size")
    t.equal(spec.get("accessModes"), p.get("accessModes"), "PVC access modes")
    # global.storageClass wins over persistence.storageClass.
    named = (values.get("global") or {}).get("storageClass") or p.get("storageClass")
    t.equal(spec.get("storageClassName"), "" if named == "-" else named or None, "PVC storage class")
    t.equal((claim["metadata"].get("annotations") or {}).get("helm.sh/resource-policy"),
            "keep" if p.get("keepOnUninstall") else None, "PVC kept on uninstall as persistence.keepOnUninstall says")


def check_secrets(t, objects, release, values):
    secrets = {s["metadata"]["name"]: s.get("data") for s in of_kind(objects, "Secret")}
    expected = []
    auth = values["console"]["auth"]
    if auth["enabled"] and not auth.get("existingSecret"):
        name = "%s-console-auth" % want.fullname(release, values)
        expected.append(name)
        password = decode(secrets.get(name), "password") or ""
        t.that(re.fullmatch(r"[A-Za-z0-9]{24}", password), "generated console password: 24 letters and digits")
        t.equal(decode(secrets.get(name), "auth"), "%s:%s" % (auth["username"], password),
                "CONSOLE_AUTH holds user:password")
    guest = values["guest"]
    if not guest.get("existingSecret") and (guest.get("password") or guest.get("sshAuthorizedKey")):
        name = want.guest_secret_name(release, values)
        expected.append(name)
        # Both keys, each a file of the launcher: an empty one means none.
        t.equal(decode(secrets.get(name), "password"), guest.get("password") or "", "guest password in the Secret")
        t.equal(decode(secrets.get(name), "ssh-key"), guest.get("sshAuthorizedKey") or "",
                "guest ssh key in the Secret")
    t.equal(sorted(secrets), sorted(expected), "Secrets rendered")


def check_test_pod(t, objects, release, values):
    pods = of_kind(objects, "Pod")
    t.equal(len(pods), 1, "one helm test pod")
    if not pods:
        return
    pod = pods[0]
    t.equal((pod["metadata"].get("annotations") or {}).get("helm.sh/hook"), "test", "the test pod is a helm test hook")
    t.equal(pod["spec"].get("restartPolicy"), "Never", "the test pod runs once")
    c = pod["spec"]["containers"][0]
    tests_image = (values.get("tests") or {}).get("image")
    t.equal(c["image"], want.image(values, tests_image) if tests_image else want.launcher_image(values),
            "the test pod's image")
    env = env_of(c)
    t.equal(env.get("CONSOLE_URL"), "http://%s:%s%s" % (want.fullname(release, values), values["service"]["port"],
                                                         want.base_path(values)), "the test fetches the Service")
    t.equal(env.get("BOOT_TIMEOUT"), want.js_string(values["bootTimeout"]), "the test waits up to bootTimeout")
    vms = " ".join("%s-%d" % (want.fullname(release, values), i) for i in range(want.replicas(values)))
    t.equal(env.get("FLEET_VMS"), vms if want.front(values) else None,
            "with the front, the test asks each VM through it")
    script = "\n".join(c.get("args") or [])
    t.that('until $bb wget -q -O /dev/null "$CONSOLE_URL/readyz"' in script,
           "the test retries /readyz until the guest is up")
    t.equal(env.get("CONSOLE_AUTH"), want.console_auth_ref(release, values), "the test pod's credentials")
    t.that('wget -q -O /tmp/page ${auth:+--header "$auth"} "$CONSOLE_URL/"' in script,
           "the test fetches the console page")
    check_security(t, pod["spec"], "test pod", values)


def policy_rule(ports, peers):
    rule = {"ports": [{"port": port, "protocol": "TCP"} for port in ports]}
    if peers:
        rule["from"] = peers
    return rule


def policy_clients(release, values):
    """The peers networkPolicy admits to the console (or the front); None: anywhere."""
    policy = values["networkPolicy"]
    if policy.get("allowExternal"):
        return None
    peers = [{"podSelector": {"matchLabels": {"app.kubernetes.io/instance": release,
                                              "app.kubernetes.io/component": "test"}}}]
    selected = {}
    for key, selector in (("ingressNSMatchLabels", "namespaceSelector"), ("ingressPodMatchLabels", "podSelector")):
        if policy.get(key):
            selected[selector] = {"matchLabels": {k: want.js_string(v) for k, v in policy[key].items()}}
    return peers + [selected] if selected else peers


def check_network_policies(t, objects, release, values):
    """The VM pods admit the console port from the clients, or with the front from the front only
    (the front then admits the clients); forwarded guest ports from the clients; extraIngress on both."""
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objects, "NetworkPolicy")}
    policy = values["networkPolicy"]
    name, front_name = want.fullname(release, values), want.front_name(release, values)
    front = want.front(values)
    if not policy["enabled"]:
        t.equal(sorted(policies), [], "no NetworkPolicy")
        return
    t.equal(sorted(policies), sorted([name, front_name] if front else [name]), "the NetworkPolicies")
    clients, extra = policy_clients(release, values), policy.get("extraIngress") or []
    forwards = [p["name"] for p in want.forwards(values)]
    if front:
        vm_rules = [policy_rule(["http"], [{"podSelector": {"matchLabels": want.front_selector(release)}}])]
        vm_rules += [policy_rule(forwards, clients)] if forwards else []
    else:
        vm_rules = [policy_rule(["http", *forwards], clients)]
    vm_policy = policies.get(name) or {}
    t.equal(vm_policy.get("podSelector"), {"matchLabels": want.vm_selector(release)}, "the VM pods' policy")
    t.equal(vm_policy.get("ingress"), vm_rules + extra, "what reaches the VM pods")
    if front:
        front_policy = policies.get(front_name) or {}
        t.equal(front_policy.get("podSelector"), {"matchLabels": want.front_selector(release)}, "the front's policy")
        t.equal(front_policy.get("policyTypes"), ["Ingress"], "the front's policy: ingress only")
        t.equal(front_policy.get("ingress"), [policy_rule(["http"], clients)] + extra,
                "the clients reach the front as they reached the console")
