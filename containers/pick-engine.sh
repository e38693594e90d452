#!/usr/bin/env bash
# Prints the container engine `make container` uses, docker or podman, and on
# stderr one line saying which and why. An engine is chosen by what answers:
#   docker  when `docker info` reaches a daemon and buildx is there (the builds
#           use BuildKit: `--secret`, `RUN --mount=type=secret`)
#   podman  otherwise, when `podman info` answers
# CONTAINER_ENGINE=docker|podman forces one; it must answer too. When nothing
# answers, it says what to install and exits 2.
#
#   containers/pick-engine.sh [PREFIX]    PREFIX names the caller in messages
set -euo pipefail

prefix=${1:-container}
forced=${CONTAINER_ENGINE:-}

# Why docker cannot be used, or nothing when it can.
docker_problem() {
  if ! command -v docker >/dev/null; then
    echo "docker: no such command"
  elif ! timeout 30 docker info >/dev/null 2>&1; then
    echo "docker: no daemon answers docker info"
  elif ! timeout 30 docker buildx version >/dev/null 2>&1; then
    echo "docker: no buildx plugin, which BuildKit builds need: install docker-buildx-plugin"
  fi
}

# Why podman cannot be used, or nothing when it can.
podman_problem() {
  if ! command -v podman >/dev/null; then
    echo "podman: no such command"
  elif ! out=$(timeout 60 podman info 2>&1 >/dev/null); then
    echo "podman: podman info fails: $(printf '%s' "$out" | tail -n1)"
  fi
}

case "$forced" in
  docker | podman)
    problem=$("${forced}_problem")
    if [ -n "$problem" ]; then
      echo "$prefix: CONTAINER_ENGINE=$forced does not answer: $problem" >&2
      exit 2
    fi
    echo "$prefix: engine $forced (CONTAINER_ENGINE=$forced)" >&2
    echo "$forced"
    exit 0
    ;;
  "") ;;
  *)
    echo "$prefix: CONTAINER_ENGINE='$forced' is neither docker nor podman" >&2
    exit 2
    ;;
esac

docker_why=$(docker_problem)
if [ -z "$docker_why" ]; then
  echo "$prefix: engine docker (docker info answers, buildx present; CONTAINER_ENGINE=podman to use podman)" >&2
  echo docker
  exit 0
fi
podman_why=$(podman_problem)
if [ -z "$podman_why" ]; then
  echo "$prefix: engine podman ($docker_why; podman info answers)" >&2
  echo podman
  exit 0
fi
cat >&2 <<EOF
$prefix: no container engine answers: $docker_why; $podman_why.
  Install one of:
  - podman (Debian, Ubuntu): scripts/podman-setup.sh installs and sets it up,
    as does make container CONTAINER_ENGINE=podman
  - Docker Engine with the buildx plugin (docker-buildx-plugin), and start its
    daemon; or Docker Desktop (macOS, Windows, Linux)
EOF
exit 2
