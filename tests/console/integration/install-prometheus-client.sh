#!/usr/bin/env bash
# The pinned prometheus-client (PyPI's) in a venv under CACHE_DIR, installed
# once, for the /metrics test's parser; prints the venv's site-packages.
# The venv is made by the python3 on PATH, the one the tests run under.
#
#   install-prometheus-client.sh
set -euo pipefail

version=0.21.1
cache_dir=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=$cache_dir/tools/prometheus-client-$version-py$python_version
if [ ! -f "$venv/.installed" ]; then
  echo "install-prometheus-client: installing prometheus-client $version in $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "prometheus-client==$version"
  touch "$venv/.installed"
fi
"$venv/bin/python3" -c 'import prometheus_client, sysconfig; print(sysconfig.get_paths()["purelib"])'
