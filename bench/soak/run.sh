#!/usr/bin/env bash
# Soak: the console and launcher on the busybox guest with 1000 idle viewers
# and 10 active ones for SOAK_SECONDS (default 600); RSS of both at start and
# end, and sessions dropped, written to bench/soak/RESULTS.md.
#   bench/soak/run.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: bench/soak/run.sh BUILD_DIR}"
for binary in launcher console; do
  [ -x "$build/bin/$binary" ] || { echo "run.sh: no $binary at $build/bin (build it first)" >&2; exit 1; }
done
[ -f "$build/guest/busybox/vm.conf" ] || { echo "run.sh: no guest at $build/guest/busybox (make guest)" >&2; exit 1; }
# 1010 sessions: a WebSocket and a telnet socket each in the console, one in the launcher.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 "$here/soak.py" --build "$build" --seconds "${SOAK_SECONDS:-600}" \
  --results "$here/RESULTS.md"
