#!/usr/bin/env bash
# Formatting and static analysis of every C++ file in the repository.
#
#   scripts/lint.sh format          rewrite files in the project's style (make format)
#   scripts/lint.sh check-format    fail on any file not in that style (make lint)
#   scripts/lint.sh tidy BUILD_DIR  clang-tidy with .clang-tidy's checks (make lint)
#
# clang-format is pinned (PyPI's clang-format 14.0.6, in a venv under CACHE_DIR)
# so that Debian 12 and 13 format alike; clang-tidy is Debian's.
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
  *) echo "usage: lint.sh format | check-format | tidy BUILD_DIR" >&2; exit 2 ;;
esac
