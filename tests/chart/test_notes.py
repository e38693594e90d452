"""Chart: NOTES.txt, as `helm install --dry-run=client` prints it.

    run-pytest.sh test_notes.py

test_notes  how to open the console for each service type (minikube tunnel included, `kubectl
            port-forward` in every one), the wait, the notes of auth on and off, read-only, ssh,
            ingress and persistence, the warnings for the original project's images; for a fleet,
            the front's address, each VM's path below it, scaling, claims and ssh per VM
"""
import pytest

from chartlib.helm import CHART_DIR, run_helm, set_args

SECRET = "kubectl get secret -n vms myvm-qemu-riscv64-console-auth -o jsonpath='{.data.password}' | base64 -d"
LAUNCHER_WARNING = "WARNING: the launcher image is the original project's"
CONSOLE_WARNING = "WARNING: the console image is the original project's gotty"


@pytest.fixture
def notes(expect):
    """notes(*sets): the NOTES `helm install --dry-run=client` prints with these --set values."""
    def install_notes(*sets):
        result = run_helm(["install", "myvm", CHART_DIR, "--dry-run=client", "--namespace", "vms", *set_args(sets)])
        expect.that(result.status == 0, "helm install --dry-run %s: %s" % (" ".join(sets), result.stderr.strip()))
        at = result.stdout.find("NOTES:")
        return "" if at < 0 else result.stdout[at:]
    return install_notes


def expect_in(expect, text, snippets, what):
    for snippet in snippets:
        expect.that(snippet in text, "%s: the notes must say '%s'" % (what, snippet))


def check_service_types(expect, notes):
    expect_in(expect, notes(), ["minikube tunnel", "http://localhost:8080", "kubectl get svc -n vms myvm-qemu-riscv64",
                                "kubectl logs -n vms pod/myvm-qemu-riscv64-0 -c launcher", "--set service.port=8081",
                                "helm test -n vms myvm"], "LoadBalancer")
    expect_in(expect, notes("service.port=8081"), ["http://localhost:8081", "--set service.port=8082"], "port 8081")
    expect_in(expect, notes("service.type=NodePort"), ['{.spec.ports[?(@.name=="http")].nodePort}',
                                                       "minikube service -n vms myvm-qemu-riscv64 --url"], "NodePort")
    expect_in(expect, notes("service.type=ClusterIP"), ["kubectl port-forward -n vms svc/myvm-qemu-riscv64 8080:8080"],
              "ClusterIP")
    for service_type in ("LoadBalancer", "NodePort", "ClusterIP"):
        expect_in(expect, notes("service.type=" + service_type), [
            "kubectl port-forward -n vms svc/myvm-qemu-riscv64 8080:8080", "http://localhost:8080/",
            "kubectl wait -n vms --for=condition=Ready pod"], "port-forward on a " + service_type)


def check_auth(expect, notes):
    expect_in(expect, notes(), ["user: admin", SECRET], "auth by default")
    expect_in(expect, notes("console.auth.enabled=false"),
              ["WARNING: console.auth.enabled=false: anyone who reaches the Service gets a root shell"], "auth off")
    expect.that("WARNING" not in notes(), "no warning with auth on")
    expect_in(expect, notes("console.auth.enabled=false,service.type=NodePort"),
              ['any other address answers 403 "host not allowed"', "--set 'console.allowHosts={ADDRESS}'"],
              "auth off: the value to add")
    expect.that("console.allowHosts" not in notes(),
                "auth on: no allowHosts advice (any Host is served after the credentials)")


def check_wait(expect, notes):
    """The wait matches the VM pod only, not the helm test pod; --wait's traps are named."""
    expect_in(expect, notes(), ["pod -l app.kubernetes.io/instance=myvm,app.kubernetes.io/component=vm --timeout=600s",
                                "`helm install --wait` also waits for the LoadBalancer's address", "--timeout 660s"],
              "the wait")
    expect.that("LoadBalancer's address" not in notes("service.type=NodePort"), "NodePort: no LoadBalancer wait note")


def check_options(expect, notes):
    expect_in(expect, notes("ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"),
              ["http://lab.example.org/vm1", "http://localhost:8080/vm1/"], "base path")
    expect_in(expect, notes("persistence.enabled=true"),
              ["helm uninstall keeps the claim", "kubectl delete pvc -n vms myvm-qemu-riscv64-data"], "kept claim")
    expect_in(expect, notes("console.auth.enabled=true"), ["user: admin", SECRET], "auth")
    expect_in(expect, notes("console.auth.enabled=true,console.auth.existingSecret=login"),
              ["key auth of Secret login"], "existing auth")
    expect_in(expect, notes("console.readOnly=true"), ["read-only"], "read-only")
    expect_in(expect, notes("ssh.enabled=true,ssh.port=2200"), ["ssh -p 2200"], "ssh")
    expect_in(expect, notes("ssh.enabled=true,service.type=NodePort"), ['{.spec.ports[?(@.name=="ssh")].nodePort}'],
              "ssh on a NodePort")
    expect_in(expect, notes("ssh.enabled=true,service.type=ClusterIP"),
              ["svc/myvm-qemu-riscv64 2222:22", "ssh -p 2222 USER@localhost"], "ssh on a ClusterIP")
    expect_in(expect, notes("persistence.enabled=true"), ["PersistentVolumeClaim myvm-qemu-riscv64-data"],
              "persistence")
    expect_in(expect, notes("ingress.enabled=true,ingress.host=vm.example.org"), ["http://vm.example.org/"], "ingress")
    expect.that("read-only" not in notes(), "no read-only note by default")


