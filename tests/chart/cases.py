"""The `helm template` matrix: each case is a list of --set strings plus checks of its own,
on top of the checks every rendering must pass (test_render.py, test_render[NAME]). CMakeLists.txt
makes one ctest of each `@case("NAME", ...)` line: chart.chart.template-NAME."""
from chartlib.objects import console_service, container, env_of, mebibytes, of_kind, only, pod_spec, vm_set

CASES = {}  # name -> (sets, values file or None, check(t, objects, values))


def case(name, *sets, values_file=None):
    def register(check):
        CASES[name] = (list(sets), values_file, check)
        return check
    return register


def launcher(objects):
    return container(pod_spec(objects), "launcher")


def launcher_env(objects):
    return env_of(launcher(objects))


def console_env(objects):
    return env_of(container(pod_spec(objects), "console"))


def service_ports(objects):
    return console_service(objects)["spec"]["ports"]


def pod_annotations(objects):
    return vm_set(objects)["spec"]["template"]["metadata"]["annotations"]


def scrape_annotations(objects):
    return {k: v for k, v in pod_annotations(objects).items() if k.startswith("prometheus.io/")}


def selected_services(objects, monitor):
    """The Services a ServiceMonitor selects, by its labels."""
    return [s for s in of_kind(objects, "Service")
            if all((s["metadata"].get("labels") or {}).get(k) == v
                   for k, v in monitor["spec"]["selector"]["matchLabels"].items())]


def secret_volume(objects, name):
    return next((v.get("secret") for v in pod_spec(objects)["volumes"] if v["name"] == name), None)


def data_claim(objects):
    return next(v for v in pod_spec(objects)["volumes"] if v["name"] == "data").get("persistentVolumeClaim")


@case("defaults")
def defaults(t, objects, values):
    t.equal(console_service(objects)["spec"]["type"], "LoadBalancer", "default service.type")
    t.equal(service_ports(objects)[0]["port"], 8080, "default service.port")
    t.equal(launcher_env(objects).get("VM_CPU_COUNT"), "2", "default cpu.count")
    t.equal(launcher_env(objects).get("VM_MEMORY"), "2048", "default memory")
    t.that("VM_CPU_FEATURES" not in launcher_env(objects), "no VM_CPU_FEATURES by default: the data image decides")
    t.equal([launcher_env(objects).get("VM_RECORDING_MAX"), launcher_env(objects).get("VM_RECORDING_INPUT")],
            ["4", "off"], "the console recorded by default, 4 MiB a part, output only")
    t.equal(pod_spec(objects).get("terminationGracePeriodSeconds"), 40, "default grace period")
    t.equal(launcher_env(objects).get("VM_HIBERNATE"), "off",
            "no hibernate without persistence: the emptyDir goes with the pod")
    # What a booted VM uses in practice: two default VMs fit a 2-CPU, 4 GiB node beside its system pods.
    t.equal(launcher(objects)["resources"].get("requests"), {"cpu": "500m", "memory": "768Mi"}, "default requests")
    t.equal(launcher(objects)["resources"].get("limits"), {"memory": "2509Mi"},
            "default limits: the whole VM's memory, no CPU limit")
    t.equal(launcher_env(objects).get("VM_NETWORK"), "passt", "network.mode=auto without a cluster: passt")
    t.that(not of_kind(objects, "NetworkPolicy"), "no NetworkPolicy by default")
    t.equal(vm_set(objects)["spec"].get("updateStrategy"), {"type": "RollingUpdate"},
            "a StatefulSet's rollout: the old pod gone before the new one starts")
    t.equal(console_env(objects).get("CONSOLE_AUTH_FILE"), "/run/secrets/console-auth/auth",
            "console auth on by default")
    t.equal(secret_volume(objects, "console-auth")["secretName"], "myvm-qemu-riscv64-console-auth",
            "from the generated Secret")
    t.equal(container(pod_spec(objects), "console")["startupProbe"]["failureThreshold"] * 10, 600,
            "startupProbe: 600 s")
    t.equal(pod_spec(objects)["initContainers"][1]["image"], "localhost/qemu-riscv64-data-debian-13:0.1.0",
            "default guest")
    t.equal(scrape_annotations(objects), {"prometheus.io/scrape": "true", "prometheus.io/port": "8080",
                                          "prometheus.io/path": "/metrics"}, "the pod's scrape annotations by default")
    t.that(isinstance(pod_annotations(objects).get("checksum/secrets"), str), "the checksum annotation beside them")
    t.equal(of_kind(objects, "ServiceMonitor"), [], "no ServiceMonitor by default")
    # One VM, as before the fleet: no front, no spread, the Service on the VM.
    t.equal(vm_set(objects)["spec"].get("replicas"), 1, "one VM by default")
    t.equal(of_kind(objects, "Deployment"), [], "no front for one VM")
    t.equal(pod_spec(objects).get("topologySpreadConstraints"), None, "no spread constraint for one VM")
    t.equal(console_service(objects)["spec"]["selector"].get("app.kubernetes.io/component"), "vm",
            "the Service reaches the VM")


