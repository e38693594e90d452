"""A guest's data folder of a test's own."""
import os
import shutil
import tempfile

def busybox_prompt(hostname="riscv-busybox"):
    """The busybox guest's shell prompt, as root in its home folder, named `hostname`
    (VM_HOSTNAME; the image's own name without it)."""
    return f"root@{hostname}:~# ".encode()


BUSYBOX_PROMPT = busybox_prompt()


class PrivateGuest:
    """A copy of a guest's data directory: QEMU locks the disk image for
    writing, so tests booting the same guest at once each need their own,
    and a `make guest` rewriting the shared files cannot disturb a boot.

        with PrivateGuest(guest_dir) as data_dir: ...
    or  guest = PrivateGuest(guest_dir); ...; guest.remove()
    """

    def __init__(self, guest_dir):
        self.path = tempfile.mkdtemp(prefix="qemu-riscv64-guest-")
        for name in os.listdir(guest_dir):
            source = os.path.join(guest_dir, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(self.path, name))
            else:
                shutil.copy(source, self.path)

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        self.remove()
