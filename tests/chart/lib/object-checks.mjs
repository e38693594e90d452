// Checks of the other rendered objects against the values: labels, Service, PVC, Secrets
// and the `helm test` pod.
import { checkSecurity } from "./pod-checks.mjs";
import { consoleService, envOf, ofKind, vmSet } from "./objects.mjs";
import * as want from "./expected.mjs";

const KINDS = new Set(["StatefulSet", "Service", "Secret", "PersistentVolumeClaim", "Pod", "Ingress", "ServiceAccount",
  "NetworkPolicy", "ServiceMonitor"]);

function decode(data, key) {
  return data?.[key] === undefined ? undefined : Buffer.from(data[key], "base64").toString("utf8");
}

export function checkLabels(t, objects, release, values) {
  t.equal(objects.filter((o) => !KINDS.has(o.kind)).map((o) => o.kind), [], "only the expected kinds");
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  t.equal(names.filter((n, i) => names.indexOf(n) !== i), [], "object names are unique");
  for (const o of objects) {
    const labels = o.metadata.labels ?? {};
    const what = `${o.kind}/${o.metadata.name} labels`;
    t.equal(labels["app.kubernetes.io/name"], "qemu-riscv64", `${what}: name`);
    t.equal(labels["app.kubernetes.io/instance"], release, `${what}: instance`);
    t.equal(labels["app.kubernetes.io/managed-by"], "Helm", `${what}: managed-by`);
    t.that(/^[0-9]/.test(labels["app.kubernetes.io/version"] ?? ""), `${what}: version`);
    t.that(/^qemu-riscv64-[0-9]/.test(labels["helm.sh/chart"] ?? ""), `${what}: helm.sh/chart`);
  }
  const set = vmSet(objects);
  const selector = set.spec.selector.matchLabels;
  const podLabels = set.spec.template.metadata.labels;
  const extra = Object.fromEntries(Object.entries(values.podLabels ?? {}).map(([k, v]) => [k, String(v)]));
  // Without the chart's and the app's versions: a chart upgrade alone must not restart the VM.
  const { "helm.sh/chart": _chart, "app.kubernetes.io/version": _version, ...unversioned } = set.metadata.labels;
  t.equal(podLabels, { ...unversioned, ...extra }, "pod labels: the chart's without versions, then podLabels");
  t.equal(selector, { "app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": release,
    "app.kubernetes.io/component": "vm" }, "selector: the VM pods, not the helm test pod");
  const testPod = ofKind(objects, "Pod")[0];
  t.that(!Object.entries(selector).every(([k, v]) => testPod?.metadata.labels[k] === v), "the helm test pod is not selected");
  t.that(Object.entries(selector).every(([k, v]) => podLabels[k] === v), "pod labels match the selector");
  t.equal(consoleService(objects).spec.selector, selector, "Service selects the VM pod");
}

export function checkService(t, objects, release, values) {
  const service = consoleService(objects);
  t.equal(service.metadata.name, want.fullname(release, values), "Service name");
  t.equal(service.spec.type, values.service.type, "service.type");
  const nodePorts = values.service.type !== "ClusterIP";
  const http = { name: "http", port: values.service.port, targetPort: "http", protocol: "TCP" };
  if (nodePorts && values.service.nodePort) http.nodePort = values.service.nodePort;
  const ports = [http];
  for (const p of want.forwards(values)) {
    const port = { name: p.name, port: p.servicePort, targetPort: p.name, protocol: "TCP" };
    if (nodePorts && p.nodePort) port.nodePort = p.nodePort;
    ports.push(port);
  }
  t.equal(service.spec.ports, ports, "Service ports: the console, then the forwarded guest ports");
  const ranges = values.service.loadBalancerSourceRanges ?? [];
  t.equal(service.spec.loadBalancerSourceRanges, values.service.type === "LoadBalancer" && ranges.length ? ranges : undefined,
    "loadBalancerSourceRanges");
  t.equal(service.spec.externalTrafficPolicy, values.service.externalTrafficPolicy || undefined, "externalTrafficPolicy");
}

