#!/usr/bin/env python3
"""The fleet's start on a real node (the node tier's kubelet and containerd, this
machine's whole size): seconds from `helm install --set replicas=N --wait` to
every VM and the front Ready, for N = 1, 3 and 6 busybox VMs and 3 Debian VMs,
each resuming its data image's snapshot (warm); with each VM's start line.

usage: fleet_bench.py --chart CHART --kubernetes-script S --helm-script S
                      --images-archive TAR --results RESULTS.md
"""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "..", "..", "tests", "cluster")
sys.path.insert(0, CLUSTER)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "pylib"))
from cluster import ControlPlane  # noqa: E402
from node import Node  # noqa: E402
from releases import NAMESPACE, helm_run, is_ready, pod_start_line  # noqa: E402

DEADLINE_S = 1800  # a hang guard for N emulated starts, not a measurement
# The first run of each data image also unpacks its images into containerd (said in the table).
RUNS = (("busybox", 1), ("busybox", 1), ("busybox", 3), ("busybox", 6), ("debian-13", 3))


def image(name):
    return f"localhost/qemu-riscv64-{name}:0.1.0"


def release_pods(cp, release):
    return [p for p in cp.get("pods", namespace=NAMESPACE)["items"]
            if p["metadata"]["labels"].get("app.kubernetes.io/instance") == release]


def time_install(cp, helm, home, chart, data, replicas, round_number):
    """helm install --wait of `replicas` VMs of `data`: the seconds it took and each VM's start line."""
    release = f"bench-{data.split('-')[0]}-{replicas}-{round_number}"
    # The data images' snapshots' size (a resume needs it); small CPU requests so that six fit.
    values = [f"images.launcher={image('launcher')}", f"images.console={image('console')}",
              f"images.data={image('data-' + data)}", f"replicas={replicas}", "cpu.count=2", "memory=2048",
              "resources.requests.cpu=200m", "service.type=ClusterIP", "imagePullPolicy=Never"]
    started = time.monotonic()
    helm_run(helm, cp, home, "install", release, chart, *[a for v in values for a in ("--set", v)], "--wait",
             "--timeout", f"{DEADLINE_S}s")
    took = time.monotonic() - started
    pods = release_pods(cp, release)
    if not all(is_ready(p, None) for p in pods):
        raise SystemExit(f"helm install {release} --wait returned with pods not Ready")
    starts = sorted(pod_start_line(cp, p).split(":")[1].strip() for p in pods
                    if p["metadata"]["labels"].get("app.kubernetes.io/component") == "vm")
    helm_run(helm, cp, home, "uninstall", release, "--wait", "--timeout", "300s")
    cp.wait_for(f"{release}'s pods gone", lambda: not release_pods(cp, release), 300)
    return took, starts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--chart", "--kubernetes-script", "--helm-script", "--images-archive", "--results"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    bins = subprocess.run([args.kubernetes_script], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    helm = subprocess.run([args.helm_script], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    images = [image(name) for name in ("launcher", "console", "data-busybox", "data-debian-13")]
    rows = []
    with ControlPlane(bins) as cp, tempfile.TemporaryDirectory(prefix="helm-") as home:
        with Node(cp, images, args.images_archive, os.path.join(CLUSTER, "pause.c")):
            cp.kubectl("create", "namespace", NAMESPACE)
            seen = set()
            for number, (data, replicas) in enumerate(RUNS):
                took, starts = time_install(cp, helm, home, args.chart, data, replicas, number)
                print(f"fleet bench: {data} x {replicas}: {took:.0f} s ({', '.join(starts)})", flush=True)
                first = "yes" if data not in seen else ""
                seen.add(data)
                rows.append(f"| {data} | {replicas} | {took:.0f} | {first} | {', '.join(sorted(set(starts)))} |")
    write_results(args.results, rows)


def write_results(path, rows):
    text = "\n".join([
        "# Fleet start", "",
        "Command: `bench/fleet/run.sh build` (or `make bench`), %s, %d CPUs, load average at the end: %.1f." % (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count(),
            os.getloadavg()[0]), "",
        "Seconds from `helm install --set replicas=N --wait` to every pod Ready (each VM's console's",
        "/readyz: its guest is up; the front's too), on one real node (the node tier's kubelet, containerd",
        "and CNI bridge) with this machine's size; 2 vCPUs and 2048 MiB per VM (the snapshots' size), a",
        "request of 200m CPU each, no disk kept. Each VM resumes its data image's snapshot (the start",
        "column: how the VMs started, as each launcher said). The first install of a data image on the",
        "node also unpacks its images (containerd's snapshotter): that row's time includes it.", "",
        "| data image | VMs | seconds to all Ready | images unpacked first | start |",
        "|---|---:|---:|---|---|", *rows, ""])
    with open(path, "w") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
