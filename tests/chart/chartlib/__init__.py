"""The chart tests' library: the real helm on chart/qemu-riscv64, the rendered objects,
what they must hold for given values, and the Kubernetes API's schemas.

    expect        a collector of checks that reports "N passed, N failed" and fails or skips the test
    helm          helm (scripts/get-helm.sh) on the chart: template, install --dry-run, values
    set_values    what a list of --set strings makes of the values, as helm reads them
    objects       finding things in the rendered objects
    expected      what the objects must hold for given values (design.md's interfaces)
    pod_checks    the StatefulSet's pod against the values
    object_checks the other objects against the values
    k8s_schema    each object against the Kubernetes API's schema, unknown fields refused
    fake_api      a Kubernetes API stand-in answering helm's `lookup`
    pod_env       a rendered container's env as the kubelet would set it

The packages come from the pinned test venv (tests/pylib/requirements.txt).
"""
from qemu_riscv64_test.venv import use_test_venv

use_test_venv()
