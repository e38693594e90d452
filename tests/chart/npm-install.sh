#!/usr/bin/env bash
# Installs the chart tests' npm tools (package-lock.json) into DIR/node_modules, once per lock.
#
#   tests/chart/npm-install.sh DIR
#
# npm's download cache lives under $CACHE_DIR/npm, so fresh clones install offline-fast.
set -euo pipefail

dir="${1:?usage: npm-install.sh DIR}"
source_dir="$(cd "$(dirname "$0")" && pwd)"
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/qemu-riscv64}"

command -v npm >/dev/null || { echo "npm-install: needs npm (scripts/install-deps.sh build)" >&2; exit 1; }
mkdir -p "$dir"
exec 9>"$dir/.npm-install.lock"
flock 9

# The stamp is the lock file itself: same lock, same node_modules.
if [ -d "$dir/node_modules" ] && cmp -s "$source_dir/package-lock.json" "$dir/.installed-lock.json"; then
  echo "npm-install: $dir/node_modules is up to date"
  exit 0
fi
cp "$source_dir/package.json" "$source_dir/package-lock.json" "$dir/"
npm ci --prefix "$dir" --cache "$CACHE_DIR/npm" --no-audit --no-fund --loglevel=error
cp "$source_dir/package-lock.json" "$dir/.installed-lock.json"
echo "npm-install: installed into $dir/node_modules"