def check_original_images(expect, notes):
    """The original's launcher and console images are named, each with what it does here."""
    expect_in(expect, notes("images.launcher=carvicsforth/qemu-riscv64-launcher:1.2.0"),
              [LAUNCHER_WARNING, "the pod stops at its first init container"], "the original's launcher")
    expect_in(expect, notes("images.console=docker.io/carvicsforth/qemu-riscv64-console:1.2.0"),
              [CONSOLE_WARNING, "serves an open root shell"], "the original's console")
    rvv = notes("images.data=carvicsforth/qemu-riscv64-buildroot-rvv-0.7.1:954aeb7-1",
                "images.launcherRVV071=carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0")
    expect_in(expect, rvv, [LAUNCHER_WARNING + " (carvicsforth/qemu-riscv64-launcher-rvv-0.7.1:1.2.0)"],
              "the original's rvv-0.7.1 launcher, taken for an rvv-0.7.1 data image")
    expect.that(CONSOLE_WARNING not in rvv, "the original's launcher alone: no console warning")
    expect.that("original project's" not in notes("images.data=carvicsforth/qemu-riscv64-ubuntu:22.04-1"),
                "the original's data image alone: no warning")


def check_fleet(expect, notes):
    """With the front: its address lists the VMs, each at /<fullname>-N/; one VM's console on its
    own through its pod; scaling, and per-VM claims and ssh."""
    fleet = notes("replicas=3")
    expect_in(expect, fleet, [
        'RISC-V fleet "myvm" is starting: 3 VM(s) (myvm-qemu-riscv64-0 to myvm-qemu-riscv64-2)',
        "kubectl port-forward -n vms svc/myvm-qemu-riscv64 8080:8080",
        "then http://localhost:8080/ (the list), http://localhost:8080/myvm-qemu-riscv64-0/",
        "VM N's console is /myvm-qemu-riscv64-N/ below it",
        "kubectl port-forward -n vms pod/myvm-qemu-riscv64-0 8080:8080",
        "The front asks once for a user name and password",
        "helm upgrade -n vms myvm ./chart/qemu-riscv64 --reuse-values --set replicas=N",
        "kubectl scale -n vms statefulset/myvm-qemu-riscv64 --replicas=N",
        "helm upgrade then takes the count back to replicas: pass --set replicas=N, and with helm 4 also "
        "--force-conflicts."], "fleet")
    expect.that("A second VM next to this one" not in fleet, "fleet: no advice to install a second release")
    expect.that('RISC-V VM "myvm"' not in notes("replicas=3"), "fleet: not named a VM")
    expect_in(expect, notes("replicas=2,ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/lab"),
              ["http://localhost:8080/lab/ (the list), http://localhost:8080/lab/myvm-qemu-riscv64-0/",
               "Through the Ingress: http://lab.example.org/lab", "VM N's console is /lab/myvm-qemu-riscv64-N/"],
              "fleet under a path")
    expect_in(expect, notes("replicas=2,service.type=NodePort"), ['{.spec.ports[?(@.name=="http")].nodePort}'],
              "fleet on a NodePort")
    expect_in(expect, notes("replicas=2,persistence.enabled=true"),
              ["a PersistentVolumeClaim of its own, data-myvm-qemu-riscv64-N", "a VM scaled away finds it again",
               "kubectl delete pvc -n vms -l app.kubernetes.io/instance=myvm,app.kubernetes.io/component=vm"],
              "fleet claims")
    expect_in(expect, notes("replicas=2,ssh.enabled=true"),
              ["ssh -p 2222 USER@myvm-qemu-riscv64-0.myvm-qemu-riscv64-headless.vms.svc",
               "kubectl port-forward -n vms pod/myvm-qemu-riscv64-0 2222:2222"], "fleet ssh")
    expect_in(expect, notes("front.enabled=true"), ["1 VM(s) (myvm-qemu-riscv64-0), each"], "a front before one VM")
    expect_in(expect, notes("replicas=2,console.auth.enabled=false"),
              ["--set 'console.allowHosts={ADDRESS}'"], "fleet without auth: the value to add")


def test_notes(expect, notes):
    check_service_types(expect, notes)
    check_auth(expect, notes)
    check_wait(expect, notes)
    check_options(expect, notes)
    check_original_images(expect, notes)
    check_fleet(expect, notes)
    expect.report("notes")
