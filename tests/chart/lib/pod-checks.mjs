// Checks of the StatefulSet's pod against the values: init containers, container order,
// env, probes, resources, volumes and security contexts.
import { container, envOf, mebibytes, ofKind, podSpec, vmSet } from "./objects.mjs";
import * as want from "./expected.mjs";

function checkInitContainers(t, spec, values) {
  t.equal((spec.initContainers ?? []).map((c) => c.name), ["busybox-provider", "data-provider"], "init containers");
  const busybox = container(spec, "busybox-provider");
  t.equal(busybox.image, want.launcherImage(values), "busybox-provider runs the launcher image");
  t.equal(busybox.command, ["/bin/busybox", "cp", "/bin/busybox", "/tools/busybox"], "busybox-provider command");
  t.equal(busybox.volumeMounts, [{ name: "tools", mountPath: "/tools" }], "busybox-provider mounts");
  const data = container(spec, "data-provider");
  t.equal(data.image, want.image(values, values.images.data), "data-provider runs the data image");
  t.equal(data.command, ["/tools/busybox", "sh", "-c"], "data-provider runs the copied busybox");
  const script = (data.args ?? []).join("\n");
  t.that(script.includes('cp -R /data/. "$partial"'), "data-provider copies /data/.");
  t.that(script.includes('[ -e "$volume/vm.conf" ] || [ -e "$volume/config.sh" ]'),
    "data-provider keeps a volume that already holds vm.conf/config.sh");
  t.equal(data.volumeMounts, [{ name: "tools", mountPath: "/tools", readOnly: true },
    { name: "data", mountPath: "/volume" }], "data-provider mounts");
}

function checkConsole(t, spec, release, values) {
  const consoleContainer = spec.containers[0];
  t.equal(consoleContainer.name, "console", "containers[0] is the console");
  t.equal(consoleContainer.image, want.image(values, values.images.console), "console image");
  t.equal(consoleContainer.ports?.[0], { name: "http", containerPort: 8080, protocol: "TCP" }, "console ports[0]");
  const base = want.basePath(values);
  t.equal(consoleContainer.livenessProbe?.httpGet, { path: `${base}/healthz`, port: "http" }, "console liveness probe");
  t.equal(consoleContainer.readinessProbe?.httpGet, { path: `${base}/readyz`, port: "http" }, "console readiness probe");
  const startup = consoleContainer.startupProbe ?? {};
  t.equal(startup.httpGet, { path: `${base}/readyz`, port: "http" }, "console startup probe asks /readyz");
  t.that(startup.periodSeconds * startup.failureThreshold >= values.bootTimeout,
    `startupProbe allows bootTimeout=${values.bootTimeout} s (${startup.periodSeconds} s x ${startup.failureThreshold})`);
  const env = envOf(consoleContainer);
  t.equal(Object.keys(env).filter((k) => !want.CONSOLE_ENV.has(k)), [], "console env names the console reads");
  t.equal(env, want.consoleEnv(release, values), "console env");
  const authMount = want.consoleAuthRef(release, values)
    ? [{ name: "console-auth", mountPath: "/run/secrets/console-auth", readOnly: true }] : [];
  t.equal(consoleContainer.volumeMounts, [{ name: "runtime", mountPath: "/run/qemu-riscv64", readOnly: true }, ...authMount],
    "console mounts the runtime volume (the launcher's console socket) and its auth Secret, read-only");
}

function checkLauncher(t, spec, release, values) {
  const launcher = spec.containers[1];
  t.equal(spec.containers.length, 2, "two containers");
  t.equal(launcher?.name, "launcher", "containers[1] is the launcher");
  t.equal(launcher.image, want.launcherImage(values), "launcher image");
  const env = envOf(launcher);
  t.equal(Object.keys(env).filter((k) => !want.LAUNCHER_ENV.has(k)), [], "launcher env names the launcher reads");
  t.equal(env, want.launcherEnv(release, values), "launcher env");
  const ports = want.forwards(values).map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }));
  t.equal(launcher.ports ?? [], ports, "launcher ports are the forwarded guest ports");
  const requests = launcher.resources?.requests ?? {};
  const limits = launcher.resources?.limits ?? {};
  const given = values.resources ?? {};
  t.equal(String(requests.cpu), String(given.requests?.cpu ?? want.cpuRequest(values)),
    "CPU request: resources.requests.cpu, else 250m per vCPU");
  t.equal(limits.cpu === undefined ? undefined : String(limits.cpu), given.limits?.cpu === undefined ? undefined : String(given.limits.cpu),
    "CPU limit: only resources.limits.cpu");
  if (given.requests?.memory === undefined) {
    t.equal(mebibytes(requests.memory), want.memoryRequestMi(values), "memory request = overhead + memory / 4, in Mi");
  } else {
    t.equal(requests.memory, String(given.requests.memory), "memory request: resources.requests.memory");
  }
  if (given.limits?.memory === undefined) {
    t.that(mebibytes(limits.memory) > values.memory, `memory limit ${limits.memory} is above memory=${values.memory} MiB`);
    t.equal(mebibytes(limits.memory), want.memoryLimitMi(values), "memory limit = memory + overhead, in Mi");
  } else {
    t.equal(limits.memory, String(given.limits.memory), "memory limit: resources.limits.memory");
  }
  const guestMount = want.guestSecretName(release, values)
    ? [{ name: "guest-credentials", mountPath: want.GUEST_SECRET_DIR, readOnly: true }] : [];
  t.equal(launcher.volumeMounts, [{ name: "data", mountPath: "/data" }, { name: "tmp", mountPath: "/tmp" },
    { name: "runtime", mountPath: "/run/qemu-riscv64" }, ...guestMount], "launcher mounts");
}

