#!/usr/bin/env bash
# The chart tests' Python tools, fetched once into CACHE_DIR: the pinned test venv
# (tests/pylib/install-test-venv.sh) and the Prometheus Operator's ServiceMonitor CRD
# (get-servicemonitor-crd.sh; without Go or GOPROXY the ServiceMonitor cases report Skipped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
echo "python-deps: test venv $("$here/../pylib/install-test-venv.sh")"
status=0
crd="$("$here/get-servicemonitor-crd.sh")" || status=$?
case "$status" in
  0) echo "python-deps: ServiceMonitor CRD $crd" ;;
  77) echo "python-deps: NOTE: no ServiceMonitor CRD here; the cases that render one will report Skipped" ;;
  *) exit "$status" ;;
esac
