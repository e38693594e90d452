"""Chart: bad values must fail `helm template` (as `helm install` would) with an error naming the value.

    run-pytest.sh test_bad_values.py                        every case
    run-pytest.sh 'test_bad_values.py::test_refused[SLUG]'  one (ctest's chart.chart.refused-SLUG)

test_refused[SLUG]  one key of BAD_CASES (as a slug): helm template with its --set list exits non-zero,
                    its error containing the case's text
"""
import re

import pytest

from chartlib.helm import template

# case -> ([--set strings], text the error must contain). CMakeLists.txt makes one ctest of each,
# chart.chart.refused-SLUG.
BAD_CASES = {
    "cpu.count=0": (["cpu.count=0"], "/cpu/count"),
    "cpu.count=two": (["cpu.count=two"], "/cpu/count"),
    "memory=lots": (["memory=lots"], "memory=lots: memory is the guest RAM in MiB, a number without a unit"),
    "memory with a unit": (["memory=2Gi"],
        "memory=2Gi: memory is the guest RAM in MiB, a number without a unit (for 2Gi: --set memory=2048)"),
    "memory=64": (["memory=64"], "/memory"),
    "service.type=Bogus": (["service.type=Bogus"], "/service/type"),
    "service.port=70000": (["service.port=70000"], "/service/port"),
    "service.port=0": (["service.port=0"], "/service/port"),
    "unknown top-level key": (["colour=blue"], "colour"),
    "unknown nested key": (["console.auth.enable=true"], "enable"),
    "images.data empty": (["images.data="], "/images/data"),
    "cpu.features with a space": (["cpu.features=v=true vlen=256"], "/cpu/features"),
    "persistence.size=lots": (["persistence.enabled=true,persistence.size=lots"], "/persistence/size"),
    "imagePullPolicy=Sometimes": (["imagePullPolicy=Sometimes"], "/imagePullPolicy"),
    "ssh.enabled=yes": (["ssh.enabled=yes"], "/ssh/enabled"),
    "metrics.serviceMonitor.interval=soon": (["metrics.serviceMonitor.interval=soon"],
        "/metrics/serviceMonitor/interval"),
    "forward port on the console's Service port": (["forwardPorts[0].name=web,forwardPorts[0].port=8080,"
                                                    "forwardPorts[0].guestPort=80"],
        "forwardPorts web=8080 collides with service.port"),
    "forward containerPort on the console's 8080": (["forwardPorts[0].name=web,forwardPorts[0].port=80,"
                                                     "forwardPorts[0].guestPort=80,forwardPorts[0].containerPort=8080"],
        "/forwardPorts/0/containerPort"),
    "forward guest port 8080 lands on the console's pod port": (["forwardPorts[0].name=web,forwardPorts[0].port=80,"
                                                                 "forwardPorts[0].guestPort=8080"],
        "forwardPorts web: container port 8080 is already used by the console: set its containerPort"),
    "grace period below shutdownTimeout": (["terminationGracePeriodSeconds=20"], "terminationGracePeriodSeconds=20"),
    "grace period below the hibernate save": (["persistence.enabled=true,terminationGracePeriodSeconds=40"],
        "terminationGracePeriodSeconds=40 must be greater than the shutdown timeout, 51 s (shutdownTimeout=25, "
        "raised to save memory=2048 MiB at hibernateWriteRate=50 MiB/s)"),
    "hibernate=sometimes": (["hibernate=sometimes"], "/hibernate"),
    "recording.maxMiB=-1": (["recording.maxMiB=-1"], "/recording/maxMiB"),
    "recording.input=yes": (["recording.input=yes"], "/recording/input"),
    "ssh.port equal to service.port": (["ssh.enabled=true,ssh.port=8080"], "ssh.port=8080"),
    "two forwards on one port": (["forwardPorts[0].name=a,forwardPorts[0].port=9000,forwardPorts[0].guestPort=80",
                                  "forwardPorts[1].name=b,forwardPorts[1].port=9000,forwardPorts[1].guestPort=81"],
        "forwardPorts b=9000"),
    "guest secret and password": (["guest.existingSecret=login,guest.password=pw"], "guest.existingSecret=\"login\""),
    "ingress TLS without a host": (["ingress.enabled=true,ingress.tlsSecret=vm-tls"], "ingress.tlsSecret"),
    "ingress.path without a slash": (["ingress.enabled=true,ingress.path=console"], "/ingress/path"),
    "no QEMU overhead": (["memoryOverhead.fixed=0"], "/memoryOverhead/fixed"),
    "nodePort on ClusterIP": (["service.type=ClusterIP,service.nodePort=30080"], "service.nodePort"),
    "nodePort outside 30000-32767": (["service.type=NodePort,service.nodePort=8080"], "/service/nodePort"),
    "ssh.nodePort outside 30000-32767": (["service.type=NodePort,ssh.enabled=true,ssh.nodePort=40000"],
        "/ssh/nodePort"),
    "memory limit below the guest's RAM": (["memory=4096,resources.limits.memory=1Gi"],
        "resources.limits.memory=1Gi is below the VM's memory=4096 MiB plus QEMU's overhead (4762Mi): QEMU would "
        "be OOM-killed"),
    "memory limit below a raised request": (["memory=512,resources.requests.memory=2Gi,resources.limits.memory=1Gi"],
        "resources.limits.memory=1Gi is below the memory request 2Gi"),
    "cpu limit below the request": (["cpu.count=4,resources.limits.cpu=500m"],
        "resources.limits.cpu=500m is below the CPU request 1000m"),
    "zero cpu request": (["resources.requests.cpu=0"],
        "resources.requests.cpu=0: a zero request lets the node run out of cpu for the VM; leave it out for the "
        "default (500m)"),
    "zero memory request": (["resources.requests.memory=0Mi"],
        "resources.requests.memory=0Mi: a zero request lets the node run out of memory for the VM; leave it out "
        "for the default (768Mi)"),
    "ssh on the console's nodePort": (["service.type=NodePort,service.nodePort=30080,ssh.enabled=true,"
                                       "ssh.nodePort=30080"],
        "ssh.nodePort=30080 collides with service.nodePort on the Service"),
    "global.storageClass a number": (["global.storageClass[0]=fast"], "/global/storageClass"),
    "cpu limit below a given request": (["resources.requests.cpu=1500m,resources.limits.cpu=1"],
        "resources.limits.cpu=1 is below the CPU request 1500m"),
    "requests.memory not a quantity": (["resources.requests.memory=lots"], "/resources/requests/memory"),
    "persistence.accessModes=ReadWriteMany": (["persistence.enabled=true,persistence.accessModes[0]=ReadWriteMany"],
        "persistence.accessModes: ReadWriteMany: the guest disk takes ReadWriteOnce or ReadWriteOncePod only"),
    "existingClaim without persistence": (["persistence.existingClaim=myclaim"],
        "persistence.existingClaim=\"myclaim\" needs persistence.enabled=true"),
    "auth existingSecret with auth off": (["console.auth.enabled=false,console.auth.existingSecret=login"],
        "console.auth.existingSecret=\"login\" needs console.auth.enabled=true"),
    "podLabels on the selector's name": (["podLabels.app\\.kubernetes\\.io/name=other"],
        "podLabels.app.kubernetes.io/name: the chart sets this selector label itself"),
    "podLabels on the selector's instance": (["podLabels.app\\.kubernetes\\.io/instance=other"],
        "podLabels.app.kubernetes.io/instance: the chart sets this selector label itself"),
    "podLabels on the selector's component": (["podLabels.app\\.kubernetes\\.io/component=other"],
        "podLabels.app.kubernetes.io/component: the chart sets this selector label itself"),
    "imagePullSecrets entry without a name": (["imagePullSecrets[0].secret=regcred"], "/imagePullSecrets/0"),
    "externalTrafficPolicy on ClusterIP": (["service.type=ClusterIP,service.externalTrafficPolicy=Local"],
        "service.externalTrafficPolicy=Local needs service.type=NodePort or LoadBalancer"),
    "externalTrafficPolicy unknown": (["service.externalTrafficPolicy=Nearest"], "/service/externalTrafficPolicy"),
    "loadBalancerSourceRanges without a LoadBalancer": (["service.type=NodePort,"
                                                         "service.loadBalancerSourceRanges[0]=10.0.0.0/8"],
        "service.loadBalancerSourceRanges needs service.type=LoadBalancer, not NodePort"),
    "bootTimeout too short": (["bootTimeout=5"], "/bootTimeout"),
    "ingress.path with a query": (["ingress.enabled=true,ingress.path=/vm1?x"], "/ingress/path"),
    "extraEnv over a chart value": (["extraEnv[0].name=VM_MEMORY,extraEnv[0].value=512"],
        "extraEnv[0]: VM_MEMORY is set by the chart in the launcher container"),
    "console.extraEnv over a chart value": (["console.extraEnv[0].name=CONSOLE_LISTEN,"
                                             "console.extraEnv[0].value=0.0.0.0:9090"],
        "console.extraEnv[0]: CONSOLE_LISTEN is set by the chart in the console container"),
    "extraEnv name twice": (["extraEnv[0].name=VM_READY_PATTERN,extraEnv[0].value=a,"
                             "extraEnv[1].name=VM_READY_PATTERN,extraEnv[1].value=b"],
        "extraEnv[1]: VM_READY_PATTERN is already set by extraEnv[0]"),
    "replicas=-1": (["replicas=-1"], "at '/replicas': minimum: got -1, want 0"),
    "replicas=three": (["replicas=three"], "at '/replicas': got string, want integer"),
    "replicas=2.5": (["replicas=2.5"], "at '/replicas'"),
    "front.enabled=sometimes": (["front.enabled=sometimes"],
        "at '/front/enabled': value must be one of 'auto', true, false"),
    "nodeSpread=always": (["replicas=3,nodeSpread=always"], "at '/nodeSpread': value must be one of"),
    "front.extraEnv over a chart value": (["replicas=2,front.extraEnv[0].name=CONSOLE_FRONT_PEERS,"
                                           "front.extraEnv[0].value=10.0.0.5:8080"],
        "front.extraEnv[0]: CONSOLE_FRONT_PEERS is set by the chart in the front container"),
    "one existing claim for a fleet": (["replicas=3,persistence.enabled=true,persistence.existingClaim=vm-disk"],
        "persistence.existingClaim=\"vm-disk\" is one VM's disk, and replicas=3 VMs need one each: leave "
        "existingClaim empty"),
    "ssh.nodePort on the front's Service": (["replicas=2,service.type=NodePort,ssh.enabled=true,ssh.nodePort=30022"],
        "ssh.nodePort=30022: with the front (replicas=2, front.enabled=auto) the release's Service is the front's"),
}


def slug(name):
    """"memory limit below the request" -> "memory-limit-below-the-request" (CMakeLists.txt does the same)."""
    return re.sub(r"^-|-$", "", re.sub(r"[^a-z0-9]+", "-", name.lower()))


@pytest.mark.parametrize("name", list(BAD_CASES), ids=slug)
def test_refused(expect, name):
    sets, mention = BAD_CASES[name]
    result = template("myvm", sets)
    expect.that(result.status != 0, "%s: helm template must fail, it exited 0" % name)
    expect.that(mention in result.stderr, "%s: the error must name '%s', it said: %s" % (
        name, mention, result.stderr.strip()))
    expect.report("bad values")
