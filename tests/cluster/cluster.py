"""A real Kubernetes control plane on loopback for the cluster tests.

etcd, kube-apiserver, kube-controller-manager and kube-scheduler built by
scripts/get-kubernetes.sh, started as child processes with a CA, certificates
and service-account keys made here with openssl. Everything lives in one
temporary directory; `with ControlPlane(...) as cp:` stops every process and
removes the directory on the way out, failure or not. A process this one
started dies with it even when the test is killed (PR_SET_PDEATHSIG).
"""
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from qemu_riscv64_test import processes
from qemu_riscv64_test.processes import free_port

SERVICE_CIDR = "10.96.0.0/16"
START_DEADLINE_S = 300  # a hang guard for a loaded machine, not a measurement
# The chart's last commit with the VM as a Deployment: upgrades from it must keep the disk.
DEPLOYMENT_CHART = "2869c81"

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def log(message):
    print(f"cluster: {message}", flush=True)


class Failure(Exception):
    """A check of the cluster tests that did not hold."""


NO_GO = ("no Go toolchain new enough to build Kubernetes (see above); install Go from https://go.dev/dl/ "
         "to run this tier")


def kubernetes_binaries(script):
    """The folder of the Kubernetes binaries scripts/get-kubernetes.sh (`script`) prints, or None
    when this tier cannot run here (NO_GO: the script said why)."""
    bins = subprocess.run([script], stdout=subprocess.PIPE, text=True)
    if bins.returncode == 3:
        return None
    if bins.returncode != 0:
        raise Failure(f"{script} failed ({bins.returncode})")
    return bins.stdout.strip()


def check(condition, what):
    """The tests' one check (qemu_riscv64_test.processes), logged when it holds: the long
    scenarios say what they saw."""
    processes.check(condition, what)
    log(f"checked: {what}")


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Processes:
    """Child processes with logs in files; stopped in reverse start order."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.running = []

    def start(self, name, argv, env=None):
        out = open(os.path.join(self.log_dir, f"{name}.log"), "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True, preexec_fn=_die_with_parent)
        out.close()
        self.running.append((name, proc))
        return proc

    def check_alive(self):
        for name, proc in self.running:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with status {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name, lines=30):
        try:
            with open(os.path.join(self.log_dir, f"{name}.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self, name):
        for entry in list(self.running):
            if entry[0] == name:
                self._stop(*entry)
                self.running.remove(entry)

    def stop_all(self):
        while self.running:
            self._stop(*self.running.pop())

    @staticmethod
    def _stop(name, proc):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class Pki:
    """A self-signed CA, serving and client certificates, service-account keys."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=cluster-test-ca",
                "-keyout", "ca.key", "-out", "ca.crt", cwd=directory)
        openssl("genrsa", "-out", "sa.key", "2048", cwd=directory)
        openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=directory)

    def path(self, name):
        return os.path.join(self.dir, name)

    def issue(self, name, subject, sans=None, server=False):
        """name.crt/name.key signed by the CA; subject like /O=system:masters/CN=admin."""
        ext = os.path.join(self.dir, f"{name}.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n")
            f.write(f"extendedKeyUsage={'serverAuth' if server else 'clientAuth'}\n")
            if sans:
                f.write("subjectAltName=" + ",".join(sans) + "\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f"{name}.key",
                "-out", f"{name}.csr", cwd=self.dir)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", ext, "-out", f"{name}.crt", cwd=self.dir)
        return self.path(f"{name}.crt"), self.path(f"{name}.key")

    def kubeconfig(self, name, subject, server):
        """A kubeconfig file for a client certificate issued to subject."""
        cert, key = self.issue(name, subject)
        path = self.path(f"{name}.kubeconfig")
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "test",
            "clusters": [{"name": "test", "cluster": {"server": server, "certificate-authority": self.path("ca.crt")}}],
            "users": [{"name": name, "user": {"client-certificate": cert, "client-key": key}}],
            "contexts": [{"name": "test", "context": {"cluster": "test", "user": name}}],
        }
        with open(path, "w") as f:
            json.dump(config, f)  # JSON is YAML
        return path


