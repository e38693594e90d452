# shellcheck shell=bash
# fetch_once DIR HAVE...: for a script that fetches or builds something once into DIR (in
# CACHE_DIR), where several test runs may ask at once: one fetches, the others wait for it.
# HAVE... is a command that prints the result and succeeds when it is there. It runs
# first, then again under DIR's lock; when it succeeds the script exits 0. Otherwise
# fetch_once returns holding the lock, with $work a new folder in DIR (removed at exit)
# to fetch into.
fetch_once() {
  local dir=$1
  shift
  if "$@"; then exit 0; fi
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock 9
  if "$@"; then exit 0; fi
  work="$(mktemp -d "$dir/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
}
