#!/usr/bin/env python3
"""Runs the data-provider init container's script (taken from the rendered StatefulSet) on
folders standing in for the data image's /data and the "data" volume: it copies into an
empty volume, keeps a volume that already holds a guest, and redoes an interrupted copy."""
import os
import shutil
import subprocess
import sys
import tempfile

from chartlib.expect import Expect
from chartlib.helm import template
from chartlib.objects import container, pod_spec

# The pod runs the copied static busybox; here a host busybox, or the host's own tools.
BUSYBOX = shutil.which("busybox") or ""


def script(data_dir, volume_dir):
    rendered = template("myvm", ["persistence.enabled=true"])
    text = container(pod_spec(rendered.objects), "data-provider")["args"][0]
    local = text.replace("bb=/tools/busybox", "bb=" + BUSYBOX, 1).replace("volume=/volume", "volume=" + volume_dir, 1) \
        .replace("/data/.", data_dir + "/.", 1)
    if local == text or "/tools/" in local or " /data/" in local:
        raise AssertionError("the script's paths moved")
    return local


def run(shell_script):
    argv = [BUSYBOX, "sh", "-c", shell_script] if BUSYBOX else ["sh", "-c", shell_script]
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout


def write(folder, files):
    for name, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
        with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
            out.write(content)


def read(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as given:
        return given.read()


def main(work):
    t = Expect()

    def fresh(name):
        folder = os.path.join(work, name)
        os.makedirs(folder)
        return folder

    data = fresh("data")
    image = {"vm.conf": "VM_DRIVE=disk.img\n", "disk.img": "pristine disk", "boot/Image": "kernel", ".hidden": "h"}
    write(data, image)

    volume = fresh("volume")
    copy_script = script(data, volume)
    t.that("copied" in run(copy_script), "an empty volume: the script says it copied")
    for name, content in image.items():
        t.equal(read(volume, name), content, "copied " + name)
    t.equal([n for n in os.listdir(volume) if "partial" in n], [], "no partial copy left behind")

    write(volume, {"disk.img": "written by the guest"})
    t.that("kept" in run(copy_script), "a volume holding vm.conf: the script says it kept it")
    t.equal(read(volume, "disk.img"), "written by the guest", "the guest's disk survives a pod restart")

    original = fresh("original-volume")
    write(original, {"config.sh": "export VM_DRIVE=/data/disk.img\n", "disk.img": "original-style disk"})
    run(script(data, original))
    t.equal(read(original, "disk.img"), "original-style disk", "a volume holding config.sh is kept too")

    interrupted = fresh("interrupted-volume")
    write(interrupted, {"disk.img": "half a d", ".data-provider.partial/disk.img": "half"})
    run(script(data, interrupted))
    t.equal(read(interrupted, "disk.img"), "pristine disk", "an interrupted copy is redone")
    t.equal(read(interrupted, "vm.conf"), image["vm.conf"], "vm.conf arrives last, with the rest")
    print("data-provider: ran with " + (BUSYBOX or "the host's sh and tools (no busybox found)"))
    return t.report("data-provider")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="chart-data-provider-") as folder:
        sys.exit(main(folder))
