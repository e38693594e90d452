"""Chart: the data-provider init container's script, taken from the rendered StatefulSet.

    run-pytest.sh test_data_provider.py

test_data_provider  the script run on folders standing in for the data image's /data and the "data"
                    volume: it copies into an empty volume, keeps a volume that already holds a guest
                    (vm.conf, or the original's config.sh), and redoes an interrupted copy
"""
import shutil
import subprocess

from chartlib.helm import template
from chartlib.objects import container, pod_spec

# The pod runs the copied static busybox; here a host busybox, or the host's own tools.
BUSYBOX = shutil.which("busybox") or ""
IMAGE = {"vm.conf": "VM_DRIVE=disk.img\n", "disk.img": "pristine disk", "boot/Image": "kernel", ".hidden": "h"}


def copy_script(data_dir, volume_dir):
    """The rendered script with its paths pointed at data_dir and volume_dir."""
    rendered = template("myvm", ["persistence.enabled=true"])
    text = container(pod_spec(rendered.objects), "data-provider")["args"][0]
    local = text.replace("bb=/tools/busybox", "bb=" + BUSYBOX, 1) \
        .replace("volume=/volume", "volume=" + str(volume_dir), 1).replace("/data/.", str(data_dir) + "/.", 1)
    if local == text or "/tools/" in local or " /data/" in local:
        raise AssertionError("the script's paths moved")
    return local


def run(shell_script):
    argv = [BUSYBOX, "sh", "-c", shell_script] if BUSYBOX else ["sh", "-c", shell_script]
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout


def write(folder, files):
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")


def read(folder, name):
    path = folder / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def fresh(folder):
    folder.mkdir()
    return folder


def check_empty_volume_then_restart(expect, data, volume):
    script = copy_script(data, volume)
    expect.that("copied" in run(script), "an empty volume: the script says it copied")
    for name, content in IMAGE.items():
        expect.equal(read(volume, name), content, "copied " + name)
    expect.equal([p.name for p in volume.iterdir() if "partial" in p.name], [], "no partial copy left behind")

    write(volume, {"disk.img": "written by the guest"})
    expect.that("kept" in run(script), "a volume holding vm.conf: the script says it kept it")
    expect.equal(read(volume, "disk.img"), "written by the guest", "the guest's disk survives a pod restart")


def check_original_volume(expect, data, original):
    write(original, {"config.sh": "export VM_DRIVE=/data/disk.img\n", "disk.img": "original-style disk"})
    run(copy_script(data, original))
    expect.equal(read(original, "disk.img"), "original-style disk", "a volume holding config.sh is kept too")


def check_interrupted_copy(expect, data, interrupted):
    write(interrupted, {"disk.img": "half a d", ".data-provider.partial/disk.img": "half"})
    run(copy_script(data, interrupted))
    expect.equal(read(interrupted, "disk.img"), "pristine disk", "an interrupted copy is redone")
    expect.equal(read(interrupted, "vm.conf"), IMAGE["vm.conf"], "vm.conf arrives last, with the rest")


def test_data_provider(expect, tmp_path):
    data = fresh(tmp_path / "data")
    write(data, IMAGE)
    check_empty_volume_then_restart(expect, data, fresh(tmp_path / "volume"))
    check_original_volume(expect, data, fresh(tmp_path / "original-volume"))
    check_interrupted_copy(expect, data, fresh(tmp_path / "interrupted-volume"))
    print("data-provider: ran with " + (BUSYBOX or "the host's sh and tools (no busybox found)"))
    expect.report("data-provider")