@case("metrics-annotations-off", "metrics.annotations=false")
def metrics_annotations_off(t, objects, values):
    t.equal(scrape_annotations(objects), {}, "no scrape annotations")
    t.that(isinstance(pod_annotations(objects).get("checksum/secrets"), str), "the checksum annotation stays")


@case("metrics-service-monitor", "metrics.serviceMonitor.enabled=true,metrics.serviceMonitor.interval=30s",
      "metrics.serviceMonitor.labels.release=kube-prometheus-stack", "podAnnotations.team=lab")
def metrics_service_monitor(t, objects, values):
    monitor = only(objects, "ServiceMonitor")
    t.equal(monitor["apiVersion"], "monitoring.coreos.com/v1", "the Prometheus Operator's API")
    t.equal(monitor["metadata"]["labels"].get("release"), "kube-prometheus-stack", "metrics.serviceMonitor.labels")
    t.equal(monitor["spec"].get("endpoints"), [{"port": "http", "path": "/metrics", "interval": "30s"}], "endpoint")
    t.equal(monitor["spec"].get("namespaceSelector"), {"matchNames": ["vms"]}, "the release's namespace")
    services = selected_services(objects, monitor)
    t.equal([s["spec"].get("clusterIP") for s in services], ["None"],
            "it selects the headless Service only: each pod once")
    spec = services[0]["spec"] if services else {}
    t.that(any(p.get("name") == "http" and p.get("targetPort") == "http" for p in spec.get("ports") or []),
           "which has the http port")
    t.equal(spec.get("selector"), vm_set(objects)["spec"]["selector"]["matchLabels"], "and selects the VM pods")
    t.equal(pod_annotations(objects).get("team"), "lab", "podAnnotations beside the scrape annotations")
    t.equal(scrape_annotations(objects).get("prometheus.io/scrape"), "true",
            "annotations stay on with a ServiceMonitor")


@case("metrics-base-path", "ingress.enabled=true,ingress.path=/vm1,metrics.serviceMonitor.enabled=true")
def metrics_base_path(t, objects, values):
    t.equal(scrape_annotations(objects).get("prometheus.io/path"), "/vm1/metrics",
            "the annotation's path under the base path")
    t.equal(only(objects, "ServiceMonitor")["spec"]["endpoints"][0].get("path"), "/vm1/metrics",
            "the ServiceMonitor's path too")


@case("network-user", "network.mode=user")
def network_user(t, objects, values):
    t.equal(launcher_env(objects).get("VM_NETWORK"), "user", "VM_NETWORK")
    t.that("VM_PASST_PORTS" not in launcher_env(objects), "no VM_PASST_PORTS without passt")
    t.equal(pod_spec(objects)["securityContext"].get("seccompProfile"), {"type": "RuntimeDefault"},
            "user networking: the pod keeps RuntimeDefault (restricted)")
    t.equal(launcher(objects)["securityContext"].get("seccompProfile"), {"type": "RuntimeDefault"},
            "user networking: the launcher keeps RuntimeDefault (restricted)")


@case("passt-localhost-seccomp", "securityContext.seccompProfile.type=Localhost",
      "securityContext.seccompProfile.localhostProfile=profiles/passt.json")
def passt_localhost_seccomp(t, objects, values):
    t.equal(launcher(objects)["securityContext"].get("seccompProfile"),
            {"type": "Localhost", "localhostProfile": "profiles/passt.json"}, "passt: a Localhost profile is kept")


@case("port-8081", "service.port=8081")
def port_8081(t, objects, values):
    t.equal(service_ports(objects)[0], {"name": "http", "port": 8081, "targetPort": "http", "protocol": "TCP"},
            "Service port")
    t.equal(pod_spec(objects)["containers"][0]["ports"][0]["containerPort"], 8080, "the console still listens on 8080")


@case("cpu4-mem4096", "cpu.count=4,memory=4096")
def cpu4_mem4096(t, objects, values):
    t.equal(launcher_env(objects).get("VM_CPU_COUNT"), "4", "VM_CPU_COUNT")
    t.equal(launcher_env(objects).get("VM_MEMORY"), "4096", "VM_MEMORY")
    resources = launcher(objects)["resources"]
    t.equal(resources["requests"].get("cpu"), "1000m", "CPU request: 250m per vCPU")
    t.equal(mebibytes(resources["requests"].get("memory")), 256 + 1024, "memory request: overhead + a quarter")
    t.that(mebibytes(resources["limits"].get("memory")) >= 4096 + 256, "memory limit covers QEMU's overhead")


@case("cpu-features-append", "cpu.features=v=true\\,vlen=256\\,vext_spec=v1.0",
      "append=console=ttyS0 root=/dev/vda1 rw")
