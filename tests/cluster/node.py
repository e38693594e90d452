"""A real Kubernetes node beside the control plane of cluster.py.

containerd (Debian's, with runc) in a private root, state and socket; the CNI
bridge plugin from Debian's containernetworking-plugins on a bridge and subnet
of its own; a pause image made here (pause.c, static, alone in a FROM-scratch
image); the kubelet (cgroupfs driver: this host is cgroup v1), kube-proxy in
iptables mode, and cluster_dns.py for Service names. `with Node(...)` undoes
all of it on the way out: pods, containers, mounts, cgroups, iptables rules,
the bridge and the directory.

A second node (another name, services=False) beside the first on this host:
its own containerd, CNI bridge and subnet, and a kubelet whose pods live under
a cgroup of its own (cgroupRoot /NAME); kube-proxy and the DNS are the first
node's, which serve the whole cluster from this host's network.
"""
import hashlib
import io
import json
import os
import random
import shlex
import shutil
import subprocess
import tarfile
import time

from cluster import Processes, log
from qemu_riscv64_test.processes import free_port
from cluster_dns import ClusterDns

PAUSE_IMAGE = "localhost/qemu-riscv64-test-pause:1"
NODE_NAME = "node-1"
# The small node: minikube's default node on a 16 GB laptop (2 CPUs, about 4 GiB)
# whose system pods already request 750m CPU and 500 MiB; the kubelet reserves the
# rest of this machine so that exactly that much is allocatable.
SMALL_NODE = (2000 - 750, 4096 - 500)  # allocatable millicores, MiB
CGROUP_ROOT = "/sys/fs/cgroup"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_bytes(files):
    """An uncompressed tar of {name: (mode, bytes)}."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, (mode, data) in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def pause_image_archive(pause_binary, path):
    """A docker-archive tar holding one image: the static pause binary, nothing else."""
    with open(pause_binary, "rb") as f:
        layer = tar_bytes({"pause": (0o755, f.read())})
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
        "rootfs": {"type": "layers", "diff_ids": [sha256(layer)]},
    }).encode()
    manifest = json.dumps([{"Config": "config.json", "RepoTags": [PAUSE_IMAGE], "Layers": ["layer.tar"]}]).encode()
    with open(path, "wb") as f:
        f.write(tar_bytes({"config.json": (0o644, config), "layer.tar": (0o644, layer),
                           "manifest.json": (0o644, manifest)}))


def node_ip():
    """The host's source address for outside traffic: the kubelet refuses a loopback node IP."""
    route = subprocess.run(["ip", "-4", "route", "get", "192.0.2.255"], capture_output=True, text=True).stdout
    words = route.split()
    return words[words.index("src") + 1]


def run(*argv, check=True):
    return subprocess.run(argv, capture_output=True, text=True, check=check)


def mem_total_ki():
    with open("/proc/meminfo") as f:
        return int(next(line for line in f if line.startswith("MemTotal:")).split()[1])


EVICTION_HARD_MI = 100  # the kubelet's memory.available threshold, also taken off allocatable


def reserved_for(allocatable_cpu_m, allocatable_memory_mi):
    """The kubelet's systemReserved that leaves exactly this much allocatable on this machine
    (allocatable = capacity - reserved - the hard eviction threshold)."""
    cpu_m = (os.cpu_count() or 1) * 1000 - allocatable_cpu_m
    memory_ki = mem_total_ki() - (allocatable_memory_mi + EVICTION_HARD_MI) * 1024
    if cpu_m < 0 or memory_ki < 0:
        raise RuntimeError(f"this machine ({os.cpu_count()} CPUs, {mem_total_ki()} KiB) is smaller than the node "
                           f"asked for ({allocatable_cpu_m}m, {allocatable_memory_mi}Mi allocatable)")
    return {"cpu": f"{cpu_m}m", "memory": f"{memory_ki}Ki"}


def rules(saved):
    """The rules of an iptables-save dump, each as its words (quoted comments kept whole)."""
    return [shlex.split(line) for line in saved if line.startswith("-A ")]


def jump_target(words):
    """The chain a rule jumps (-j) or goes (-g) to, or None."""
    for flag in ("-j", "-g"):
        if flag in words[:-1]:
            return words[words.index(flag) + 1]
    return None


def kube_chains(saved):
    """Every KUBE-* chain of a dump."""
    return {line[1:].split()[0] for line in saved if line.startswith(":KUBE-")}