export function checkIngress(t, objects, release, values) {
  const ingresses = ofKind(objects, "Ingress");
  const ingress = values.ingress;
  t.equal(ingresses.length, ingress.enabled ? 1 : 0, "an Ingress only with ingress.enabled");
  if (!ingress.enabled || !ingresses[0]) return;
  const rule = ingresses[0].spec.rules[0];
  t.equal(rule.host, ingress.host || undefined, "Ingress host");
  t.equal(rule.http.paths, [{ path: ingress.path, pathType: "Prefix",
    backend: { service: { name: want.fullname(release, values), port: { name: "http" } } } }], "Ingress routes to the console");
  t.equal(ingresses[0].spec.ingressClassName, ingress.className || undefined, "IngressClass");
  const tls = ingress.tlsSecret ? [{ hosts: [ingress.host], secretName: ingress.tlsSecret }] : undefined;
  t.equal(ingresses[0].spec.tls, tls, "Ingress TLS");
}

export function checkClaim(t, objects, release, values) {
  const claims = ofKind(objects, "PersistentVolumeClaim");
  const p = values.persistence;
  if (!p.enabled || p.existingClaim) {
    t.equal(claims.length, 0, "no PVC rendered");
    return;
  }
  t.equal(claims.length, 1, "one PVC rendered");
  const spec = claims[0]?.spec ?? {};
  t.equal(claims[0]?.metadata.name, `${want.fullname(release, values)}-data`, "PVC name");
  t.equal(spec.resources?.requests?.storage, p.size, "PVC size");
  t.equal(spec.accessModes, p.accessModes, "PVC access modes");
  // global.storageClass wins over persistence.storageClass.
  const named = values.global?.storageClass || p.storageClass;
  const storageClass = named === "-" ? "" : named || undefined;
  t.equal(spec.storageClassName, storageClass, "PVC storage class");
  t.equal(claims[0]?.metadata.annotations?.["helm.sh/resource-policy"], p.keepOnUninstall ? "keep" : undefined,
    "PVC kept on uninstall as persistence.keepOnUninstall says");
}

export function checkSecrets(t, objects, release, values) {
  const secrets = Object.fromEntries(ofKind(objects, "Secret").map((s) => [s.metadata.name, s]));
  const expected = [];
  const auth = values.console.auth;
  if (auth.enabled && !auth.existingSecret) {
    const name = `${want.fullname(release, values)}-console-auth`;
    expected.push(name);
    const password = decode(secrets[name]?.data, "password") ?? "";
    t.that(/^[A-Za-z0-9]{24}$/.test(password), "generated console password: 24 letters and digits");
    t.equal(decode(secrets[name]?.data, "auth"), `${auth.username}:${password}`, "CONSOLE_AUTH holds user:password");
  }
  const guest = values.guest;
  if (!guest.existingSecret && (guest.password || guest.sshAuthorizedKey)) {
    const name = want.guestSecretName(release, values);
    expected.push(name);
    // Both keys, each a file of the launcher: an empty one means none.
    t.equal(decode(secrets[name]?.data, "password"), guest.password || "", "guest password in the Secret");
    t.equal(decode(secrets[name]?.data, "ssh-key"), guest.sshAuthorizedKey || "", "guest ssh key in the Secret");
  }
  t.equal(Object.keys(secrets).sort(), expected.sort(), "Secrets rendered");
}

export function checkTestPod(t, objects, release, values) {
  const pods = ofKind(objects, "Pod");
  t.equal(pods.length, 1, "one helm test pod");
  const pod = pods[0];
  if (!pod) return;
  t.equal(pod.metadata.annotations?.["helm.sh/hook"], "test", "the test pod is a helm test hook");
  t.equal(pod.spec.restartPolicy, "Never", "the test pod runs once");
  const c = pod.spec.containers[0];
  t.equal(c.image, values.tests.image ? want.image(values, values.tests.image) : want.launcherImage(values),
    "the test pod's image");
  const env = envOf(c);
  t.equal(env.CONSOLE_URL, `http://${want.fullname(release, values)}:${values.service.port}${want.basePath(values)}`,
    "the test fetches the Service");
  t.equal(env.BOOT_TIMEOUT, String(values.bootTimeout), "the test waits up to bootTimeout");
  t.that(c.args.join("\n").includes('until $bb wget -q -O /dev/null "$CONSOLE_URL/readyz"'),
    "the test retries /readyz until the guest is up");
  t.equal(env.CONSOLE_AUTH, want.consoleAuthRef(release, values) ?? undefined, "the test pod's credentials");
  t.that(c.args.join("\n").includes('wget -q -O /tmp/page ${auth:+--header "$auth"} "$CONSOLE_URL/"'),
    "the test fetches the console page");
  checkSecurity(t, pod.spec, "test pod", values);
}