def cpu_features_append(t, objects, values):
    t.equal(launcher_env(objects).get("VM_CPU_FEATURES"), "v=true,vlen=256,vext_spec=v1.0", "VM_CPU_FEATURES")
    t.equal(launcher_env(objects).get("VM_APPEND"), "console=ttyS0 root=/dev/vda1 rw", "VM_APPEND")


@case("persistence", "persistence.enabled=true,persistence.size=20Gi,persistence.storageClass=fast-ssd")
def persistence(t, objects, values):
    # The disk outlives the pod: SIGTERM saves the guest, given the time 2048 MiB take at 50 MiB/s.
    env = launcher_env(objects)
    t.equal([env.get("VM_HIBERNATE"), env.get("VM_SHUTDOWN_TIMEOUT")], ["on", "51"],
            "hibernate on with persistence, the shutdown timeout raised for the save")
    t.equal(pod_spec(objects).get("terminationGracePeriodSeconds"), 66, "the grace period follows")
    t.equal(data_claim(objects), {"claimName": "myvm-qemu-riscv64-data"},
            "the chart's claim, named as the Deployment before had it")
    t.equal(only(objects, "PersistentVolumeClaim")["spec"].get("storageClassName"), "fast-ssd", "storage class")


@case("persistence-no-class", "persistence.enabled=true,persistence.storageClass=-")
def persistence_no_class(t, objects, values):
    t.equal(only(objects, "PersistentVolumeClaim")["spec"].get("storageClassName"), "",
            "'-' means storageClassName \"\"")


@case("persistence-existing-claim", "persistence.enabled=true,persistence.existingClaim=my-vm-disk")
def persistence_existing_claim(t, objects, values):
    t.equal(data_claim(objects), {"claimName": "my-vm-disk"}, "the existing claim is mounted")


@case("ssh", "ssh.enabled=true")
def ssh(t, objects, values):
    t.equal(launcher_env(objects).get("VM_FORWARD_PORTS"), "2222:22", "VM_FORWARD_PORTS")
    t.equal(launcher(objects).get("ports"), [{"name": "ssh", "containerPort": 2222, "protocol": "TCP"}],
            "launcher port 2222")
    t.equal(service_ports(objects)[1], {"name": "ssh", "port": 22, "targetPort": "ssh", "protocol": "TCP"},
            "Service ssh port")


@case("ssh-and-forwards", "ssh.enabled=true,ssh.port=2200",
      "forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80")
def ssh_and_forwards(t, objects, values):
    t.equal(launcher_env(objects).get("VM_FORWARD_PORTS"), "2222:22,10080:80",
            "VM_FORWARD_PORTS: pod port 10080 to guest port 80")
    t.equal([[p["port"], p["targetPort"]] for p in service_ports(objects)],
            [[8080, "http"], [2200, "ssh"], [8000, "web"]],
            "Service ports: the Service port given, the named pod port behind it")


@case("forward-service-and-guest-ports",
      "forwardPorts[0].name=web,forwardPorts[0].port=80,forwardPorts[0].guestPort=8000",
      "forwardPorts[1].name=db,forwardPorts[1].port=5432,forwardPorts[1].guestPort=5432,"
      "forwardPorts[1].containerPort=15432")
def forward_service_and_guest_ports(t, objects, values):
    t.equal(launcher_env(objects).get("VM_FORWARD_PORTS"), "8000:8000,15432:5432", "VM_FORWARD_PORTS")
    t.equal([p["containerPort"] for p in launcher(objects)["ports"]], [8000, 15432], "pod ports")
    t.equal([p["port"] for p in service_ports(objects)], [8080, 80, 5432], "Service ports differ from the guest ports")


@case("auth-off", "console.auth.enabled=false")
def auth_off(t, objects, values):
    t.that("CONSOLE_AUTH_FILE" not in console_env(objects), "no CONSOLE_AUTH_FILE: the original's open console")
    t.equal(secret_volume(objects, "console-auth"), None, "no auth Secret mounted")


@case("auth", "console.auth.enabled=true")
def auth(t, objects, values):
    t.equal(secret_volume(objects, "console-auth"), {"secretName": "myvm-qemu-riscv64-console-auth",
                                                     "items": [{"key": "auth", "path": "auth"}], "defaultMode": 0o440},
            "CONSOLE_AUTH_FILE from the generated Secret")


@case("auth-existing-secret",
      "console.auth.enabled=true,console.auth.existingSecret=vm-console-login,console.auth.existingSecretKey=login")
def auth_existing_secret(t, objects, values):
    t.equal(secret_volume(objects, "console-auth")["secretName"], "vm-console-login", "the existing Secret mounted")
    t.equal(secret_volume(objects, "console-auth")["items"], [{"key": "login", "path": "auth"}],
            "its key existingSecretKey is the file CONSOLE_AUTH_FILE names")


@case("read-only", "console.readOnly=true")
def read_only(t, objects, values):
    t.equal(console_env(objects).get("CONSOLE_READ_ONLY"), "true", "CONSOLE_READ_ONLY")