def pod_network_chains(network):
    """Picks from a dump the masquerade chains the CNI bridge plugin made for `network`:
    POSTROUTING jumps to them with the network's name in the rule's comment."""
    def chains_of(saved):
        return {jump_target(words) for words in rules(saved)
                if words[1] == "POSTROUTING" and any(f'"{network}"' in word for word in words)} - {None}
    return chains_of


def remove_chains(tool, table, chains_of):
    """Removes the chains `chains_of(dump)` picks from a table, with each rule outside them that
    jumps to one; all are flushed before any is deleted, as they may jump to each other."""
    saved = run(f"{tool}-save", "-t", table, check=False).stdout.splitlines()
    chains = chains_of(saved)
    for words in rules(saved):
        if words[1] not in chains and jump_target(words) in chains:
            run(tool, "-t", table, "-D", *words[1:], check=False)
    for action in ("-F", "-X"):
        for chain in chains:
            run(tool, "-t", table, action, chain, check=False)


class Node:
    def __init__(self, cp, images, images_archive, pause_c, allocatable=None, name=NODE_NAME, services=True,
                 octet=None):
        """allocatable=(millicores, MiB): the kubelet reserves the rest of the machine (systemReserved).
        services: this node runs kube-proxy and the cluster's DNS (the first node; a second one not).
        octet: the second of the pods' subnet (10.octet.0.0/24), random when not given."""
        self.cp = cp
        self.name = name
        self.services = services
        self.allocatable = allocatable
        self.images = images
        self.images_archive = images_archive
        self.pause_c = pause_c
        self.dir = os.path.join(cp.dir, name)
        os.makedirs(self.dir)
        self.procs = Processes(self.dir)
        self.sock = os.path.join(self.dir, "containerd", "containerd.sock")
        self.ip = node_ip()
        self.octet = octet or random.randint(64, 250)
        self.pod_subnet = f"10.{self.octet}.0.0/24"
        self.pod_gateway = f"10.{self.octet}.0.1"
        self.bridge = f"qrcni{self.octet}"
        # The first node's pods under the host's root cgroup, as a kubelet's; another's under its own.
        self.cgroup_root = "/" if services else f"/{name}"
        self.network = "qemu-riscv64-test" if services else f"qemu-riscv64-test-{name}"
        self.dns = None

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.diagnostics()
            self._stop()
            raise
        return self

    def __exit__(self, kind, value, trace):
        if kind is not None:
            self.diagnostics()
        self._stop()
        return False

    def ctr(self, *args, check=True):
        return run("ctr", "--address", self.sock, "--namespace", "k8s.io", *args, check=check)

    def _start(self):
        # The pods' network namespaces are made by containerd; those the CNI plugin never
        # tore down (a pod not deleted in time) are this node's to remove at its stop.
        self.netns_before = set(self.network_namespaces())
        free_gib = shutil.disk_usage(self.dir).free / 2**30
        log(f"disk: {free_gib:.1f} GiB free under {self.dir} (images, the guests' disks and logs go there)")
        self._start_containerd()
        self._import_images()
        self._write_cni_config()
        if self.services:
            self.dns = ClusterDns(self.ip, self._service_addresses, self._endpoint_names)
        else:
            self._make_cgroup_root()
        self._start_kubelet()
        if self.services:
            self._start_kube_proxy()
        self.cp.wait_for(f"node {self.name} Ready", self._node_ready)
        node = self.cp.get("node", self.name)
        info = node["status"]["nodeInfo"]
        log(f"real node {self.name} Ready: kubelet {info['kubeletVersion']}, {info['containerRuntimeVersion']}, "
            f"kernel {info['kernelVersion']}, cgroup v1 host, address {self.ip}, pods on {self.pod_subnet}")

    def _start_containerd(self):
        root = os.path.join(self.dir, "containerd")
        os.makedirs(os.path.join(self.dir, "cni"))
        config = os.path.join(root, "config.toml")
        os.makedirs(root)
        with open(config, "w") as f:
            f.write(f"""version = 2
root = "{root}/root"
state = "{root}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "{self.sock}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{PAUSE_IMAGE}"
  # Without CAP_SYS_RESOURCE (this sandbox) no process may lower its oom_score_adj:
  # runc fails "can't get final child's PID from pipe" for a pause container at -998.
  restrict_oom_score_adj = true
  enable_cdi = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "{self.dir}/cni"
""")
        self.procs.start("containerd", ["containerd", "--config", config, "--log-level", "info"])
        self.cp.wait_for("containerd's socket", lambda: self.ctr("version", check=False).returncode == 0)
        server = self.ctr("version").stdout.split("Server:")[-1].split()
        log(f"containerd {server[server.index('Version:') + 1]} up, socket {self.sock}")

    def _import_images(self):
        pause_binary = os.path.join(self.dir, "pause")
        run("cc", "-static", "-Os", "-s", "-o", pause_binary, self.pause_c)
        archive = os.path.join(self.dir, "pause.tar")
        pause_image_archive(pause_binary, archive)
        self.ctr("images", "import", archive)
        log(f"pause image {PAUSE_IMAGE} built here (static pause.c in a FROM-scratch image) and imported")
        if self.images_archive is None:
            return
        if not os.path.isfile(self.images_archive):
            raise RuntimeError(f"--images-archive {self.images_archive} does not exist (tests/cluster/build-images.sh)")
        self.ctr("images", "import", self.images_archive)
        listed = self.ctr("images", "ls", "-q").stdout.split()
        for image in self.images:
            if image not in listed:
                raise RuntimeError(f"{image} is not in containerd after the import: {listed}")
        log(f"imported into containerd from podman's archive: {', '.join(self.images)}")

    def _write_cni_config(self):
        conflist = {
            "cniVersion": "0.4.0", "name": self.network,
            "plugins": [
                {"type": "bridge", "bridge": self.bridge, "isGateway": True, "ipMasq": True, "hairpinMode": True,
                 "ipam": {"type": "host-local", "ranges": [[{"subnet": self.pod_subnet}]],
                          "routes": [{"dst": "0.0.0.0/0"}], "dataDir": os.path.join(self.dir, "cni-ipam")}},
                {"type": "portmap", "capabilities": {"portMappings": True}},
            ],
        }
        with open(os.path.join(self.dir, "cni", "10-bridge.conflist"), "w") as f:
            json.dump(conflist, f)

    def _service_addresses(self, service, namespace):
        """A Service's ClusterIP; for a headless one, as CoreDNS answers, the addresses of its
        ready endpoints (every pod's with publishNotReadyAddresses); None for no such Service."""
        result = self.cp.kubectl_run("get", "service", service, "-n", namespace, "-o",
                                     "jsonpath={.spec.clusterIP}")
        cluster_ip = result.stdout.strip()
        if result.returncode != 0 or not cluster_ip:
            return None
        if cluster_ip != "None":
            return [cluster_ip]
        slices = self.cp.kubectl_run("get", "endpointslices", "-n", namespace, "-l",
                                     f"kubernetes.io/service-name={service}", "-o", "json")
        if slices.returncode != 0:
            return None
        return sorted({address for item in json.loads(slices.stdout)["items"]
                       for endpoint in item.get("endpoints") or []
                       if endpoint.get("conditions", {}).get("ready", True)
                       for address in endpoint["addresses"]})

    def _endpoint_names(self, address):
        """(hostname, service, namespace) of each headless Service's endpoint at `address` that has a
        host name (a StatefulSet's pod), as CoreDNS answers a PTR query for it."""
        slices = self.cp.kubectl_run("get", "endpointslices", "-A", "-o", "json")
        if slices.returncode != 0:
            return []
        return sorted({(endpoint["hostname"], item["metadata"]["labels"].get("kubernetes.io/service-name", ""),
                        item["metadata"]["namespace"])
                       for item in json.loads(slices.stdout)["items"]
                       for endpoint in item.get("endpoints") or []
                       if endpoint.get("hostname") and address in endpoint.get("addresses", [])})

    def _start_kubelet(self):
        subject = f"/O=system:nodes/CN=system:node:{self.name}"
        kubeconfig = self.cp.pki.kubeconfig(f"kubelet-{self.name}", subject, self.cp.server)
        self.kubelet_port = free_port()
        config = {
            "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
            "address": self.ip, "port": self.kubelet_port, "readOnlyPort": 0,
            "healthzBindAddress": "127.0.0.1", "healthzPort": free_port(),
            "authentication": {"anonymous": {"enabled": False}, "webhook": {"enabled": True},
                               "x509": {"clientCAFile": self.cp.pki.path("ca.crt")}},
            "authorization": {"mode": "Webhook"},
            "containerRuntimeEndpoint": f"unix://{self.sock}",
            "cgroupDriver": "cgroupfs",
            # This host is cgroup v1; 1.34 still runs there (said explicitly for later releases).
            "failCgroupV1": False,
            "clusterDNS": [self.ip], "clusterDomain": "cluster.local",
            "failSwapOn": False, "protectKernelDefaults": False,
            "podLogsDir": os.path.join(self.dir, "pod-logs"),
            "imageGCHighThresholdPercent": 100, "imageGCLowThresholdPercent": 99,
            # Absolute disk thresholds: this node's disk is the host's, shared with the caches and
            # every other run, and 1% of a large one is gigabytes that the node never had.
            "evictionHard": {"memory.available": f"{EVICTION_HARD_MI}Mi", "nodefs.available": "256Mi",
                             "imagefs.available": "256Mi"},
            "serializeImagePulls": False, "registerNode": True,
            # No KUBE-FIREWALL chain in the host's shared tables.
            "makeIPTablesUtilChains": False,
        }
        if not self.services:
            config["cgroupRoot"] = self.cgroup_root
        if self.allocatable:
            # The rest of the machine is reserved, as system daemons and pods already placed would take it.
            config["systemReserved"] = reserved_for(*self.allocatable)
        config_path = os.path.join(self.dir, "kubelet.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        self.kubelet_argv = [
            self.cp.tool("kubelet"), f"--config={config_path}", f"--kubeconfig={kubeconfig}",
            f"--hostname-override={self.name}", f"--node-ip={self.ip}",
            f"--root-dir={os.path.join(self.dir, 'kubelet')}", "--v=2"]
        self.procs.start("kubelet", self.kubelet_argv)

    def _start_kube_proxy(self):
        # Host-wide settings kube-proxy may change, put back by _stop().
        self.saved_sysctls = {}
        for key in ("net/ipv4/conf/all/route_localnet", "net/bridge/bridge-nf-call-iptables"):
            try:
                with open(f"/proc/sys/{key}") as f:
                    self.saved_sysctls[key] = f.read().strip()
            except OSError:
                pass
        kubeconfig = self.cp.pki.kubeconfig("kube-proxy", "/CN=system:kube-proxy", self.cp.server)
        config = {
            "apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
            "clientConnection": {"kubeconfig": kubeconfig}, "mode": "iptables",
            "hostnameOverride": NODE_NAME, "clusterCIDR": self.pod_subnet,
            "bindAddress": self.ip,
            "healthzBindAddress": f"127.0.0.1:{free_port()}", "metricsBindAddress": f"127.0.0.1:{free_port()}",
            # No conntrack or rlimit tuning: this sandbox lacks CAP_SYS_RESOURCE.
            "conntrack": {"maxPerCore": 0, "min": 0},
            # NodePorts on 127.0.0.1 would need route_localnet=1, a host-wide sysctl.
            "iptables": {"localhostNodePorts": False},
            "oomScoreAdj": 0,
        }
        self.proxy_config = os.path.join(self.dir, "kube-proxy.json")
        with open(self.proxy_config, "w") as f:
            json.dump(config, f)
        self.procs.start("kube-proxy", [self.cp.tool("kube-proxy"), f"--config={self.proxy_config}", "--v=1"])

    def _make_cgroup_root(self):
        """The cgroup the kubelet puts its pods under, in every cgroup v1 controller; cpuset's
        with its parent's CPUs and memory nodes (a new cpuset has none)."""
        for controller in os.listdir(CGROUP_ROOT):
            top = os.path.join(CGROUP_ROOT, controller)
            os.makedirs(top + self.cgroup_root, exist_ok=True)
            for inherited in ("cpuset.cpus", "cpuset.mems"):
                if os.path.exists(os.path.join(top, inherited)):
                    with open(os.path.join(top, inherited)) as parent, \
                            open(os.path.join(top + self.cgroup_root, inherited), "w") as child:
                        child.write(parent.read())

    def _node_ready(self):
        result = self.cp.kubectl_run("get", "node", self.name, "-o", "json")
        if result.returncode != 0:
            return False
        conditions = json.loads(result.stdout)["status"].get("conditions", [])
        return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)

    def diagnostics(self):
        for name in ("containerd", "kubelet", "kube-proxy"):
            print(f"--- last lines of {name}.log ---\n{self.procs.tail(name, 40)}", flush=True)
        # A pressure condition (disk, memory, PIDs) is the usual reason pods stop starting here.
        result = self.cp.kubectl_run("get", "node", self.name, "-o", "json")
        if result.returncode == 0:
            for condition in json.loads(result.stdout)["status"].get("conditions", []):
                if condition["type"] != "Ready" and condition["status"] == "True":
                    log(f"node {self.name}: {condition['type']}: {condition.get('message', '')}")
        log(f"disk: {shutil.disk_usage(self.dir).free / 2**30:.1f} GiB free under {self.dir}")

    def _stop(self):
        """Pods first (the CNI plugin releases their addresses and rules), then the daemons, then leftovers."""
        if any(name == "kubelet" for name, _ in self.procs.running):
            self.cp.kubectl_run("delete", "pods", "--all-namespaces", f"--field-selector=spec.nodeName={self.name}",
                                "--grace-period=5", "--timeout=90s")
        self.procs.stop("kube-proxy")
        if os.path.exists(getattr(self, "proxy_config", "")):
            subprocess.run([self.cp.tool("kube-proxy"), "--cleanup", f"--config={self.proxy_config}"],
                           capture_output=True)
        self.procs.stop("kubelet")
        if self.services:
            self.remove_kube_chains()
        for key, value in getattr(self, "saved_sysctls", {}).items():
            with open(f"/proc/sys/{key}", "w") as f:
                f.write(value)
        if any(name == "containerd" for name, _ in self.procs.running):
            for task in self.ctr("tasks", "ls", "-q", check=False).stdout.split():
                self.ctr("tasks", "kill", "-s", "SIGKILL", task, check=False)
            time.sleep(1)
            for container in self.ctr("containers", "ls", "-q", check=False).stdout.split():
                self.ctr("tasks", "delete", "-f", container, check=False)
                self.ctr("containers", "delete", container, check=False)
        self.procs.stop_all()
        if self.dns:
            self.dns.close()
        self._unmount_all()
        run("ip", "link", "delete", self.bridge, check=False)
        self._remove_pod_networks()
        self._remove_cgroups()
        if not self.services:
            # The cluster lives on after a second node: no stale node object left in it.
            self.cp.kubectl_run("delete", "node", self.name, "--wait=false")
        log(f"node {self.name} stopped: containers, mounts, cgroups, bridge {self.bridge}, pod networks and "
            "iptables rules removed")

    @staticmethod
    def network_namespaces():
        return [line.split()[0] for line in run("ip", "netns", "list", check=False).stdout.splitlines() if line]

    def _remove_pod_networks(self):
        """What the CNI plugin leaves of a pod it never tore down: its network namespace (with
        the pod's end of its veth), made since the node started and no process in it (another
        node's running pods keep theirs), and its masquerade rule and chain, named by the network."""
        for name in set(self.network_namespaces()) - getattr(self, "netns_before", set()):
            if name.startswith("cni-") and not run("ip", "netns", "pids", name, check=False).stdout.strip():
                run("ip", "netns", "delete", name, check=False)
        remove_chains("iptables", "nat", pod_network_chains(self.network))

    @staticmethod
    def remove_kube_chains():
        """Every KUBE-* iptables chain and the rules jumping to them (the only Kubernetes here is the test's)."""
        for tool in ("iptables", "ip6tables"):
            for table in ("mangle", "nat", "filter"):
                remove_chains(tool, table, kube_chains)

    def _unmount_all(self):
        with open("/proc/self/mountinfo") as f:
            points = [line.split()[4] for line in f]
        for point in sorted((p for p in points if p.startswith(self.dir)), key=len, reverse=True):
            run("umount", "-l", point, check=False)

    def _remove_cgroups(self):
        """The kubelet's kubepods hierarchy in every cgroup v1 controller, deepest first (with the
        node's own cgroup root, for a second node)."""
        for controller in os.listdir(CGROUP_ROOT):
            top = os.path.join(CGROUP_ROOT, controller) + (self.cgroup_root if not self.services else "/kubepods")
            if not os.path.isdir(top):
                continue
            for path, _, _ in sorted(os.walk(top), key=lambda entry: len(entry[0]), reverse=True):
                try:
                    os.rmdir(path)
                except OSError:
                    pass
