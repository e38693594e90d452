// What the rendered objects must hold for given values: the names, env and ports that the
// launcher and console read (design.md, "Interfaces fixed between the parts").

export const LAUNCHER_ENV = new Set(["VM_CPU_COUNT", "VM_MEMORY", "VM_CPU_FEATURES", "VM_BIOS", "VM_KERNEL",
  "VM_INITRD", "VM_DRIVE", "VM_APPEND", "VM_DATA_DIR", "VM_TELNET_PORT", "VM_FORWARD_PORTS",
  "VM_SHUTDOWN_TIMEOUT", "VM_QEMU", "VM_RUNTIME_DIR", "VM_GUEST_PASSWORD_FILE", "VM_GUEST_SSH_KEY_FILE",
  "VM_TELNET_SOCKET", "VM_NETWORK", "VM_PASST_PORTS", "VM_POD_PORTS", "VM_PASST",
  "VM_READY_PATTERN", "VM_STATUS_SOCKET", "VM_WARM_START", "VM_HIBERNATE"]);
export const CONSOLE_SOCKET = "/run/qemu-riscv64/console.sock";
export const CONSOLE_ENV = new Set(["CONSOLE_LISTEN", "CONSOLE_TELNET", "CONSOLE_TITLE", "CONSOLE_AUTH_FILE",
  "CONSOLE_READ_ONLY", "CONSOLE_ALLOW_ORIGIN", "CONSOLE_MAX_SESSIONS", "CONSOLE_STATUS", "CONSOLE_BASE_PATH",
  "CONSOLE_ALLOW_HOST", "CONSOLE_STALL_TIMEOUT", "CONSOLE_PING_INTERVAL"]);
export const STATUS_SOCKET = "/run/qemu-riscv64/status.sock";
// The Secrets, mounted as files: never in an environment.
export const CONSOLE_AUTH_FILE = "/run/secrets/console-auth/auth";
export const GUEST_SECRET_DIR = "/run/secrets/guest";

export function fullname(release, values) {
  if (values.fullnameOverride) return values.fullnameOverride;
  const name = values.nameOverride || "qemu-riscv64";
  return release.includes(name) ? release : `${release}-${name}`;
}

// Guest ports the launcher forwards: [{name, port (container), servicePort, guestPort, nodePort}].
export function forwards(values) {
  const ports = [];
  if (values.ssh.enabled) {
    ports.push({ name: "ssh", port: 2222, servicePort: values.ssh.port, guestPort: 22, nodePort: values.ssh.nodePort });
  }
  for (const p of values.forwardPorts ?? []) {
    const container = p.containerPort ?? (p.guestPort >= 1024 ? p.guestPort : p.guestPort + 10000);
    ports.push({ name: p.name, port: container, servicePort: p.port, guestPort: p.guestPort, nodePort: null });
  }
  return ports;
}

// The image with global.imageRegistry in place of (or in front of) its registry.
export function image(values, ref) {
  const registry = values.global?.imageRegistry;
  if (!registry) return ref;
  const parts = ref.split("/");
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  return `${registry.replace(/\/$/, "")}/${(hasRegistry ? parts.slice(1) : parts).join("/")}`;
}

export function launcherImage(values) {
  const rvv = values.images.launcherRVV071 && values.images.data.includes("rvv-0.7.1");
  return image(values, rvv ? values.images.launcherRVV071 : values.images.launcher);
}

export function basePath(values) {
  return values.ingress.enabled ? values.ingress.path.replace(/\/$/, "") : "";
}

export function allowHosts(release, values, namespace = "vms") {
  const name = fullname(release, values);
  const hosts = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
  if (values.ingress.enabled && values.ingress.host) hosts.push(values.ingress.host);
  return [...new Set([...hosts, ...(values.console.allowHosts ?? [])])].join(",");
}

// extraEnv entries as envOf() shows them.
function extraEnv(list) {
  const env = {};
  for (const entry of list ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    env[entry.name] = ref ? { secret: ref.name, key: ref.key, optional: ref.optional ?? false } : String(entry.value);
  }
  return env;
}

// The whole VM in Mi (the default memory limit): guest RAM + QEMU's overhead.
export function memoryLimitMi(values) {
  const { fixed, percent } = values.memoryOverhead;
  return values.memory + fixed + Math.ceil((values.memory * percent) / 100);
}

// What a booted VM uses in practice (the default requests): QEMU's fixed overhead plus a
// quarter of the guest RAM; a quarter CPU per vCPU.
export function memoryRequestMi(values) {
  return values.memoryOverhead.fixed + Math.ceil(values.memory / 4);
}
export function cpuRequest(values) {
  return `${250 * values.cpu.count}m`;
}

