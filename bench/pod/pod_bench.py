#!/usr/bin/env python3
"""The chart's pod from `podman kube play` to the guest's prompt on the
launcher's console (its log, as `kubectl logs` shows it): cold
(warmStart=off) against warm (the data image's snapshot resumed), same run,
rounds alternating, each pod played fresh.

usage: pod_bench.py HELM CHART DATA_IMAGE PROMPT [ROUNDS]"""
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "images"))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "pylib"))
from rendered_pod import RenderedPod, render  # noqa: E402
from qemu_riscv64_test.launcher import start_line  # noqa: E402
from qemu_riscv64_test.processes import free_port  # noqa: E402

DEADLINE_S = 1500  # a hang guard for an emulated boot, not a measurement


def seconds_to_prompt(helm, chart, image, prompt, warm):
    """Plays one pod; seconds from the play to `prompt` in the launcher's log."""
    values = {"images.data": image, "console.auth.enabled": False,
              "warmStart": "auto" if warm else "off", "network.passtPorts": str(free_port())}
    pod = RenderedPod(render(helm, chart, f"podbench-{os.getpid()}", values), free_port(), free_port(),
                      quiet=True)
    try:
        started = time.monotonic()
        pod.play()
        while time.monotonic() - started < DEADLINE_S:
            log = pod.launcher_log()
            if prompt in log:
                took = time.monotonic() - started
                # A warm round counts only if the snapshot really loaded.
                expected = "warm" if warm else "cold"
                found = start_line(log)
                if not found or found[0] != expected:
                    raise AssertionError(f"the pod did not start {expected} as asked: {found}")
                return took
            time.sleep(0.5)
        raise TimeoutError(f"no {prompt!r} on the console within {DEADLINE_S} s")
    finally:
        pod.remove()


def main(helm, chart, image, prompt, rounds=2):
    times = {False: [], True: []}
    for _ in range(int(rounds)):
        for warm in (False, True):
            times[warm].append(seconds_to_prompt(helm, chart, image, prompt, warm))
    cold, warm = statistics.median(times[False]), statistics.median(times[True])
    name = image.rsplit("/", 1)[-1]
    print(f"| `{name}`, play to `{prompt.strip()}` | cold median s | warm median s | warm / cold "
          f"| cold runs s | warm runs s |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| pod | {cold:.1f} | {warm:.1f} | {warm / cold:.2f}x "
          f"| {', '.join(f'{t:.1f}' for t in times[False])} "
          f"| {', '.join(f'{t:.1f}' for t in times[True])} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
