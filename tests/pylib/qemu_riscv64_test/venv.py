"""The pinned packages of tests/pylib/requirements.txt, from the venv install-test-venv.sh makes once."""
import hashlib
import os
import subprocess
import sys

PYLIB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def venv_site_packages():
    """The venv's site-packages: where install-test-venv.sh puts it, run only while it is not there."""
    with open(os.path.join(PYLIB, "requirements.txt"), "rb") as requirements:
        key = hashlib.sha256(requirements.read()).hexdigest()[:12]
    version = "%d.%d" % sys.version_info[:2]
    cache = os.environ.get("CACHE_DIR") or os.path.expanduser("~/.cache/qemu-riscv64")
    venv = os.path.join(cache, "tools", "test-venv-%s-py%s" % (key, version))
    if os.path.exists(os.path.join(venv, ".installed")):
        return os.path.join(venv, "lib", "python" + version, "site-packages")
    return subprocess.run([os.path.join(PYLIB, "install-test-venv.sh")], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def use_test_venv():
    """Puts the test venv's site-packages first on sys.path."""
    site = venv_site_packages()
    if site not in sys.path:
        sys.path.insert(0, site)