class ControlPlane:
    """etcd + kube-apiserver + kube-controller-manager + kube-scheduler on 127.0.0.1."""

    def __init__(self, bin_dir, keep_dir=False):
        self.bin = bin_dir
        self.keep_dir = keep_dir
        self.dir = tempfile.mkdtemp(prefix="qemu-riscv64-cluster-")
        self.procs = Processes(self.dir)
        self.api_port = free_port()
        self.server = f"https://127.0.0.1:{self.api_port}"

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, kind, value, trace):
        if kind is not None:
            self.diagnostics()
        self.procs.stop_all()
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        log(f"control plane stopped, {self.dir} {'kept' if self.keep_dir else 'removed'}")
        return False

    def tool(self, name):
        return os.path.join(self.bin, name)

    def _start(self):
        log(f"work directory {self.dir}")
        self.pki = Pki(os.path.join(self.dir, "pki"))
        pki = self.pki
        api_cert, api_key = pki.issue("apiserver", "/CN=kube-apiserver", server=True, sans=[
            "IP:127.0.0.1", "IP:10.96.0.1", "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default",
            "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local"])
        kubelet_client = pki.issue("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client")
        self.admin = pki.kubeconfig("admin", "/O=system:masters/CN=cluster-admin", self.server)
        cm_config = pki.kubeconfig("controller-manager", "/CN=system:kube-controller-manager", self.server)
        sched_config = pki.kubeconfig("scheduler", "/CN=system:kube-scheduler", self.server)

        etcd_client, etcd_peer = free_port(), free_port()
        etcd_url = f"http://127.0.0.1:{etcd_client}"
        self.procs.start("etcd", [
            self.tool("etcd"), "--name", "test", "--data-dir", os.path.join(self.dir, "etcd"),
            "--listen-client-urls", etcd_url, "--advertise-client-urls", etcd_url,
            "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
            "--initial-cluster", f"test=http://127.0.0.1:{etcd_peer}",
            "--listen-metrics-urls", f"http://127.0.0.1:{free_port()}",
            "--unsafe-no-fsync", "--log-level", "warn"])

        self.procs.start("kube-apiserver", [
            self.tool("kube-apiserver"), f"--etcd-servers={etcd_url}",
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", f"--secure-port={self.api_port}",
            f"--tls-cert-file={api_cert}", f"--tls-private-key-file={api_key}",
            f"--client-ca-file={pki.path('ca.crt')}",
            f"--service-account-key-file={pki.path('sa.pub')}",
            f"--service-account-signing-key-file={pki.path('sa.key')}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--authorization-mode=Node,RBAC",
            # PodSecurity is on by default; named here so the test does not depend on that.
            "--enable-admission-plugins=NodeRestriction,PodSecurity",
            f"--kubelet-client-certificate={kubelet_client[0]}", f"--kubelet-client-key={kubelet_client[1]}",
            "--kubelet-preferred-address-types=InternalIP",
            # The loopback address it advertises is no valid endpoint of the `kubernetes` Service.
            "--endpoint-reconciler-type=none",
            "--allow-privileged=false", "--profiling=false", "--v=1"])
        self.wait_for("kube-apiserver /readyz", lambda: self.kubectl_ok("get", "--raw", "/readyz"))

        self.procs.start("kube-controller-manager", [
            self.tool("kube-controller-manager"), f"--kubeconfig={cm_config}",
            f"--authentication-kubeconfig={cm_config}", f"--authorization-kubeconfig={cm_config}",
            "--bind-address=127.0.0.1", f"--secure-port={free_port()}", "--leader-elect=false",
            f"--service-account-private-key-file={pki.path('sa.key')}", f"--root-ca-file={pki.path('ca.crt')}",
            "--use-service-account-credentials=true", f"--service-cluster-ip-range={SERVICE_CIDR}",
            f"--cluster-signing-cert-file={pki.path('ca.crt')}", f"--cluster-signing-key-file={pki.path('ca.key')}",
            "--controllers=*", "--v=1"])
        self.procs.start("kube-scheduler", [
            self.tool("kube-scheduler"), f"--kubeconfig={sched_config}",
            f"--authentication-kubeconfig={sched_config}", f"--authorization-kubeconfig={sched_config}",
            "--bind-address=127.0.0.1", f"--secure-port={free_port()}", "--leader-elect=false", "--v=1"])
        # The controller manager is working once the default namespace has its service account.
        self.wait_for("the default ServiceAccount (controller-manager up)",
                      lambda: self.kubectl_ok("get", "serviceaccount", "default", "-n", "default"))
        version = json.loads(self.kubectl("version", "-o", "json"))
        log(f"control plane up: kube-apiserver {version['serverVersion']['gitVersion']} at {self.server}, "
            f"kubectl {version['clientVersion']['gitVersion']}")

    def wait_for(self, what, ready, timeout=START_DEADLINE_S):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.procs.check_alive()
            if ready():
                return
            time.sleep(0.5)
        raise TimeoutError(f"gave up waiting for {what}; the cluster then:\n{self.state_summary()}")

    def state_summary(self):
        """What a timed-out wait leaves to read: every pod not Ready (its node, phase, each container's
        state and restarts, the launcher's last lines) and the last warning events, in plain lines."""
        lines = []
        pods = json.loads(self.kubectl_run("get", "pods", "-A", "-o", "json").stdout or '{"items": []}')["items"]
        for pod in pods:
            meta, status = pod["metadata"], pod.get("status", {})
            if any(c["type"] == "Ready" and c["status"] == "True" for c in status.get("conditions", [])):
                continue
            containers = ", ".join(f"{c['name']} {json.dumps(c.get('state', {}))} restarts {c.get('restartCount', 0)}"
                                   for c in status.get("containerStatuses", []))
            lines.append(f"pod {meta['namespace']}/{meta['name']} on {pod['spec'].get('nodeName')}: "
                         f"{status.get('phase')}{' (deleting)' if meta.get('deletionTimestamp') else ''}; "
                         f"{containers or json.dumps(status.get('conditions', []))}")
            tail = self.kubectl_run("logs", "-n", meta["namespace"], meta["name"], "-c", "launcher", "--tail=5")
            lines += [f"  launcher| {line}" for line in tail.stdout.splitlines()] if tail.returncode == 0 else []
        events = self.kubectl_run("get", "events", "-A", "--field-selector", "type=Warning",
                                  "--sort-by=.lastTimestamp", "-o",
                                  "custom-columns=OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message")
        lines += [f"  event| {line}" for line in events.stdout.splitlines()[-12:]]
        return "\n".join(lines) or "(every pod Ready, no warning event)"

    def env(self):
        return dict(os.environ, KUBECONFIG=self.admin)

    def kubectl_run(self, *args, stdin=None):
        return subprocess.run([self.tool("kubectl"), *args], input=stdin, capture_output=True, text=True,
                              env=self.env())

    def kubectl_ok(self, *args):
        return self.kubectl_run(*args).returncode == 0

    def kubectl(self, *args, stdin=None):
        result = self.kubectl_run(*args, stdin=stdin)
        if result.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def get(self, kind, name=None, namespace=None):
        args = ["get", kind] + ([name] if name else []) + (["-n", namespace] if namespace else []) + ["-o", "json"]
        return json.loads(self.kubectl(*args))

    def diagnostics(self):
        for name, _ in self.procs.running:
            print(f"--- last lines of {name}.log ---\n{self.procs.tail(name)}", file=sys.stderr)


