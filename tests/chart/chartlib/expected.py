"""What the rendered objects must hold for given values: the names, env and ports that the
launcher and console read (design.md, "Interfaces fixed between the parts")."""
import math
import re

LAUNCHER_ENV = {"VM_CPU_COUNT", "VM_MEMORY", "VM_CPU_FEATURES", "VM_BIOS", "VM_KERNEL", "VM_INITRD", "VM_DRIVE",
                "VM_APPEND", "VM_DATA_DIR", "VM_TELNET_PORT", "VM_FORWARD_PORTS", "VM_SHUTDOWN_TIMEOUT", "VM_QEMU",
                "VM_RUNTIME_DIR", "VM_GUEST_PASSWORD_FILE", "VM_GUEST_SSH_KEY_FILE", "VM_TELNET_SOCKET", "VM_NETWORK",
                "VM_PASST_PORTS", "VM_POD_PORTS", "VM_PASST", "VM_READY_PATTERN", "VM_STATUS_SOCKET",
                "VM_WARM_START", "VM_HIBERNATE", "VM_HOSTNAME", "VM_RECORDING_MAX", "VM_RECORDING_INPUT",
                "VM_RECORDING_SOCKET"}
CONSOLE_SOCKET = "/run/qemu-riscv64/console.sock"
CONSOLE_ENV = {"CONSOLE_LISTEN", "CONSOLE_TELNET", "CONSOLE_TITLE", "CONSOLE_AUTH_FILE", "CONSOLE_READ_ONLY",
               "CONSOLE_ALLOW_ORIGIN", "CONSOLE_MAX_SESSIONS", "CONSOLE_STATUS", "CONSOLE_BASE_PATH",
               "CONSOLE_ALLOW_HOST", "CONSOLE_STALL_TIMEOUT", "CONSOLE_PING_INTERVAL", "CONSOLE_RECORDING"}
# What the console reads in its front role (console/README.md, "The front").
FRONT_ENV = {"CONSOLE_ROLE", "CONSOLE_LISTEN", "CONSOLE_FRONT_PEERS", "CONSOLE_FRONT_PEER_BASE_PATH",
             "CONSOLE_FRONT_POLL_INTERVAL", "CONSOLE_FRONT_DNS", "CONSOLE_BASE_PATH", "CONSOLE_ALLOW_HOST",
             "CONSOLE_TITLE", "CONSOLE_ALLOW_ORIGIN", "CONSOLE_AUTH_FILE", "CONSOLE_MAX_SESSIONS",
             "CONSOLE_MAX_CONNECTIONS", "CONSOLE_STALL_TIMEOUT", "CONSOLE_PING_INTERVAL", "CONSOLE_THREADS"}
STATUS_SOCKET = "/run/qemu-riscv64/status.sock"
RECORDING_SOCKET = "/run/qemu-riscv64/recording.sock"
# The Secrets, mounted as files: never in an environment.
CONSOLE_AUTH_FILE = "/run/secrets/console-auth/auth"
GUEST_SECRET_DIR = "/run/secrets/guest"


def js_string(value):
    """A value as JavaScript's String() writes it (the chart's env values are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def fullname(release, values):
    if values.get("fullnameOverride"):
        return values["fullnameOverride"]
    name = values.get("nameOverride") or "qemu-riscv64"
    return release if name in release else "%s-%s" % (release, name)


def forwards(values):
    """Guest ports the launcher forwards: [{name, port (container), servicePort, guestPort, nodePort}]."""
    ports = []
    if values["ssh"]["enabled"]:
        ports.append({"name": "ssh", "port": 2222, "servicePort": values["ssh"]["port"], "guestPort": 22,
                      "nodePort": values["ssh"].get("nodePort")})
    for p in values.get("forwardPorts") or []:
        container = p.get("containerPort")
        if container is None:
            container = p["guestPort"] if p["guestPort"] >= 1024 else p["guestPort"] + 10000
        ports.append({"name": p["name"], "port": container, "servicePort": p["port"], "guestPort": p["guestPort"],
                      "nodePort": None})
    return ports


def image(values, ref):
    """The image with global.imageRegistry in place of (or in front of) its registry."""
    registry = (values.get("global") or {}).get("imageRegistry")
    if not registry:
        return ref
    parts = ref.split("/")
    has_registry = len(parts) > 1 and re.search(r"[.:]|^localhost$", parts[0])
    return "%s/%s" % (re.sub(r"/$", "", registry), "/".join(parts[1:] if has_registry else parts))


def launcher_image(values):
    images = values["images"]
    rvv = images.get("launcherRVV071") and "rvv-0.7.1" in images["data"]
    return image(values, images["launcherRVV071"] if rvv else images["launcher"])


def base_path(values):
    return re.sub(r"/$", "", values["ingress"]["path"]) if values["ingress"]["enabled"] else ""


def allow_hosts(release, values, namespace="vms"):
    name = fullname(release, values)
    hosts = [name, "%s.%s" % (name, namespace), "%s.%s.svc" % (name, namespace),
             "%s.%s.svc.cluster.local" % (name, namespace)]
    if values["ingress"]["enabled"] and values["ingress"].get("host"):
        hosts.append(values["ingress"]["host"])
    hosts += [js_string(host) for host in values["console"].get("allowHosts") or []]
    return ",".join(dict.fromkeys(hosts))


def extra_env(entries):
    """extraEnv entries as env_of() shows them."""
    env = {}
    for entry in entries or []:
        ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
        env[entry["name"]] = ({"secret": ref["name"], "key": ref["key"], "optional": ref.get("optional", False)}
                              if ref else js_string(entry.get("value")))
    return env


def memory_limit_mi(values):
    """The whole VM in Mi (the default memory limit): guest RAM + QEMU's overhead."""
    overhead = values["memoryOverhead"]
    return values["memory"] + overhead["fixed"] + math.ceil(values["memory"] * overhead["percent"] / 100)