@case("console-options", "console.title=Lab VM,console.allowOrigin=^https://vm[.]example[.]org$,console.maxSessions=5")
def console_options(t, objects, values):
    env = console_env(objects)
    t.equal([env.get("CONSOLE_TITLE"), env.get("CONSOLE_ALLOW_ORIGIN"), env.get("CONSOLE_MAX_SESSIONS")],
            ["Lab VM", "^https://vm[.]example[.]org$", "5"], "console title, origin, sessions")


@case("guest-credentials", "guest.password=s3cret",
      "guest.sshAuthorizedKey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey user@host")
def guest_credentials(t, objects, values):
    t.equal(launcher_env(objects).get("VM_GUEST_PASSWORD_FILE"), "/run/secrets/guest/password",
            "VM_GUEST_PASSWORD_FILE")
    t.that("VM_GUEST_PASSWORD" not in launcher_env(objects), "the password is not in the environment")
    t.equal(secret_volume(objects, "guest-credentials")["secretName"], "myvm-qemu-riscv64-guest", "from the Secret")


@case("guest-existing-secret", "guest.existingSecret=vm-guest-login")
def guest_existing_secret(t, objects, values):
    t.equal(launcher_env(objects).get("VM_GUEST_SSH_KEY_FILE"), "/run/secrets/guest/ssh-key", "VM_GUEST_SSH_KEY_FILE")
    t.equal(secret_volume(objects, "guest-credentials")["secretName"], "vm-guest-login", "from the existing Secret")


@case("service-ClusterIP", "service.type=ClusterIP")
def service_cluster_ip(t, objects, values):
    pass


@case("service-NodePort", "service.type=NodePort,service.nodePort=30080,ssh.enabled=true,ssh.nodePort=30022")
def service_node_port(t, objects, values):
    t.equal([p.get("nodePort") for p in service_ports(objects)], [30080, 30022], "node ports")


@case("service-LoadBalancer", "service.type=LoadBalancer,service.port=9090")
def service_load_balancer(t, objects, values):
    pass


@case("shutdown-timeout", "shutdownTimeout=60")
def shutdown_timeout(t, objects, values):
    t.equal(launcher_env(objects).get("VM_SHUTDOWN_TIMEOUT"), "60", "VM_SHUTDOWN_TIMEOUT")
    t.equal(pod_spec(objects).get("terminationGracePeriodSeconds"), 75, "grace period follows shutdownTimeout")


@case("recording", "recording.maxMiB=0,recording.input=true")
def recording(t, objects, values):
    env = launcher_env(objects)
    t.equal([env.get("VM_RECORDING_MAX"), env.get("VM_RECORDING_INPUT")], ["0", "on"],
            "recording.maxMiB=0 and recording.input=true reach the launcher")
    t.that("VM_RECORDING_SOCKET" not in env and "CONSOLE_RECORDING" not in console_env(objects),
           "no recording: no socket for the console to ask")


@case("hibernate-explicit", "hibernate=off,persistence.enabled=true", "memory=4096,hibernateWriteRate=100")
def hibernate_explicit(t, objects, values):
    env = launcher_env(objects)
    t.equal([env.get("VM_HIBERNATE"), env.get("VM_SHUTDOWN_TIMEOUT")], ["off", "25"],
            "hibernate=off with persistence: powered off, the shutdown timeout as given")


@case("hibernate-large-guest", "persistence.enabled=true,memory=8192,hibernateWriteRate=100")
def hibernate_large_guest(t, objects, values):
    t.equal(launcher_env(objects).get("VM_SHUTDOWN_TIMEOUT"), "92", "8192 MiB at 100 MiB/s: 82 s + 10")
    t.equal(pod_spec(objects).get("terminationGracePeriodSeconds"), 107, "the grace period follows")


@case("scheduling", "nodeSelector.kubernetes\\.io/arch=amd64", "tolerations[0].key=vm,tolerations[0].operator=Exists",
      "imagePullSecrets[0].name=registry-login", "podAnnotations.team=lab", "priorityClassName=vm-critical",
      "resources.limits.memory=4Gi,resources.requests.ephemeral-storage=1Gi", "imagePullPolicy=Always")
def scheduling(t, objects, values):
    spec = pod_spec(objects)
    t.equal(spec.get("nodeSelector"), {"kubernetes.io/arch": "amd64"}, "nodeSelector")
    t.equal(spec.get("tolerations"), [{"key": "vm", "operator": "Exists"}], "tolerations")
    t.equal(spec.get("imagePullSecrets"), [{"name": "registry-login"}], "imagePullSecrets")
    t.equal(spec.get("priorityClassName"), "vm-critical", "priorityClassName")
    t.equal(pod_annotations(objects).get("team"), "lab", "podAnnotations")
    t.equal(launcher(objects)["resources"], {"limits": {"memory": "4Gi"}, "requests": {
        "cpu": "500m", "memory": "768Mi", "ephemeral-storage": "1Gi"}}, "resources merged with the defaults")
    t.equal([c.get("imagePullPolicy") for c in spec["initContainers"] + spec["containers"]],
            ["Always", "Always", "Always", "Always"], "imagePullPolicy")


