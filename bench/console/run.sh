#!/usr/bin/env bash
# The console's benchmark against websocketd + telnet and ttyd + telnet, in the same run.
#   bench/console/run.sh BUILD_DIR     (writes bench/console/RESULTS.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: bench/console/run.sh BUILD_DIR}"
[ -x "$build/bin/console" ] || { echo "run.sh: no console at $build/bin/console (build it first)" >&2; exit 1; }
for tool in websocketd telnet python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done
# 500 idle sessions take a WebSocket and a telnet socket each.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# ttyd, from a Debian root of its own (fetched once); without it the run goes on, and says so.
ttyd=$("$here/get-ttyd.sh") || { echo "run.sh: no ttyd row: get-ttyd.sh failed (above)" >&2; ttyd=; }
exec python3 "$here/run_bench.py" --build "$build" --results "$here/RESULTS.md" --ttyd "$ttyd"