def memory_request_mi(values):
    """What a booted VM uses in practice (the default request): QEMU's fixed overhead plus a
    quarter of the guest RAM."""
    return values["memoryOverhead"]["fixed"] + math.ceil(values["memory"] / 4)


def cpu_request(values):
    """A quarter CPU per vCPU."""
    return "%dm" % (250 * values["cpu"]["count"])


def network_mode(values):
    """network.mode resolved without a cluster (helm template): auto is passt."""
    mode = values["network"].get("mode")
    return "passt" if not mode or mode == "auto" else mode


def recording_on(values):
    """Whether the launcher records the console (recording.maxMiB, 4 without the value)."""
    return values.get("recording", {}).get("maxMiB", 4) != 0


def hibernate(values):
    """VM_HIBERNATE: hibernate, auto meaning on with persistence."""
    value = values.get("hibernate")
    mode = ("on" if value else "off") if isinstance(value, bool) else value or "auto"
    if mode != "auto":
        return mode
    return "on" if values["persistence"]["enabled"] else "off"


def shutdown_timeout(values):
    """VM_SHUTDOWN_TIMEOUT: shutdownTimeout, raised while hibernating to the RAM's save time + 10 s."""
    if hibernate(values) != "on":
        return values["shutdownTimeout"]
    return max(values["shutdownTimeout"], math.ceil(values["memory"] / values["hibernateWriteRate"]) + 10)


def grace_period(values):
    given = values.get("terminationGracePeriodSeconds")
    return shutdown_timeout(values) + 15 if given is None else given


def guest_secret_name(release, values):
    guest = values["guest"]
    if guest.get("existingSecret"):
        return guest["existingSecret"]
    if guest.get("password") or guest.get("sshAuthorizedKey"):
        return "%s-guest" % fullname(release, values)
    return None


def console_auth_ref(release, values):
    auth = values["console"]["auth"]
    if not auth["enabled"]:
        return None
    if auth.get("existingSecret"):
        return {"secret": auth["existingSecret"], "key": auth.get("existingSecretKey"), "optional": False}
    return {"secret": "%s-console-auth" % fullname(release, values), "key": "auth", "optional": False}


def launcher_env(release, values):
    env = {"VM_CPU_COUNT": js_string(values["cpu"]["count"]), "VM_MEMORY": js_string(values["memory"])}
    if values["cpu"].get("features"):
        env["VM_CPU_FEATURES"] = values["cpu"]["features"]
    if values.get("append"):
        env["VM_APPEND"] = values["append"]
    # warmStart: "auto"/"off", or a YAML boolean (an unquoted off); unset means auto.
    warm = values.get("warmStart")
    env.update({"VM_HOSTNAME": {"field": "metadata.name"}, "VM_DATA_DIR": "/data",
                "VM_WARM_START": ("auto" if warm else "off") if isinstance(warm, bool) else warm or "auto",
                "VM_RUNTIME_DIR": "/tmp", "VM_TELNET_PORT": "10023", "VM_TELNET_SOCKET": CONSOLE_SOCKET,
                "VM_NETWORK": network_mode(values), "VM_STATUS_SOCKET": STATUS_SOCKET})
    if network_mode(values) == "passt":
        env.update({"VM_PASST_PORTS": values["network"].get("passtPorts"), "VM_POD_PORTS": "8080"})
    env["VM_SHUTDOWN_TIMEOUT"] = js_string(shutdown_timeout(values))
    env["VM_HIBERNATE"] = hibernate(values)
    recording = values.get("recording", {})
    env["VM_RECORDING_MAX"] = str(recording.get("maxMiB", 4))
    env["VM_RECORDING_INPUT"] = "on" if recording.get("input") else "off"
    if recording_on(values):
        env["VM_RECORDING_SOCKET"] = RECORDING_SOCKET
    ports = forwards(values)
    if ports:
        env["VM_FORWARD_PORTS"] = ",".join("%s:%s" % (p["port"], p["guestPort"]) for p in ports)
    if guest_secret_name(release, values):
        env["VM_GUEST_PASSWORD_FILE"] = GUEST_SECRET_DIR + "/password"
        env["VM_GUEST_SSH_KEY_FILE"] = GUEST_SECRET_DIR + "/ssh-key"
    return {**env, **extra_env(values.get("extraEnv"))}