@case("ingress", "ingress.enabled=true")
def ingress(t, objects, values):
    t.equal(only(objects, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"],
            {"name": "http"}, "Ingress port")


@case("ingress-tls",
      "ingress.enabled=true,ingress.className=nginx,ingress.host=vm.example.org,ingress.tlsSecret=vm-tls",
      "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=3600")
def ingress_tls(t, objects, values):
    found = only(objects, "Ingress")
    t.equal(found["spec"].get("tls"), [{"hosts": ["vm.example.org"], "secretName": "vm-tls"}], "TLS")
    t.equal(found["metadata"].get("annotations"), {"nginx.ingress.kubernetes.io/proxy-read-timeout": "3600"},
            "annotations")


@case("custom-images",
      "images.launcher=registry.example.org/vm/launcher:1.0,images.console=registry.example.org/vm/console:1.0",
      "images.data=registry.example.org/vm/data-busybox:1.0")
def custom_images(t, objects, values):
    t.equal([c["image"] for c in pod_spec(objects)["initContainers"]],
            ["registry.example.org/vm/launcher:1.0", "registry.example.org/vm/data-busybox:1.0"], "init images")


@case("requests-lowered", "resources.requests.cpu=500m,resources.requests.memory=1Gi")
def requests_lowered(t, objects, values):
    t.equal(launcher(objects)["resources"].get("requests"), {"cpu": "500m", "memory": "1Gi"}, "the requests given")
    t.equal(launcher_env(objects).get("VM_CPU_COUNT"), "2", "the guest keeps cpu.count")


@case("limits-at-requests", "memory=4096,resources.limits.memory=5Gi,resources.limits.cpu=2")
def limits_at_requests(t, objects, values):
    t.equal(launcher(objects)["resources"].get("limits"), {"cpu": "2", "memory": "5Gi"}, "limits kept")


@case("boot-timeout", "bootTimeout=1200")
def boot_timeout(t, objects, values):
    probe = container(pod_spec(objects), "console")["startupProbe"]
    t.equal([probe.get("periodSeconds"), probe.get("failureThreshold")], [10, 120], "startupProbe: 120 x 10 s")


@case("ingress-base-path", "ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1")
def ingress_base_path(t, objects, values):
    t.equal(console_env(objects).get("CONSOLE_BASE_PATH"), "/vm1", "CONSOLE_BASE_PATH from ingress.path")
    t.equal(container(pod_spec(objects), "console")["readinessProbe"]["httpGet"]["path"], "/vm1/readyz",
            "probe under the base path")
    t.equal(only(objects, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["path"], "/vm1", "Ingress path")
    t.that("lab.example.org" in console_env(objects)["CONSOLE_ALLOW_HOST"].split(","), "Ingress host allowed")


@case("allow-hosts", "console.allowHosts[0]=vm.lab.example.org,console.allowHosts[1]=10.0.0.5")
def allow_hosts(t, objects, values):
    hosts = console_env(objects)["CONSOLE_ALLOW_HOST"]
    t.equal(hosts.split(",")[-2:], ["vm.lab.example.org", "10.0.0.5"], "console.allowHosts after the Service names")
    t.that(hosts.startswith("myvm-qemu-riscv64,"), "the Service name first")


@case("global-pull-secrets-and-storage-class",
      "global.imagePullSecrets[0]=shared,imagePullSecrets[0]=regcred,imagePullSecrets[1]=shared",
      "global.storageClass=fast-ssd,persistence.enabled=true,persistence.storageClass=slow")
def global_pull_secrets_and_storage_class(t, objects, values):
    t.equal(pod_spec(objects).get("imagePullSecrets"), [{"name": "shared"}, {"name": "regcred"}],
            "global.imagePullSecrets first, then imagePullSecrets, each once")
    t.equal(only(objects, "PersistentVolumeClaim")["spec"].get("storageClassName"), "fast-ssd",
            "global.storageClass wins")


@case("network-policy", "networkPolicy.enabled=true,ssh.enabled=true")
def network_policy(t, objects, values):
    policy = only(objects, "NetworkPolicy")["spec"]
    t.equal(policy["podSelector"].get("matchLabels"), vm_set(objects)["spec"]["selector"]["matchLabels"],
            "selects the VM pod, not the helm test pod")
    t.equal(policy.get("policyTypes"), ["Ingress"],
            "ingress only: the guest's own traffic out is network.mode's business")
    t.equal(policy.get("ingress"),
            [{"ports": [{"port": "http", "protocol": "TCP"}, {"port": "ssh", "protocol": "TCP"}]}],
            "the console and the forwarded ports, from anywhere (allowExternal)")


@case("network-policy-selected-clients", "networkPolicy.enabled=true,networkPolicy.allowExternal=false",
      "networkPolicy.ingressNSMatchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
      "networkPolicy.ingressPodMatchLabels.app=proxy")
def network_policy_selected_clients(t, objects, values):
    t.equal(only(objects, "NetworkPolicy")["spec"].get("ingress"), [{
        "ports": [{"port": "http", "protocol": "TCP"}],
        "from": [
            {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "myvm",
                                             "app.kubernetes.io/component": "test"}}},
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
             "podSelector": {"matchLabels": {"app": "proxy"}}},
        ],
    }], "only the release's helm test pod and the selected clients")


