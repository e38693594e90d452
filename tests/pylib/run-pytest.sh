#!/usr/bin/env bash
# Runs pytest from the test venv (install-test-venv.sh, pinned in requirements.txt)
# with tests/pytest.ini; each Python ctest is one call (tests/CMakeLists.txt, add_pytest).
#
#   tests/pylib/run-pytest.sh tests/console/integration/test_metrics.py::test_metrics_guest --console BIN
#
# Exits 77 when every test it ran was skipped (ctest's SKIP_RETURN_CODE; conftest.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
site=$("$here/install-test-venv.sh")
exec "${site%/lib/python*}/bin/python" -m pytest -c "$here/../pytest.ini" --rootdir "$here/.." "$@"
