"""The container tier's Python tests: their options (what ctest gives, tests/images/CMakeLists.txt)
and fixtures: the case test_pod.py runs, and the chart's pods a test plays
with podman, taken down after it (their containers' logs printed first when it failed).
"""
import dataclasses

import pytest

from qemu_riscv64_test.pytest_support import given, has_failed
from rendered_pod import RenderedPod, render


def pytest_addoption(parser):
    group = parser.getgroup("images", "the chart's pod under podman with the images `make container` built")
    group.addoption("--data-image", help="the data image the pod runs (REGISTRY/qemu-riscv64-data-NAME:VERSION)")
    group.addoption("--prompt", help="the end of the guest's shell prompt")
    group.addoption("--login-password", help="log in as root with this password")
    group.addoption("--chart-password", action="store_true",
                    help="hand the login password to the guest through the chart's guest.password")
    group.addoption("--persist-file", help="with persistence on: a file written in the guest")
    group.addoption("--browser-screenshot", help="also open the console page in Chromium; its screenshot")
    group.addoption("--ready-text", help="/readyz must stay 503 until the serial console shows this")
    group.addoption("--first-start", choices=["warm", "cold"],
                    help="how the first pod must start (warm: the data image's snapshot resumed)")
    group.addoption("--guest-server", action="store_true",
                    help="check a guest TCP server at the pod's address (network.mode=passt)")
    group.addoption("--value", action="append", default=[], metavar="KEY=VALUE",
                    help="one more chart value (e.g. images.launcher=...), repeatable")


@pytest.fixture
def data_image(pytestconfig):
    return given(pytestconfig, "data-image", "the data image the pod runs")


@pytest.fixture
def login_password(pytestconfig):
    return given(pytestconfig, "login-password", "root's password in the guest")


@dataclasses.dataclass
class PodCase:
    """What test_pod.py plays and checks: the options ctest gives it."""
    data_image: str
    prompt: str
    first_start: str
    login_password: str | None
    chart_password: bool
    persist_file: str | None
    browser_screenshot: str | None
    ready_text: str | None
    guest_server: bool
    values: list


@pytest.fixture
def pod_case(pytestconfig, data_image):
    option = pytestconfig.getoption
    return PodCase(data_image=data_image, prompt=given(pytestconfig, "prompt", "the shell prompt's ending"),
                   first_start=given(pytestconfig, "first-start", "warm or cold"),
                   login_password=option("login_password"), chart_password=option("chart_password"),
                   persist_file=option("persist_file"), browser_screenshot=option("browser_screenshot"),
                   ready_text=option("ready_text"), guest_server=option("guest_server"), values=option("value"))


class PlayedPods:
    """The chart's pods a test plays: `helm template` with its values, then `podman kube play`."""

    def __init__(self, helm, chart):
        self.helm, self.chart = helm, chart
        self.up = []

    def play(self, release, values, http_port, telnet_port):
        """Plays the release's pod, its console on http_port and its telnet on telnet_port."""
        pod = RenderedPod(render(self.helm, self.chart, release, values), http_port, telnet_port)
        self.up.append(pod)
        pod.play()
        return pod

    def remove(self, pod):
        self.up.remove(pod)
        pod.remove()


@pytest.fixture
def played_pods(helm_binary, chart, request):
    """Plays the chart's pods (PlayedPods); those still up after the test are taken down, with
    their containers' logs printed first when it failed."""
    pods = PlayedPods(helm_binary, chart)
    yield pods
    for pod in reversed(pods.up):
        if has_failed(request):
            pod.diagnostics()
        pod.remove()
