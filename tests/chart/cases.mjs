// The `helm template` matrix: each case is a list of --set strings plus checks of its own,
// on top of the checks every rendering must pass (render-check.mjs).
import { consoleService, container, envOf, mebibytes, ofKind, only, podSpec, vmSet } from "./lib/objects.mjs";

const launcher = (objects) => container(podSpec(objects), "launcher");
const launcherEnv = (objects) => envOf(launcher(objects));
const consoleEnv = (objects) => envOf(container(podSpec(objects), "console"));
const servicePorts = (objects) => consoleService(objects).spec.ports;
const podAnnotations = (objects) => vmSet(objects).spec.template.metadata.annotations;
const scrapeAnnotations = (objects) =>
  Object.fromEntries(Object.entries(podAnnotations(objects)).filter(([k]) => k.startsWith("prometheus.io/")));
// The Services a ServiceMonitor selects, by its labels.
const selectedServices = (objects, monitor) => ofKind(objects, "Service").filter((s) =>
  Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
const secretVolume = (objects, name) => podSpec(objects).volumes.find((v) => v.name === name)?.secret;

export const cases = {
  defaults: {
    sets: [],
    check(t, objects) {
      t.equal(consoleService(objects).spec.type, "LoadBalancer", "default service.type");
      t.equal(servicePorts(objects)[0].port, 8080, "default service.port");
      t.equal(launcherEnv(objects).VM_CPU_COUNT, "2", "default cpu.count");
      t.equal(launcherEnv(objects).VM_MEMORY, "2048", "default memory");
      t.that(!("VM_CPU_FEATURES" in launcherEnv(objects)), "no VM_CPU_FEATURES by default: the data image decides");
      t.equal(podSpec(objects).terminationGracePeriodSeconds, 40, "default grace period");
      t.equal(launcherEnv(objects).VM_HIBERNATE, "off", "no hibernate without persistence: the emptyDir goes with the pod");
      // What a booted VM uses in practice: two default VMs fit a 2-CPU, 4 GiB node beside its system pods.
      t.equal(launcher(objects).resources.requests, { cpu: "500m", memory: "768Mi" }, "default requests");
      t.equal(launcher(objects).resources.limits, { memory: "2509Mi" }, "default limits: the whole VM's memory, no CPU limit");
      t.equal(launcherEnv(objects).VM_NETWORK, "passt", "network.mode=auto without a cluster: passt");
      t.that(!objects.some((o) => o.kind === "NetworkPolicy"), "no NetworkPolicy by default");
      t.equal(vmSet(objects).spec.updateStrategy, { type: "RollingUpdate" },
        "a StatefulSet's rollout: the old pod gone before the new one starts");
      t.equal(consoleEnv(objects).CONSOLE_AUTH_FILE, "/run/secrets/console-auth/auth", "console auth on by default");
      t.equal(secretVolume(objects, "console-auth").secretName, "myvm-qemu-riscv64-console-auth",
        "from the generated Secret");
      t.equal(container(podSpec(objects), "console").startupProbe.failureThreshold * 10, 600, "startupProbe: 600 s");
      t.equal(podSpec(objects).initContainers[1].image, "localhost/qemu-riscv64-data-debian-13:0.1.0", "default guest");
      t.equal(scrapeAnnotations(objects), { "prometheus.io/scrape": "true", "prometheus.io/port": "8080",
        "prometheus.io/path": "/metrics" }, "the pod's scrape annotations by default");
      t.that(typeof podAnnotations(objects)["checksum/secrets"] === "string", "the checksum annotation beside them");
      t.equal(ofKind(objects, "ServiceMonitor"), [], "no ServiceMonitor by default");
    },
  },
  "metrics-annotations-off": {
    sets: ["metrics.annotations=false"],
    check(t, objects) {
      t.equal(scrapeAnnotations(objects), {}, "no scrape annotations");
      t.that(typeof podAnnotations(objects)["checksum/secrets"] === "string", "the checksum annotation stays");
    },
  },
  "metrics-service-monitor": {
    sets: ["metrics.serviceMonitor.enabled=true,metrics.serviceMonitor.interval=30s",
      "metrics.serviceMonitor.labels.release=kube-prometheus-stack", "podAnnotations.team=lab"],
    check(t, objects) {
      const monitor = only(objects, "ServiceMonitor");
      t.equal(monitor.apiVersion, "monitoring.coreos.com/v1", "the Prometheus Operator's API");
      t.equal(monitor.metadata.labels.release, "kube-prometheus-stack", "metrics.serviceMonitor.labels");
      t.equal(monitor.spec.endpoints, [{ port: "http", path: "/metrics", interval: "30s" }], "endpoint");
      t.equal(monitor.spec.namespaceSelector, { matchNames: ["vms"] }, "the release's namespace");
      const services = selectedServices(objects, monitor);
      t.equal(services.map((s) => s.spec.clusterIP), ["None"], "it selects the headless Service only: each pod once");
      t.that(services[0]?.spec.ports.some((p) => p.name === "http" && p.targetPort === "http"), "which has the http port");
      t.equal(services[0]?.spec.selector, vmSet(objects).spec.selector.matchLabels, "and selects the VM pods");
      t.equal(podAnnotations(objects).team, "lab", "podAnnotations beside the scrape annotations");
      t.equal(scrapeAnnotations(objects)["prometheus.io/scrape"], "true", "annotations stay on with a ServiceMonitor");
    },
  },
  "metrics-base-path": {
    sets: ["ingress.enabled=true,ingress.path=/vm1,metrics.serviceMonitor.enabled=true"],
    check(t, objects) {
      t.equal(scrapeAnnotations(objects)["prometheus.io/path"], "/vm1/metrics", "the annotation's path under the base path");
      t.equal(only(objects, "ServiceMonitor").spec.endpoints[0].path, "/vm1/metrics", "the ServiceMonitor's path too");
    },
  },
  "network-user": {
    sets: ["network.mode=user"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_NETWORK, "user", "VM_NETWORK");
      t.that(!("VM_PASST_PORTS" in launcherEnv(objects)), "no VM_PASST_PORTS without passt");
      t.equal(podSpec(objects).securityContext.seccompProfile, { type: "RuntimeDefault" },
        "user networking: the pod keeps RuntimeDefault (restricted)");
      t.equal(launcher(objects).securityContext.seccompProfile, { type: "RuntimeDefault" },
        "user networking: the launcher keeps RuntimeDefault (restricted)");
    },
  },
  "passt-localhost-seccomp": {
    sets: ["securityContext.seccompProfile.type=Localhost",
      "securityContext.seccompProfile.localhostProfile=profiles/passt.json"],
    check(t, objects) {
      t.equal(launcher(objects).securityContext.seccompProfile,
        { type: "Localhost", localhostProfile: "profiles/passt.json" }, "passt: a Localhost profile is kept");
    },
  },
  "port-8081": {
    sets: ["service.port=8081"],
    check(t, objects) {
      t.equal(servicePorts(objects)[0], { name: "http", port: 8081, targetPort: "http", protocol: "TCP" }, "Service port");
      t.equal(podSpec(objects).containers[0].ports[0].containerPort, 8080, "the console still listens on 8080");
    },
  },
  "cpu4-mem4096": {
    sets: ["cpu.count=4,memory=4096"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_CPU_COUNT, "4", "VM_CPU_COUNT");
      t.equal(launcherEnv(objects).VM_MEMORY, "4096", "VM_MEMORY");
      t.equal(launcher(objects).resources.requests.cpu, "1000m", "CPU request: 250m per vCPU");
      t.equal(mebibytes(launcher(objects).resources.requests.memory), 256 + 1024, "memory request: overhead + a quarter");
      t.that(mebibytes(launcher(objects).resources.limits.memory) >= 4096 + 256, "memory limit covers QEMU's overhead");
    },
  },
  "cpu-features-append": {
    sets: ["cpu.features=v=true\\,vlen=256\\,vext_spec=v1.0", "append=console=ttyS0 root=/dev/vda1 rw"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_CPU_FEATURES, "v=true,vlen=256,vext_spec=v1.0", "VM_CPU_FEATURES");
      t.equal(launcherEnv(objects).VM_APPEND, "console=ttyS0 root=/dev/vda1 rw", "VM_APPEND");
    },
  },
  persistence: {
    sets: ["persistence.enabled=true,persistence.size=20Gi,persistence.storageClass=fast-ssd"],
    check(t, objects) {
      // The disk outlives the pod: SIGTERM saves the guest, given the time 2048 MiB take at 50 MiB/s.
      t.equal([launcherEnv(objects).VM_HIBERNATE, launcherEnv(objects).VM_SHUTDOWN_TIMEOUT], ["on", "51"],
        "hibernate on with persistence, the shutdown timeout raised for the save");
      t.equal(podSpec(objects).terminationGracePeriodSeconds, 66, "the grace period follows");
      t.equal(podSpec(objects).volumes.find((v) => v.name === "data").persistentVolumeClaim,
        { claimName: "myvm-qemu-riscv64-data" }, "the chart's claim, named as the Deployment before had it");
      t.equal(only(objects, "PersistentVolumeClaim").spec.storageClassName, "fast-ssd", "storage class");
    },
  },
  "persistence-no-class": {
    sets: ["persistence.enabled=true,persistence.storageClass=-"],
    check(t, objects) {
      t.equal(only(objects, "PersistentVolumeClaim").spec.storageClassName, "", "'-' means storageClassName \"\"");
    },
  },
  "persistence-existing-claim": {
    sets: ["persistence.enabled=true,persistence.existingClaim=my-vm-disk"],
    check(t, objects) {
      t.equal(podSpec(objects).volumes.find((v) => v.name === "data").persistentVolumeClaim,
        { claimName: "my-vm-disk" }, "the existing claim is mounted");
    },
  },
  ssh: {
    sets: ["ssh.enabled=true"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_FORWARD_PORTS, "2222:22", "VM_FORWARD_PORTS");
      t.equal(launcher(objects).ports, [{ name: "ssh", containerPort: 2222, protocol: "TCP" }], "launcher port 2222");
      t.equal(servicePorts(objects)[1], { name: "ssh", port: 22, targetPort: "ssh", protocol: "TCP" }, "Service ssh port");
    },
  },
  "ssh-and-forwards": {
    sets: ["ssh.enabled=true,ssh.port=2200", "forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_FORWARD_PORTS, "2222:22,10080:80", "VM_FORWARD_PORTS: pod port 10080 to guest port 80");
      t.equal(servicePorts(objects).map((p) => [p.port, p.targetPort]), [[8080, "http"], [2200, "ssh"], [8000, "web"]],
        "Service ports: the Service port given, the named pod port behind it");
    },
  },
  "forward-service-and-guest-ports": {
    sets: ["forwardPorts[0].name=web,forwardPorts[0].port=80,forwardPorts[0].guestPort=8000",
      "forwardPorts[1].name=db,forwardPorts[1].port=5432,forwardPorts[1].guestPort=5432,forwardPorts[1].containerPort=15432"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_FORWARD_PORTS, "8000:8000,15432:5432", "VM_FORWARD_PORTS");
      t.equal(launcher(objects).ports.map((p) => p.containerPort), [8000, 15432], "pod ports");
      t.equal(servicePorts(objects).map((p) => p.port), [8080, 80, 5432], "Service ports differ from the guest ports");
    },
  },
  "auth-off": {
    sets: ["console.auth.enabled=false"],
    check(t, objects) {
      t.that(!("CONSOLE_AUTH_FILE" in consoleEnv(objects)), "no CONSOLE_AUTH_FILE: the original's open console");
      t.equal(secretVolume(objects, "console-auth"), undefined, "no auth Secret mounted");
    },
  },
  auth: {
    sets: ["console.auth.enabled=true"],
    check(t, objects) {
      t.equal(secretVolume(objects, "console-auth"), { secretName: "myvm-qemu-riscv64-console-auth",
        items: [{ key: "auth", path: "auth" }], defaultMode: 0o440 }, "CONSOLE_AUTH_FILE from the generated Secret");
    },
  },
  "auth-existing-secret": {
    sets: ["console.auth.enabled=true,console.auth.existingSecret=vm-console-login,console.auth.existingSecretKey=login"],
    check(t, objects) {
      t.equal(secretVolume(objects, "console-auth").secretName, "vm-console-login", "the existing Secret mounted");
      t.equal(secretVolume(objects, "console-auth").items, [{ key: "login", path: "auth" }],
        "its key existingSecretKey is the file CONSOLE_AUTH_FILE names");
    },
  },
  "read-only": {
    sets: ["console.readOnly=true"],
    check(t, objects) {
      t.equal(consoleEnv(objects).CONSOLE_READ_ONLY, "true", "CONSOLE_READ_ONLY");
    },
  },
  "console-options": {
    sets: ["console.title=Lab VM,console.allowOrigin=^https://vm[.]example[.]org$,console.maxSessions=5"],
    check(t, objects) {
      const env = consoleEnv(objects);
      t.equal([env.CONSOLE_TITLE, env.CONSOLE_ALLOW_ORIGIN, env.CONSOLE_MAX_SESSIONS],
        ["Lab VM", "^https://vm[.]example[.]org$", "5"], "console title, origin, sessions");
    },
  },
  "guest-credentials": {
    sets: ["guest.password=s3cret", "guest.sshAuthorizedKey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey user@host"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_GUEST_PASSWORD_FILE, "/run/secrets/guest/password", "VM_GUEST_PASSWORD_FILE");
      t.that(!("VM_GUEST_PASSWORD" in launcherEnv(objects)), "the password is not in the environment");
      t.equal(secretVolume(objects, "guest-credentials").secretName, "myvm-qemu-riscv64-guest", "from the Secret");
    },
  },
  "guest-existing-secret": {
    sets: ["guest.existingSecret=vm-guest-login"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_GUEST_SSH_KEY_FILE, "/run/secrets/guest/ssh-key", "VM_GUEST_SSH_KEY_FILE");
      t.equal(secretVolume(objects, "guest-credentials").secretName, "vm-guest-login", "from the existing Secret");
    },
  },
  "service-ClusterIP": { sets: ["service.type=ClusterIP"], check() {} },
  "service-NodePort": {
    sets: ["service.type=NodePort,service.nodePort=30080,ssh.enabled=true,ssh.nodePort=30022"],
    check(t, objects) {
      t.equal(servicePorts(objects).map((p) => p.nodePort), [30080, 30022], "node ports");
    },
  },
  "service-LoadBalancer": { sets: ["service.type=LoadBalancer,service.port=9090"], check() {} },
  "shutdown-timeout": {
    sets: ["shutdownTimeout=60"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_SHUTDOWN_TIMEOUT, "60", "VM_SHUTDOWN_TIMEOUT");
      t.equal(podSpec(objects).terminationGracePeriodSeconds, 75, "grace period follows shutdownTimeout");
    },
  },
  "hibernate-explicit": {
    sets: ["hibernate=off,persistence.enabled=true", "memory=4096,hibernateWriteRate=100"],
    check(t, objects) {
      t.equal([launcherEnv(objects).VM_HIBERNATE, launcherEnv(objects).VM_SHUTDOWN_TIMEOUT], ["off", "25"],
        "hibernate=off with persistence: powered off, the shutdown timeout as given");
    },
  },
  "hibernate-large-guest": {
    sets: ["persistence.enabled=true,memory=8192,hibernateWriteRate=100"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_SHUTDOWN_TIMEOUT, "92", "8192 MiB at 100 MiB/s: 82 s + 10");
      t.equal(podSpec(objects).terminationGracePeriodSeconds, 107, "the grace period follows");
    },
  },
  scheduling: {
    sets: ["nodeSelector.kubernetes\\.io/arch=amd64", "tolerations[0].key=vm,tolerations[0].operator=Exists",
      "imagePullSecrets[0].name=registry-login", "podAnnotations.team=lab", "priorityClassName=vm-critical",
      "resources.limits.memory=4Gi,resources.requests.ephemeral-storage=1Gi", "imagePullPolicy=Always"],
    check(t, objects) {
      const spec = podSpec(objects);
      t.equal(spec.nodeSelector, { "kubernetes.io/arch": "amd64" }, "nodeSelector");
      t.equal(spec.tolerations, [{ key: "vm", operator: "Exists" }], "tolerations");
      t.equal(spec.imagePullSecrets, [{ name: "registry-login" }], "imagePullSecrets");
      t.equal(spec.priorityClassName, "vm-critical", "priorityClassName");
      t.equal(vmSet(objects).spec.template.metadata.annotations.team, "lab", "podAnnotations");
      t.equal(launcher(objects).resources, { limits: { memory: "4Gi" },
        requests: { cpu: "500m", memory: "768Mi", "ephemeral-storage": "1Gi" } }, "resources merged with the defaults");
      t.equal([...spec.initContainers, ...spec.containers].map((c) => c.imagePullPolicy),
        ["Always", "Always", "Always", "Always"], "imagePullPolicy");
    },
  },
  ingress: {
    sets: ["ingress.enabled=true"],
    check(t, objects) {
      t.equal(only(objects, "Ingress").spec.rules[0].http.paths[0].backend.service.port, { name: "http" }, "Ingress port");
    },
  },
  "ingress-tls": {
    sets: ["ingress.enabled=true,ingress.className=nginx,ingress.host=vm.example.org,ingress.tlsSecret=vm-tls",
      "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=3600"],
    check(t, objects) {
      const ingress = only(objects, "Ingress");
      t.equal(ingress.spec.tls, [{ hosts: ["vm.example.org"], secretName: "vm-tls" }], "TLS");
      t.equal(ingress.metadata.annotations, { "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600" }, "annotations");
    },
  },
  "custom-images": {
    sets: ["images.launcher=registry.example.org/vm/launcher:1.0,images.console=registry.example.org/vm/console:1.0",
      "images.data=registry.example.org/vm/data-busybox:1.0"],
    check(t, objects) {
      t.equal(podSpec(objects).initContainers.map((c) => c.image),
        ["registry.example.org/vm/launcher:1.0", "registry.example.org/vm/data-busybox:1.0"], "init images");
    },
  },
  "requests-lowered": {
    sets: ["resources.requests.cpu=500m,resources.requests.memory=1Gi"],
    check(t, objects) {
      t.equal(launcher(objects).resources.requests, { cpu: "500m", memory: "1Gi" }, "the requests given");
      t.equal(launcherEnv(objects).VM_CPU_COUNT, "2", "the guest keeps cpu.count");
    },
  },
  "limits-at-requests": {
    sets: ["memory=4096,resources.limits.memory=5Gi,resources.limits.cpu=2"],
    check(t, objects) {
      t.equal(launcher(objects).resources.limits, { cpu: "2", memory: "5Gi" }, "limits kept");
    },
  },
  "boot-timeout": {
    sets: ["bootTimeout=1200"],
    check(t, objects) {
      const probe = container(podSpec(objects), "console").startupProbe;
      t.equal([probe.periodSeconds, probe.failureThreshold], [10, 120], "startupProbe: 120 x 10 s");
    },
  },
  "ingress-base-path": {
    sets: ["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"],
    check(t, objects) {
      t.equal(consoleEnv(objects).CONSOLE_BASE_PATH, "/vm1", "CONSOLE_BASE_PATH from ingress.path");
      t.equal(container(podSpec(objects), "console").readinessProbe.httpGet.path, "/vm1/readyz", "probe under the base path");
      t.equal(only(objects, "Ingress").spec.rules[0].http.paths[0].path, "/vm1", "Ingress path");
      t.that(consoleEnv(objects).CONSOLE_ALLOW_HOST.split(",").includes("lab.example.org"), "Ingress host allowed");
    },
  },
  "allow-hosts": {
    sets: ["console.allowHosts[0]=vm.lab.example.org,console.allowHosts[1]=10.0.0.5"],
    check(t, objects) {
      t.equal(consoleEnv(objects).CONSOLE_ALLOW_HOST.split(",").slice(-2), ["vm.lab.example.org", "10.0.0.5"],
        "console.allowHosts after the Service names");
      t.that(consoleEnv(objects).CONSOLE_ALLOW_HOST.startsWith("myvm-qemu-riscv64,"), "the Service name first");
    },
  },
  "global-pull-secrets-and-storage-class": {
    sets: ["global.imagePullSecrets[0]=shared,imagePullSecrets[0]=regcred,imagePullSecrets[1]=shared",
      "global.storageClass=fast-ssd,persistence.enabled=true,persistence.storageClass=slow"],
    check(t, objects) {
      t.equal(podSpec(objects).imagePullSecrets, [{ name: "shared" }, { name: "regcred" }],
        "global.imagePullSecrets first, then imagePullSecrets, each once");
      t.equal(only(objects, "PersistentVolumeClaim").spec.storageClassName, "fast-ssd", "global.storageClass wins");
    },
  },
  "network-policy": {
    sets: ["networkPolicy.enabled=true,ssh.enabled=true"],
    check(t, objects) {
      const policy = only(objects, "NetworkPolicy");
      t.equal(policy.spec.podSelector.matchLabels, vmSet(objects).spec.selector.matchLabels,
        "selects the VM pod, not the helm test pod");
      t.equal(policy.spec.policyTypes, ["Ingress"], "ingress only: the guest's own traffic out is network.mode's business");
      t.equal(policy.spec.ingress, [{ ports: [{ port: "http", protocol: "TCP" }, { port: "ssh", protocol: "TCP" }] }],
        "the console and the forwarded ports, from anywhere (allowExternal)");
    },
  },
  "network-policy-selected-clients": {
    sets: ["networkPolicy.enabled=true,networkPolicy.allowExternal=false",
      "networkPolicy.ingressNSMatchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
      "networkPolicy.ingressPodMatchLabels.app=proxy"],
    check(t, objects) {
      t.equal(only(objects, "NetworkPolicy").spec.ingress, [{
        ports: [{ port: "http", protocol: "TCP" }],
        from: [
          { podSelector: { matchLabels: { "app.kubernetes.io/instance": "myvm", "app.kubernetes.io/component": "test" } } },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
            podSelector: { matchLabels: { app: "proxy" } } },
        ],
      }], "only the release's helm test pod and the selected clients");
    },
  },
  "image-pull-secret-names": {
    sets: ["imagePullSecrets[0]=regcred,imagePullSecrets[1]=mirror"],
    check(t, objects) {
      t.equal(podSpec(objects).imagePullSecrets, [{ name: "regcred" }, { name: "mirror" }], "names become objects");
      t.equal(only(objects, "Pod").spec.imagePullSecrets, [{ name: "regcred" }, { name: "mirror" }], "test pod too");
    },
  },
  "pod-labels": {
    sets: ["podLabels.team=lab,podLabels.app\\.kubernetes\\.io/part-of=course"],
    check(t, objects) {
      const labels = vmSet(objects).spec.template.metadata.labels;
      t.equal([labels.team, labels["app.kubernetes.io/part-of"]], ["lab", "course"], "podLabels, one value per key");
    },
  },
  "global-image-registry": {
    sets: ["global.imageRegistry=mirror.example.org:5000"],
    check(t, objects) {
      const spec = podSpec(objects);
      t.equal([...spec.initContainers, ...spec.containers].map((c) => c.image), [
        "mirror.example.org:5000/qemu-riscv64-launcher:0.1.0", "mirror.example.org:5000/qemu-riscv64-data-debian-13:0.1.0",
        "mirror.example.org:5000/qemu-riscv64-console:0.1.0", "mirror.example.org:5000/qemu-riscv64-launcher:0.1.0"],
      "every image from the mirror");
    },
  },
  "launcher-rvv071": {
    sets: ["images.launcherRVV071=carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0",
      "images.data=carvicsforth/qemu-riscv64-buildroot-rvv-0.7.1:954aeb7-1"],
    check(t, objects) {
      t.equal(launcher(objects).image, "carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0", "the rvv-0.7.1 launcher");
    },
  },
  "launcher-rvv071-unused": {
    sets: ["images.launcherRVV071=carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0"],
    check(t, objects) {
      t.equal(launcher(objects).image, "localhost/qemu-riscv64-launcher:0.1.0", "not for other data images");
    },
  },
  "extra-env": {
    sets: ["extraEnv[0].name=VM_READY_PATTERN,extraEnv[0].value=ready>",
      "console.extraEnv[0].name=CONSOLE_STALL_TIMEOUT,console.extraEnv[0].value=30"],
    check(t, objects) {
      t.equal(launcherEnv(objects).VM_READY_PATTERN, "ready>", "launcher extraEnv");
      t.equal(consoleEnv(objects).CONSOLE_STALL_TIMEOUT, "30", "console extraEnv");
    },
  },
  "pod-placement": {
    sets: ["runtimeClassName=kata", "topologySpreadConstraints[0].maxSkew=1,topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname,topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway"],
    check(t, objects) {
      t.equal(podSpec(objects).runtimeClassName, "kata", "runtimeClassName");
      t.equal(podSpec(objects).topologySpreadConstraints[0].topologyKey, "kubernetes.io/hostname", "topologySpreadConstraints");
    },
  },
  "service-account": {
    sets: ["serviceAccount.name=vm-runner,serviceAccount.annotations.team=lab"],
    check(t, objects) {
      const account = only(objects, "ServiceAccount");
      t.equal([account.metadata.name, account.automountServiceAccountToken], ["vm-runner", false], "the ServiceAccount");
      t.equal(podSpec(objects).serviceAccountName, "vm-runner", "the pod uses it");
    },
  },
  "service-account-existing": {
    sets: ["serviceAccount.create=false,serviceAccount.name=shared"],
    check(t, objects) {
      t.equal(objects.filter((o) => o.kind === "ServiceAccount").length, 0, "none created");
      t.equal(podSpec(objects).serviceAccountName, "shared", "the pod uses the named one");
    },
  },
  "load-balancer-options": {
    sets: ["service.loadBalancerSourceRanges[0]=203.0.113.0/24,service.externalTrafficPolicy=Local"],
    check(t, objects) {
      const spec = consoleService(objects).spec;
      t.equal([spec.loadBalancerSourceRanges, spec.externalTrafficPolicy], [["203.0.113.0/24"], "Local"], "LB options");
    },
  },
  "persistence-not-kept": {
    sets: ["persistence.enabled=true,persistence.keepOnUninstall=false"],
    check(t, objects) {
      t.equal(only(objects, "PersistentVolumeClaim").metadata.annotations, undefined, "no resource-policy");
    },
  },
  "original-values": {
    sets: [],
    valuesFile: "original-values-1.2.0.yaml",
    check(t, objects) {
      t.equal(launcher(objects).image, "carvicsforth/qemu-riscv64-launcher:1.2.0", "the original's launcher image");
      t.equal(podSpec(objects).initContainers[1].image, "carvicsforth/qemu-riscv64-ubuntu:22.04-1", "the original's data image");
      t.equal(consoleService(objects).spec.type, "LoadBalancer", "LoadBalancer as the original");
    },
  },
};
