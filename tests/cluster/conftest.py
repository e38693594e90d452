"""The cluster and node tiers' options (the paths ctest gives, tests/cluster/CMakeLists.txt)
and fixtures: the Kubernetes binaries (the test is skipped without a Go
toolchain to build them), a control plane and a node, each started for the test and
stopped after it, printing their components' last lines first when the test failed.
"""
import os

import pytest

from cluster import NO_GO, ControlPlane, kubernetes_binaries
from node import SMALL_NODE, Node
from qemu_riscv64_test.pytest_support import given_path, has_failed

PAUSE_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pause.c")


def pytest_addoption(parser):
    group = parser.getgroup("cluster", "the chart on a real Kubernetes (tests/cluster)")
    group.addoption("--kubernetes-script", help="scripts/get-kubernetes.sh: builds the Kubernetes binaries")
    group.addoption("--previous-chart", help="the chart as of its Deployment (cluster.DEPLOYMENT_CHART; default: "
                                             "git archive of --chart's folder at that commit)")
    group.addoption("--images-archive", help="the node's images, made by tests/cluster/build-images.sh")
    group.addoption("--registry", default="localhost", help="the registry part of the node's image names")
    group.addoption("--images-version", default="0.1.0", help="the tag of the node's images")
    group.addoption("--data-image", default="busybox", help="the data image of the node's first release "
                                                            "(qemu-riscv64-data-NAME)")
    group.addoption("--prompt", default=":~# ", help="the end of that guest's shell prompt")
    group.addoption("--screenshot", help="where the console page's screenshot in Chromium goes")


@pytest.fixture
def images_archive(pytestconfig):
    return given_path(pytestconfig, "images-archive", "made by tests/cluster/build-images.sh")


@pytest.fixture
def screenshot(pytestconfig):
    path = pytestconfig.getoption("screenshot")
    if not path:
        raise pytest.UsageError("this test needs --screenshot (where the console page's screenshot goes)")
    return path


@pytest.fixture
def prompt(pytestconfig):
    return pytestconfig.getoption("prompt")


@pytest.fixture
def node_images(pytestconfig):
    """The images the node imports: launcher, console, the first release's data image, debian-13's."""
    registry, version = pytestconfig.getoption("registry"), pytestconfig.getoption("images_version")
    names = ["launcher", "console", f"data-{pytestconfig.getoption('data_image')}", "data-debian-13"]
    return [f"{registry}/qemu-riscv64-{name}:{version}" for name in names]


@pytest.fixture
def kubernetes_bin_dir(pytestconfig):
    """The folder of the Kubernetes binaries; the test is skipped where they cannot be built."""
    bins = kubernetes_binaries(given_path(pytestconfig, "kubernetes-script", "scripts/get-kubernetes.sh"))
    if bins is None:
        pytest.skip(NO_GO)
    return bins


@pytest.fixture
def control_plane(kubernetes_bin_dir, request):
    """etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback (cluster.py),
    stopped after the test, with their last lines printed first when it failed."""
    with ControlPlane(kubernetes_bin_dir) as cp:
        yield cp
        if has_failed(request):
            cp.diagnostics()


@pytest.fixture
def node(control_plane, node_images, images_archive, request):
    """A small node (node.SMALL_NODE allocatable) with the node images imported: kubelet, containerd,
    runc, CNI bridge, kube-proxy and the cluster DNS (node.py); all of it undone after the test."""
    with Node(control_plane, node_images, images_archive, PAUSE_C, allocatable=SMALL_NODE) as started:
        yield started
        if has_failed(request):
            started.diagnostics()