@case("image-pull-secret-names", "imagePullSecrets[0]=regcred,imagePullSecrets[1]=mirror")
def image_pull_secret_names(t, objects, values):
    names = [{"name": "regcred"}, {"name": "mirror"}]
    t.equal(pod_spec(objects).get("imagePullSecrets"), names, "names become objects")
    t.equal(only(objects, "Pod")["spec"].get("imagePullSecrets"), names, "test pod too")


@case("pod-labels", "podLabels.team=lab,podLabels.app\\.kubernetes\\.io/part-of=course")
def pod_labels(t, objects, values):
    labels = vm_set(objects)["spec"]["template"]["metadata"]["labels"]
    t.equal([labels.get("team"), labels.get("app.kubernetes.io/part-of")], ["lab", "course"],
            "podLabels, one value per key")


@case("global-image-registry", "global.imageRegistry=mirror.example.org:5000")
def global_image_registry(t, objects, values):
    spec = pod_spec(objects)
    t.equal([c["image"] for c in spec["initContainers"] + spec["containers"]], [
        "mirror.example.org:5000/qemu-riscv64-launcher:0.1.0",
        "mirror.example.org:5000/qemu-riscv64-data-debian-13:0.1.0",
        "mirror.example.org:5000/qemu-riscv64-console:0.1.0", "mirror.example.org:5000/qemu-riscv64-launcher:0.1.0"],
        "every image from the mirror")


@case("launcher-rvv071", "images.launcherRVV071=carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0",
      "images.data=carvicsforth/qemu-riscv64-buildroot-rvv-0.7.1:954aeb7-1")
def launcher_rvv071(t, objects, values):
    t.equal(launcher(objects)["image"], "carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0", "the rvv-0.7.1 launcher")


@case("launcher-rvv071-unused", "images.launcherRVV071=carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0")
def launcher_rvv071_unused(t, objects, values):
    t.equal(launcher(objects)["image"], "localhost/qemu-riscv64-launcher:0.1.0", "not for other data images")


@case("extra-env", "extraEnv[0].name=VM_READY_PATTERN,extraEnv[0].value=ready>",
      "console.extraEnv[0].name=CONSOLE_STALL_TIMEOUT,console.extraEnv[0].value=30")
def extra_env(t, objects, values):
    t.equal(launcher_env(objects).get("VM_READY_PATTERN"), "ready>", "launcher extraEnv")
    t.equal(console_env(objects).get("CONSOLE_STALL_TIMEOUT"), "30", "console extraEnv")


@case("pod-placement", "runtimeClassName=kata",
      "topologySpreadConstraints[0].maxSkew=1,topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname,"
      "topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway")
def pod_placement(t, objects, values):
    t.equal(pod_spec(objects).get("runtimeClassName"), "kata", "runtimeClassName")
    t.equal(pod_spec(objects)["topologySpreadConstraints"][0].get("topologyKey"), "kubernetes.io/hostname",
            "topologySpreadConstraints")


@case("service-account", "serviceAccount.name=vm-runner,serviceAccount.annotations.team=lab")
def service_account(t, objects, values):
    account = only(objects, "ServiceAccount")
    t.equal([account["metadata"]["name"], account.get("automountServiceAccountToken")], ["vm-runner", False],
            "the ServiceAccount")
    t.equal(pod_spec(objects).get("serviceAccountName"), "vm-runner", "the pod uses it")


@case("service-account-existing", "serviceAccount.create=false,serviceAccount.name=shared")
def service_account_existing(t, objects, values):
    t.equal(len(of_kind(objects, "ServiceAccount")), 0, "none created")
    t.equal(pod_spec(objects).get("serviceAccountName"), "shared", "the pod uses the named one")


@case("load-balancer-options", "service.loadBalancerSourceRanges[0]=203.0.113.0/24,service.externalTrafficPolicy=Local")
def load_balancer_options(t, objects, values):
    spec = console_service(objects)["spec"]
    t.equal([spec.get("loadBalancerSourceRanges"), spec.get("externalTrafficPolicy")], [["203.0.113.0/24"], "Local"],
            "LB options")


@case("persistence-not-kept", "persistence.enabled=true,persistence.keepOnUninstall=false")
def persistence_not_kept(t, objects, values):
    t.equal(only(objects, "PersistentVolumeClaim")["metadata"].get("annotations"), None, "no resource-policy")