// network.mode resolved without a cluster (helm template): auto is passt.
export function networkMode(values) {
  return !values.network.mode || values.network.mode === "auto" ? "passt" : values.network.mode;
}

// VM_HIBERNATE: hibernate, auto meaning on with persistence.
export function hibernate(values) {
  const mode = typeof values.hibernate === "boolean" ? (values.hibernate ? "on" : "off") : values.hibernate || "auto";
  return mode === "auto" ? (values.persistence.enabled ? "on" : "off") : mode;
}

// VM_SHUTDOWN_TIMEOUT: shutdownTimeout, raised while hibernating to the RAM's save time + 10 s.
export function shutdownTimeout(values) {
  if (hibernate(values) !== "on") return values.shutdownTimeout;
  return Math.max(values.shutdownTimeout, Math.ceil(values.memory / values.hibernateWriteRate) + 10);
}

export function gracePeriod(values) {
  return values.terminationGracePeriodSeconds ?? shutdownTimeout(values) + 15;
}

export function guestSecretName(release, values) {
  if (values.guest.existingSecret) return values.guest.existingSecret;
  if (values.guest.password || values.guest.sshAuthorizedKey) return `${fullname(release, values)}-guest`;
  return null;
}

export function consoleAuthRef(release, values) {
  const auth = values.console.auth;
  if (!auth.enabled) return null;
  return auth.existingSecret
    ? { secret: auth.existingSecret, key: auth.existingSecretKey, optional: false }
    : { secret: `${fullname(release, values)}-console-auth`, key: "auth", optional: false };
}

export function launcherEnv(release, values) {
  const env = { VM_CPU_COUNT: String(values.cpu.count), VM_MEMORY: String(values.memory) };
  if (values.cpu.features) env.VM_CPU_FEATURES = values.cpu.features;
  if (values.append) env.VM_APPEND = values.append;
  // warmStart: "auto"/"off", or a YAML boolean (an unquoted off); unset means auto.
  const warm = values.warmStart;
  Object.assign(env, { VM_DATA_DIR: "/data",
    VM_WARM_START: typeof warm === "boolean" ? (warm ? "auto" : "off") : (warm || "auto"),
    VM_RUNTIME_DIR: "/tmp", VM_TELNET_PORT: "10023",
    VM_TELNET_SOCKET: CONSOLE_SOCKET, VM_NETWORK: networkMode(values), VM_STATUS_SOCKET: STATUS_SOCKET });
  if (networkMode(values) === "passt") Object.assign(env, { VM_PASST_PORTS: values.network.passtPorts, VM_POD_PORTS: "8080" });
  env.VM_SHUTDOWN_TIMEOUT = String(shutdownTimeout(values));
  env.VM_HIBERNATE = hibernate(values);
  const ports = forwards(values);
  if (ports.length) env.VM_FORWARD_PORTS = ports.map((p) => `${p.port}:${p.guestPort}`).join(",");
  const secret = guestSecretName(release, values);
  if (secret) {
    env.VM_GUEST_PASSWORD_FILE = `${GUEST_SECRET_DIR}/password`;
    env.VM_GUEST_SSH_KEY_FILE = `${GUEST_SECRET_DIR}/ssh-key`;
  }
  return { ...env, ...extraEnv(values.extraEnv) };
}

export function consoleEnv(release, values) {
  const c = values.console;
  const env = { CONSOLE_LISTEN: "0.0.0.0:8080", CONSOLE_TELNET: `unix:${CONSOLE_SOCKET}`,
    CONSOLE_STATUS: STATUS_SOCKET, CONSOLE_ALLOW_HOST: allowHosts(release, values) };
  if (basePath(values)) env.CONSOLE_BASE_PATH = basePath(values);
  Object.assign(env, { CONSOLE_TITLE: c.title || release, CONSOLE_READ_ONLY: String(c.readOnly) });
  if (c.allowOrigin) env.CONSOLE_ALLOW_ORIGIN = c.allowOrigin;
  if (c.maxSessions !== null && c.maxSessions !== undefined) env.CONSOLE_MAX_SESSIONS = String(c.maxSessions);
  if (consoleAuthRef(release, values)) env.CONSOLE_AUTH_FILE = CONSOLE_AUTH_FILE;
  return { ...env, ...extraEnv(c.extraEnv) };
}

// The Secret volumes: {name: {secretName, items}}, as the pod must mount them.
export function secretVolumes(release, values) {
  const volumes = {};
  const auth = consoleAuthRef(release, values);
  if (auth) volumes["console-auth"] = { secretName: auth.secret, items: [{ key: auth.key, path: "auth" }] };
  const guest = guestSecretName(release, values);
  if (guest) {
    volumes["guest-credentials"] = { secretName: guest,
      items: [{ key: "password", path: "password" }, { key: "ssh-key", path: "ssh-key" }] };
  }
  return volumes;
}