class PodWatch:
    """`kubectl get pods --watch` of the pods a label selector picks: every change the API server
    makes to them, in its order (a watch misses no state, as polling could). The first events are
    the pods that exist when it starts; `with PodWatch(...) as watch:` returns once those came."""

    def __init__(self, cp, namespace, selector):
        self.selector = selector
        self.events = []  # (ADDED | MODIFIED | DELETED, pod), in the API server's order
        self._lock = threading.Lock()
        self._listed = threading.Event()
        self.proc = subprocess.Popen(
            [cp.tool("kubectl"), "get", "pods", "-n", namespace, "-l", selector, "--watch", "--output-watch-events",
             "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=cp.env(),
            preexec_fn=_die_with_parent)
        self._cp, self._namespace = cp, namespace
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        text = ""
        for line in self.proc.stdout:
            text += line  # kubectl prints an event a line (an indented object would span several)
            try:
                event = json.loads(text)
            except ValueError:
                continue
            text = ""
            with self._lock:
                self.events.append((event["type"], event["object"]))

    def __enter__(self):
        # kubectl lists what exists first: once as many pods came as a list gives, the watch is live.
        existing = len(json.loads(self._cp.kubectl("get", "pods", "-n", self._namespace, "-l", self.selector,
                                                   "-o", "json"))["items"])
        self._cp.wait_for(f"the watch of pods {self.selector}", lambda: len(self.snapshot()) >= existing, 60)
        return self

    def __exit__(self, kind, value, trace):
        self.close()
        return False

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self._thread.join(10)

    def snapshot(self):
        with self._lock:
            return list(self.events)

    def crowded(self):
        """Each moment (after an event) when more than one pod existed, as lists of their names and UIDs."""
        present, moments = {}, []
        for kind, pod in self.snapshot():
            uid = pod["metadata"]["uid"]
            if kind == "DELETED":
                present.pop(uid, None)
            else:
                present[uid] = pod
            if len(present) > 1:
                moments.append(sorted(f"{p['metadata']['name']} ({u[:8]})" for u, p in present.items()))
        return moments

    def order(self, uid):
        """The index of the first event of pod `uid` and of its DELETED event (None if not seen)."""
        events = self.snapshot()
        first = next((i for i, (_, pod) in enumerate(events) if pod["metadata"]["uid"] == uid), None)
        gone = next((i for i, (kind, pod) in enumerate(events) if kind == "DELETED"
                     and pod["metadata"]["uid"] == uid), None)
        return first, gone

    def story(self):
        """The events as one line each: type, pod, UID, phase, deleting or not."""
        return [f"{kind} {pod['metadata']['name']} {pod['metadata']['uid'][:8]} {pod['status'].get('phase')}"
                f"{' terminating' if pod['metadata'].get('deletionTimestamp') else ''}"
                for kind, pod in self.snapshot()]


def previous_chart(chart, commit, directory):
    """The chart as it was at `commit` (git archive of the chart's folder), or None without git history."""
    top = subprocess.run(["git", "-C", chart, "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode != 0:
        return None
    folder = os.path.relpath(os.path.realpath(chart), os.path.realpath(top.stdout.strip()))
    archive = subprocess.run(["git", "-C", top.stdout.strip(), "archive", commit, folder], capture_output=True)
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
    return os.path.join(directory, folder)