@case("original-values", values_file="original-values-1.2.0.yaml")
def original_values(t, objects, values):
    t.equal(launcher(objects)["image"], "carvicsforth/qemu-riscv64-launcher:1.2.0", "the original's launcher image")
    t.equal(pod_spec(objects)["initContainers"][1]["image"], "carvicsforth/qemu-riscv64-ubuntu:22.04-1",
            "the original's data image")
    t.equal(console_service(objects)["spec"]["type"], "LoadBalancer", "LoadBalancer as the original")


def front_env(objects):
    return env_of(only(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0])


def spread(objects):
    return pod_spec(objects).get("topologySpreadConstraints")


@case("fleet-three-vms", "replicas=3")
def fleet_three_vms(t, objects, values):
    t.equal(vm_set(objects)["spec"].get("replicas"), 3, "three VMs")
    front = only(objects, "Deployment")
    t.equal(front["metadata"]["name"], "myvm-qemu-riscv64-front", "the front")
    t.equal(console_service(objects)["spec"]["selector"].get("app.kubernetes.io/component"), "front",
            "the release's Service reaches the front, its list of VMs")
    t.equal(front_env(objects).get("CONSOLE_FRONT_PEERS"), "myvm-qemu-riscv64-headless:8080",
            "the front finds the VMs in the headless Service's DNS")
    headless = next(s for s in of_kind(objects, "Service") if s["spec"].get("clusterIP") == "None")
    t.equal(headless["spec"].get("publishNotReadyAddresses"), True, "which lists booting VMs too")
    t.equal(spread(objects), [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                               "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {
                                   "app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": "myvm",
                                   "app.kubernetes.io/component": "vm"}}}],
            "the VMs spread over nodes, softly")
    t.equal(front["spec"]["template"]["spec"]["securityContext"].get("seccompProfile"), {"type": "RuntimeDefault"},
            "the front is restricted: RuntimeDefault, with passt in the VMs")
    t.equal(pod_spec(objects)["securityContext"].get("seccompProfile"), None, "the VMs keep passt's exception")


@case("fleet-persistence", "replicas=3,persistence.enabled=true,persistence.size=20Gi,persistence.storageClass=fast")
def fleet_persistence(t, objects, values):
    t.equal(of_kind(objects, "PersistentVolumeClaim"), [], "no shared claim")
    claim = vm_set(objects)["spec"]["volumeClaimTemplates"][0]
    t.equal([claim["metadata"]["name"], claim["spec"]["resources"]["requests"]["storage"],
             claim["spec"].get("storageClassName")], ["data", "20Gi", "fast"], "a claim per VM: data-<pod>")
    t.equal(vm_set(objects)["spec"].get("persistentVolumeClaimRetentionPolicy"),
            {"whenDeleted": "Retain", "whenScaled": "Retain"}, "kept when scaled away and on uninstall")
    t.equal(launcher_env(objects).get("VM_HIBERNATE"), "on", "each VM hibernates into its own claim")


@case("fleet-persistence-not-kept", "replicas=2,persistence.enabled=true,persistence.keepOnUninstall=false")
def fleet_persistence_not_kept(t, objects, values):
    t.equal(vm_set(objects)["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"], "Delete",
            "keepOnUninstall=false: the claims go with the release")


@case("fleet-network-policy", "replicas=3,networkPolicy.enabled=true,ssh.enabled=true")
def fleet_network_policy(t, objects, values):
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objects, "NetworkPolicy")}
    t.equal(policies["myvm-qemu-riscv64"]["ingress"][0].get("from"), [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": "myvm",
        "app.kubernetes.io/component": "front"}}}], "the VMs' console port: the front only")
    t.equal(policies["myvm-qemu-riscv64-front"]["ingress"], [{"ports": [{"port": "http", "protocol": "TCP"}]}],
            "the front: from anywhere (allowExternal)")
    t.equal([p["name"] for p in service_ports(objects)], ["http"], "ssh is at each VM's pod, not on the front")


@case("fleet-network-policy-selected-clients", "replicas=2",
      "networkPolicy.enabled=true,networkPolicy.allowExternal=false",
      "networkPolicy.ingressNSMatchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
      "networkPolicy.extraIngress[0].from[0].namespaceSelector.matchLabels.team=monitoring")
def fleet_network_policy_selected_clients(t, objects, values):
    front = next(p for p in of_kind(objects, "NetworkPolicy") if p["metadata"]["name"].endswith("-front"))
    t.equal([peer.get("namespaceSelector") for peer in front["spec"]["ingress"][0]["from"]],
            [None, {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}],
            "the front admits the helm test pod and the ingress controller")


@case("front-one-vm", "front.enabled=true")
def front_one_vm(t, objects, values):
    t.equal(vm_set(objects)["spec"].get("replicas"), 1, "one VM")
    t.equal(len(of_kind(objects, "Deployment")), 1, "behind a front, asked for")
    t.equal(len(spread(objects) or []), 1, "a fleet of one spreads as it grows")