function checkVolumes(t, spec, release, values) {
  const volumes = Object.fromEntries((spec.volumes ?? []).map((v) => [v.name, v]));
  const secrets = want.secretVolumes(release, values);
  t.equal(Object.keys(volumes).sort(), ["data", "runtime", "tmp", "tools", ...Object.keys(secrets)].sort(), "volumes");
  // Secret files: group-readable with the pod's fsGroup, else readable by all (the containers' user is not root).
  const mode = values.podSecurityContext?.fsGroup ? 0o440 : 0o444;
  for (const [name, secret] of Object.entries(secrets)) {
    t.equal(volumes[name]?.secret, { ...secret, defaultMode: mode }, `${name} is the Secret ${secret.secretName} as files`);
  }
  t.that(volumes.runtime?.emptyDir !== undefined, "runtime is an emptyDir");
  t.that(volumes.tools?.emptyDir !== undefined, "tools is an emptyDir");
  t.that(volumes.tmp?.emptyDir !== undefined, "tmp is an emptyDir");
  if (values.persistence.enabled) {
    const claim = values.persistence.existingClaim || `${want.fullname(release, values)}-data`;
    t.equal(volumes.data?.persistentVolumeClaim, { claimName: claim }, "data is the PVC");
  } else {
    t.equal(volumes.data?.emptyDir, {}, "data is an emptyDir");
  }
}

// The security contexts the values give every container of the pod (and the test pod):
// by default the restricted profile. With passt, a RuntimeDefault seccomp profile is left
// out of the VM pod's and its launcher's (the runtime's default then: baseline), since
// passt sandboxes itself in a user namespace, which RuntimeDefault forbids.
export function checkSecurity(t, podSpecOrPod, what, values, { vmPod = false } = {}) {
  const passtUnsets = (profile) =>
    vmPod && want.networkMode(values) === "passt" && profile?.type === "RuntimeDefault" ? undefined : profile;
  const pod = podSpecOrPod.securityContext ?? {};
  t.equal(pod.runAsNonRoot, true, `${what}: pod runAsNonRoot`);
  t.equal(pod.runAsUser, 1000, `${what}: pod runAsUser`);
  t.equal(pod.seccompProfile, passtUnsets(values.podSecurityContext.seccompProfile), `${what}: pod seccompProfile`);
  t.equal(podSpecOrPod.automountServiceAccountToken, false, `${what}: no service account token`);
  for (const c of [...(podSpecOrPod.initContainers ?? []), ...podSpecOrPod.containers]) {
    const sc = c.securityContext ?? {};
    t.equal(sc.allowPrivilegeEscalation, false, `${what} ${c.name}: allowPrivilegeEscalation`);
    t.that(sc.capabilities?.drop?.includes("ALL") && !sc.capabilities?.add, `${what} ${c.name}: all capabilities dropped`);
    t.equal(sc.readOnlyRootFilesystem, true, `${what} ${c.name}: read-only root filesystem`);
    t.equal(sc.runAsNonRoot, true, `${what} ${c.name}: runAsNonRoot`);
    t.that(sc.privileged !== true, `${what} ${c.name}: not privileged`);
    const profile = values.securityContext.seccompProfile;
    t.equal(sc.seccompProfile, c.name === "launcher" ? passtUnsets(profile) : profile, `${what} ${c.name}: seccompProfile`);
  }
}

export function checkStatefulSet(t, objects, release, values) {
  const set = vmSet(objects);
  const spec = podSpec(objects);
  t.equal(set.spec.replicas, 1, "one replica: one VM");
  t.equal(set.spec.serviceName, `${want.fullname(release, values)}-headless`, "governed by the headless Service");
  const headless = ofKind(objects, "Service").find((s) => s.metadata.name === set.spec.serviceName);
  t.equal([headless?.spec.clusterIP, headless?.spec.publishNotReadyAddresses], ["None", true],
    "the headless Service names every VM pod, ready or not");
  t.equal(headless?.spec.selector, set.spec.selector.matchLabels, "the headless Service selects the VM pods");
  t.equal(spec.serviceAccountName, values.serviceAccount.create
    ? values.serviceAccount.name || want.fullname(release, values) : values.serviceAccount.name || "default",
  "serviceAccountName");
  const grace = spec.terminationGracePeriodSeconds;
  t.equal(grace, want.gracePeriod(values), "terminationGracePeriodSeconds");
  t.that(grace > want.shutdownTimeout(values), `grace period ${grace} above the shutdown timeout ${want.shutdownTimeout(values)}`);
  checkInitContainers(t, spec, values);
  checkConsole(t, spec, release, values);
  checkLauncher(t, spec, release, values);
  checkVolumes(t, spec, release, values);
  checkSecurity(t, spec, "pod", values, { vmPod: true });
}