def console_env(release, values):
    c = values["console"]
    env = {"CONSOLE_LISTEN": "0.0.0.0:8080", "CONSOLE_TELNET": "unix:" + CONSOLE_SOCKET,
           "CONSOLE_STATUS": STATUS_SOCKET, "CONSOLE_ALLOW_HOST": allow_hosts(release, values)}
    if recording_on(values):
        env["CONSOLE_RECORDING"] = RECORDING_SOCKET
    if base_path(values):
        env["CONSOLE_BASE_PATH"] = base_path(values)
    env.update({"CONSOLE_TITLE": c.get("title") or release, "CONSOLE_READ_ONLY": js_string(c["readOnly"])})
    if c.get("allowOrigin"):
        env["CONSOLE_ALLOW_ORIGIN"] = c["allowOrigin"]
    if c.get("maxSessions") is not None:
        env["CONSOLE_MAX_SESSIONS"] = js_string(c["maxSessions"])
    if console_auth_ref(release, values):
        env["CONSOLE_AUTH_FILE"] = CONSOLE_AUTH_FILE
    return {**env, **extra_env(c.get("extraEnv"))}


def secret_volumes(release, values):
    """The Secret volumes: {name: {secretName, items}}, as the pod must mount them."""
    volumes = {}
    auth = console_auth_ref(release, values)
    if auth:
        volumes["console-auth"] = {"secretName": auth["secret"], "items": [{"key": auth["key"], "path": "auth"}]}
    guest = guest_secret_name(release, values)
    if guest:
        volumes["guest-credentials"] = {"secretName": guest, "items": [{"key": "password", "path": "password"},
                                                                         {"key": "ssh-key", "path": "ssh-key"}]}
    return volumes


def replicas(values):
    """The replicas value (1 when a release's values lack it)."""
    return 1 if values.get("replicas") is None else values["replicas"]


def front(values):
    """Whether the release runs a front, without a cluster (helm template): front.enabled,
    auto meaning more than one VM."""
    enabled = (values.get("front") or {}).get("enabled", "auto")
    return replicas(values) > 1 if enabled == "auto" else bool(enabled)


def fleet(values):
    """More than one VM, or a front: the VMs spread over nodes and get a claim each."""
    return replicas(values) > 1 or front(values)


def claim_per_vm(values):
    """Each VM its own claim (volumeClaimTemplates), without a cluster: a new fleet's."""
    persistence = values["persistence"]
    return bool(persistence["enabled"] and not persistence.get("existingClaim") and fleet(values))


def front_name(release, values):
    return "%s-front" % fullname(release, values)


def vm_selector(release):
    return {"app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": release,
            "app.kubernetes.io/component": "vm"}


def front_selector(release):
    return {**vm_selector(release), "app.kubernetes.io/component": "front"}


def spread(release, values):
    """The VM pods' topologySpreadConstraints: the ones given, else nodeSpread's for a fleet."""
    given = values.get("topologySpreadConstraints")
    if given:
        return given
    mode = values.get("nodeSpread") or "ScheduleAnyway"
    if not fleet(values) or mode == "none":
        return None
    return [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": mode,
             "labelSelector": {"matchLabels": vm_selector(release)}}]


def front_env(release, values, namespace="vms"):
    """The front's env: the console in its front role, its peers the headless Service."""
    c = values["console"]
    env = {"CONSOLE_ROLE": "front", "CONSOLE_LISTEN": "0.0.0.0:8080",
           "CONSOLE_FRONT_PEERS": "%s-headless:8080" % fullname(release, values)}
    if base_path(values):
        env.update({"CONSOLE_FRONT_PEER_BASE_PATH": base_path(values), "CONSOLE_BASE_PATH": base_path(values)})
    env.update({"CONSOLE_ALLOW_HOST": allow_hosts(release, values, namespace),
                "CONSOLE_TITLE": c.get("title") or release})
    if c.get("allowOrigin"):
        env["CONSOLE_ALLOW_ORIGIN"] = c["allowOrigin"]
    if console_auth_ref(release, values):
        env["CONSOLE_AUTH_FILE"] = CONSOLE_AUTH_FILE
    return {**env, **extra_env((values.get("front") or {}).get("extraEnv"))}
