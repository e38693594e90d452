"""What the warm-start and hibernate tests share about a busybox guest started from a
snapshot: commands at its shell, whether the host's QEMU loses timers at a load, the status
socket's word on how the guest started, and the snapshot table of its qcow2 disk."""
import re
import struct
import subprocess
import time

from qemu_riscv64_test.guest import BUSYBOX_PROMPT
from qemu_riscv64_test.launcher import status_reply
from qemu_riscv64_test.processes import check

COLD_BOOT_S = 600  # a hang guard for a cold boot under emulation on a loaded machine, not a measurement


def command(client, line, prompt=BUSYBOX_PROMPT):
    """Types `line`, returns what the guest printed before the next `prompt`."""
    marker = f"done-{time.monotonic_ns()}"
    client.type(f"{line}; echo {marker[:5]}''{marker[5:]}\r")
    text = client.read_until(f"\r\n{marker}\r\n".encode() + prompt)
    return text[text.rindex(f"{line}; echo".encode()):]


def qemu_loses_timers():
    """Whether the host's QEMU is older than 10.2 (timer_rearmer.hpp)."""
    version = subprocess.run(["qemu-system-riscv64", "--version"], capture_output=True,
                             text=True, check=True).stdout
    major, minor = map(int, re.search(r"version (\d+)\.(\d+)", version).groups())
    return (major, minor) < (10, 2)


def check_started(status_socket, how):
    """The status socket says the guest is ready and how it started."""
    word, values = status_reply(status_socket)
    check((word, values.get("guest_start")) == ("ready", how), f"{word!r} {values}")
    check(0 < float(values["guest_start_seconds"]) <= float(values["launcher_uptime_seconds"]), values)
    check(float(values["qemu_cpu_seconds"]) > 0 and int(values["qemu_rss_bytes"]) > 0, values)


def snapshots(disk_file):
    """The snapshot table of an open qcow2 file: (name, L1 table offset, L1 entries) each."""
    disk_file.seek(0)
    count, entry = struct.unpack_from(">IQ", disk_file.read(72), 60)
    for _ in range(count):
        disk_file.seek(entry)
        fixed = disk_file.read(40)
        l1_offset, l1_size = struct.unpack_from(">QI", fixed, 0)
        id_size, name_size = struct.unpack_from(">HH", fixed, 12)
        (extra_size,) = struct.unpack_from(">I", fixed, 36)
        disk_file.seek(entry + 40 + extra_size + id_size)
        name = disk_file.read(name_size).decode()
        entry += (40 + extra_size + id_size + name_size + 7) // 8 * 8
        yield name, l1_offset, l1_size


def snapshot_names(disk):
    """The names in a qcow2 file's snapshot table."""
    with open(disk, "rb") as f:
        return [name for name, _, _ in snapshots(f)]


def vm_state_offset(disk, name):
    """Where the VM state of qcow2 snapshot `name` starts in the file: the
    snapshot's L1 entry just past the virtual disk, its first L2 entry."""
    with open(disk, "rb") as f:
        cluster_bits, virtual_bytes = struct.unpack_from(">IQ", f.read(72), 20)
        for found, l1_offset, l1_size in snapshots(f):
            if found != name:
                continue
            # One L1 entry maps 2^(2 * cluster_bits - 3) bytes; the state follows the disk.
            index = -(-virtual_bytes // (1 << (2 * cluster_bits - 3)))
            check(index < l1_size, f"L1 index {index} past the table's {l1_size} entries")
            f.seek(l1_offset + 8 * index)
            (l2_entry,) = struct.unpack(">Q", f.read(8))
            f.seek(l2_entry & 0x00FFFFFFFFFFFE00)
            (data_entry,) = struct.unpack(">Q", f.read(8))
            return data_entry & 0x00FFFFFFFFFFFE00
    raise AssertionError(f"{disk} holds no snapshot {name!r}")


def damage_vm_state(disk, name):
    """Zeroes the stream magic of snapshot `name`'s VM state, its metadata left intact."""
    with open(disk, "r+b") as f:
        f.seek(vm_state_offset(disk, name))
        check(f.read(4) == b"QEVM", "the VM state does not start with QEMU's stream magic")
        f.seek(-4, 1)
        f.write(b"\0" * 8)
