# shellcheck shell=bash
# keep_newest N PREFIX: of the cache folders named PREFIX* (one per hash of their
# sources), keeps the N most recently used and removes the others, so that a cache
# kept between runs does not grow with every change. A user marks one as used by
# touching it; folders still being written (*.tmp) are left alone.
keep_newest() {
  local n=$1 prefix=$2 old
  # shellcheck disable=SC2012 # names are hashes: ls -t's order is all that is read
  ls -1dt -- "$prefix"* 2>/dev/null | grep -v '\.tmp$' | tail -n +"$((n + 1))" |
    while IFS= read -r old; do
      rm -rf -- "$old"
      echo "cache: removed $old (not among the $n last used)"
    done
}