@case("fleet-without-front", "replicas=3,front.enabled=false,persistence.enabled=true")
def fleet_without_front(t, objects, values):
    t.equal(of_kind(objects, "Deployment"), [], "no front")
    t.equal(console_service(objects)["spec"]["selector"].get("app.kubernetes.io/component"), "vm",
            "the Service spreads connections over the VMs")
    t.equal(len(vm_set(objects)["spec"].get("volumeClaimTemplates") or []), 1, "a claim per VM all the same")


@case("fleet-spread-hard", "replicas=3,nodeSpread=DoNotSchedule")
def fleet_spread_hard(t, objects, values):
    t.equal(spread(objects)[0].get("whenUnsatisfiable"), "DoNotSchedule", "nodeSpread=DoNotSchedule")


@case("fleet-spread-none", "replicas=3,nodeSpread=none")
def fleet_spread_none(t, objects, values):
    t.equal(spread(objects), None, "nodeSpread=none: no constraint")


@case("fleet-spread-given", "replicas=3",
      "topologySpreadConstraints[0].maxSkew=2,topologySpreadConstraints[0].topologyKey=topology.kubernetes.io/zone,"
      "topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule")
def fleet_spread_given(t, objects, values):
    t.equal([c.get("topologyKey") for c in spread(objects)], ["topology.kubernetes.io/zone"],
            "topologySpreadConstraints replace nodeSpread's")


@case("fleet-base-path", "replicas=2,ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/lab")
def fleet_base_path(t, objects, values):
    env = front_env(objects)
    t.equal([env.get("CONSOLE_BASE_PATH"), env.get("CONSOLE_FRONT_PEER_BASE_PATH")], ["/lab", "/lab"],
            "the front under /lab, the consoles too")
    t.equal(console_env(objects).get("CONSOLE_BASE_PATH"), "/lab", "each console as it was")
    t.that("lab.example.org" in env["CONSOLE_ALLOW_HOST"].split(","), "the front answers at the Ingress host")


@case("fleet-auth-off", "replicas=2,console.auth.enabled=false,console.allowHosts[0]=203.0.113.10")
def fleet_auth_off(t, objects, values):
    env = front_env(objects)
    t.that("CONSOLE_AUTH_FILE" not in env, "no credentials at the front either")
    t.equal(env["CONSOLE_ALLOW_HOST"].split(",")[-1], "203.0.113.10",
            "the front answers at the address NOTES print, once allowed (no 403 at a LoadBalancer)")


@case("fleet-console-options", "replicas=2,console.title=Lab,console.allowOrigin=^https://lab[.]example$",
      "console.readOnly=true,console.maxSessions=5,front.extraEnv[0].name=CONSOLE_FRONT_POLL_INTERVAL",
      "front.extraEnv[0].value=5,podLabels.team=lab,podAnnotations.cost=lab")
def fleet_console_options(t, objects, values):
    env = front_env(objects)
    t.equal([env.get("CONSOLE_TITLE"), env.get("CONSOLE_ALLOW_ORIGIN"), env.get("CONSOLE_FRONT_POLL_INTERVAL")],
            ["Lab", "^https://lab[.]example$", "5"], "title, origin, front.extraEnv")
    t.that("CONSOLE_READ_ONLY" not in env and "CONSOLE_MAX_SESSIONS" not in env,
           "read-only and the sessions cap are the consoles' (the front refuses read-only)")
    t.equal(console_env(objects).get("CONSOLE_READ_ONLY"), "true", "the consoles stay read-only")
    template = only(objects, "Deployment")["spec"]["template"]
    t.equal([template["metadata"]["labels"].get("team"), template["metadata"]["annotations"].get("cost")],
            ["lab", "lab"], "podLabels and podAnnotations on the front too")


@case("fleet-service-monitor", "replicas=3,metrics.serviceMonitor.enabled=true")
def fleet_service_monitor(t, objects, values):
    monitor = only(objects, "ServiceMonitor")
    selector = monitor["spec"]["selector"]
    selected = [s["metadata"]["name"] for s in of_kind(objects, "Service")
                if all(s["metadata"]["labels"].get(k) == v for k, v in selector["matchLabels"].items())
                and all(s["metadata"]["labels"].get(e["key"]) in e["values"]
                        for e in selector.get("matchExpressions") or [])]
    t.equal(sorted(selected), ["myvm-qemu-riscv64", "myvm-qemu-riscv64-headless"],
            "every VM through the headless Service, and the front through the release's")
    scrape = only(objects, "Deployment")["spec"]["template"]["metadata"]["annotations"]
    t.equal(scrape.get("prometheus.io/path"), "/metrics", "the front's pod is annotated for scraping too")


@case("replicas-zero", "replicas=0,persistence.enabled=true")
def replicas_zero(t, objects, values):
    t.equal(vm_set(objects)["spec"].get("replicas"), 0, "every VM stopped")
    t.equal(of_kind(objects, "Deployment"), [], "no front (auto: more than one VM)")
    t.equal(len(of_kind(objects, "PersistentVolumeClaim")), 1, "the claim stays")
