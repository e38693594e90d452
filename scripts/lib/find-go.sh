# shellcheck shell=bash
# find_go MIN_VERSION: prints the path of a Go toolchain at least MIN_VERSION
# (e.g. 1.24.0): $GO, else `go` on PATH, else /usr/local/go/bin/go (where the
# official tarball installs it). Otherwise prints why not and returns 1.
find_go() {
  local min="$1" go="${GO:-}" have
  if [ -z "$go" ]; then
    go="$(command -v go || true)"
    [ -n "$go" ] || [ ! -x /usr/local/go/bin/go ] || go=/usr/local/go/bin/go
  fi
  if [ -z "$go" ]; then
    echo "no Go toolchain (go on PATH, /usr/local/go/bin/go or GO=...); Go >= $min is needed"
    return 1
  fi
  if ! have="$("$go" env GOVERSION 2>/dev/null)"; then
    echo "GO='$go' does not run"
    return 1
  fi
  have="${have#go}"
  if [ "$(printf '%s\n%s\n' "$min" "$have" | sort -V | head -n 1)" != "$min" ]; then
    echo "Go $have at $go is older than the $min needed"
    return 1
  fi
  echo "$go"
}
