#!/usr/bin/env bash
# Every image `make container` built carries the OCI labels title, version,
# source, licenses and created, with version = VERSION (the chart's appVersion).
#
#   test_labels.sh REGISTRY VERSION "NAME..."
set -euo pipefail

registry=${1:?usage: test_labels.sh REGISTRY VERSION NAMES}
version=${2:?usage: test_labels.sh REGISTRY VERSION NAMES}
failed=0
for name in $3; do
  image=$registry/qemu-riscv64-$name:$version
  labels=$(podman image inspect --format '{{json .Labels}}' "$image")
  for key in title version source licenses created; do
    value=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1] or "{}").get(sys.argv[2], ""))' \
      "$labels" "org.opencontainers.image.$key")
    case "$key:$value" in
      *:) echo "$image: no org.opencontainers.image.$key label"; failed=1 ;;
      title:*) [ "$value" = "qemu-riscv64-$name" ] || { echo "$image: title '$value'"; failed=1; } ;;
      version:*) [ "$value" = "$version" ] || { echo "$image: version '$value', expected '$version'"; failed=1; } ;;
      created:*) [[ "$value" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] \
                   || { echo "$image: created '$value' is not an RFC 3339 UTC time"; failed=1; } ;;
    esac
  done
  echo "$image: $labels"
done
exit "$failed"
