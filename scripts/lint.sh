#!/usr/bin/env bash
# Formatting and static analysis of every C++, Python and shell file in the repository.
#
#   scripts/lint.sh format          rewrite C++ files in the project's style (make format)
#   scripts/lint.sh check-format    fail on any C++ file not in that style (make lint)
#   scripts/lint.sh tidy BUILD_DIR  clang-tidy with .clang-tidy's checks (make lint)
#   scripts/lint.sh python          ruff with ruff.toml's rules (make lint)
#   scripts/lint.sh shell           shellcheck (make lint)
#
# clang-format and ruff are pinned (PyPI's, each in a venv under CACHE_DIR) so
# that Debian 12 and 13 lint alike; clang-tidy and shellcheck are Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."

format_version=14.0.6
cache_dir=${CACHE_DIR:-$HOME/.cache/qemu-riscv64}
tools=$cache_dir/tools/clang-format-$format_version

cxx_files() {
  git ls-files '*.cpp' '*.hpp' '*.h' '*.cc'
}

# The pinned clang-format, installed once.
clang_format=$tools/bin/clang-format
install_clang_format() {
  [ -x "$clang_format" ] && return
  echo "lint: installing clang-format $format_version in $tools" >&2
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q "clang-format==$format_version"
}

# The pinned ruff, installed once.
ruff_version=0.17.6
ruff_tools=$cache_dir/tools/ruff-$ruff_version
install_ruff() {
  [ -x "$ruff_tools/bin/ruff" ] && return
  echo "lint: installing ruff $ruff_version in $ruff_tools" >&2
  python3 -m venv "$ruff_tools"
  "$ruff_tools/bin/pip" install -q "ruff==$ruff_version"
}

# clang-tidy on the units whose preprocessed text changed since they were last
# found clean (scripts/lib/tidy_units.py; stamps in CACHE_DIR).
run_tidy() {
  local build=${1:?usage: lint.sh tidy BUILD_DIR}
  [ -f "$build/compile_commands.json" ] ||
    { echo "lint: no $build/compile_commands.json (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2; exit 2; }
  python3 scripts/lib/tidy_units.py "$build" "$PWD" "$cache_dir/tools/tidy-clean-units" "${JOBS:-2}"
}

case "${1:-}" in
  format)
    install_clang_format
    cxx_files | xargs -r "$clang_format" -i ;;
  check-format)
    install_clang_format
    cxx_files | xargs -r "$clang_format" --dry-run -Werror
    echo "lint: $(cxx_files | wc -l) files in the project's style" ;;
  tidy) run_tidy "${2:-}" ;;
  python)
    install_ruff
    git ls-files '*.py' | xargs -r "$ruff_tools/bin/ruff" check --no-cache --quiet
    echo "lint: $(git ls-files '*.py' | wc -l) Python files clean" ;;
  shell)
    git ls-files '*.sh' | xargs -r shellcheck --external-sources
    echo "lint: $(git ls-files '*.sh' | wc -l) shell scripts clean" ;;
  *) echo "usage: lint.sh format | check-format | tidy BUILD_DIR | python | shell" >&2; exit 2 ;;
esac
