#!/usr/bin/env bash
# The Python test harness's packages (requirements.txt, pinned) in one venv under
# CACHE_DIR, installed once per requirements.txt and Python version; prints the
# venv's site-packages. The venv is made by the python3 on PATH, the one the
# tests run under; pip's downloads are cached in CACHE_DIR/pip. Tests find it
# through qemu_riscv64_test/venv.py, which names the same folder.
#
#   tests/pylib/install-test-venv.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_dir=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
key=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv=$cache_dir/tools/test-venv-$key-py$python_version
site=$venv/lib/python$python_version/site-packages

if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null || { echo "install-test-venv: needs python3 (scripts/install-deps.sh test)" >&2; exit 1; }
  mkdir -p "$cache_dir/tools"
  # Tests of several tiers may ask at once: one installs, the others wait for it.
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.installed" ]; then
    echo "install-test-venv: installing tests/pylib/requirements.txt in $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" || {
      echo "install-test-venv: python3 -m venv failed (scripts/install-deps.sh test installs python3-venv)" >&2
      exit 1
    }
    "$venv/bin/pip" install -q --disable-pip-version-check --cache-dir "$cache_dir/pip" \
      -r "$here/requirements.txt" >&2
    touch "$venv/.installed"
  fi
fi
echo "$site"
