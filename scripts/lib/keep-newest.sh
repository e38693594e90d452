# shellcheck shell=bash
# keep_newest N PREFIX: of the cache folders named PREFIX* (one per hash of their
# sources), keeps the N most recently used and removes the others, so that a cache
# kept between runs does not grow with every change. A user marks one as used by
# touching it; folders still being written (*.tmp) are left alone.
keep_newest() {
  local n=$1 prefix=$2 old
  find "$(dirname "$prefix")" -mindepth 1 -maxdepth 1 -name "$(basename "$prefix")*" ! -name '*.tmp' \
    -printf '%T@ %p\n' 2>/dev/null | sort -rn | tail -n +"$((n + 1))" | cut -d' ' -f2- |
    while IFS= read -r old; do
      rm -rf -- "$old"
      echo "cache: removed $old (not among the $n last used)"
    done
}
