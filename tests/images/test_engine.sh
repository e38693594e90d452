#!/usr/bin/env bash
# make container's engine choice and make container LOAD=...'s refusals, run
# for real on this machine: containers/pick-engine.sh picks docker only where
# `docker info` reaches a daemon and buildx is there (else podman, saying why),
# refuses a forced engine that does not answer and an unknown one, and says
# what to install when no engine answers; containers/load-images.sh refuses an
# unknown cluster, a missing kind or minikube command, and Docker Desktop with
# images podman built. Each refusal must exit 2 and name its input.
#
#   test_engine.sh SOURCE_DIR
set -euo pipefail

source_dir=${1:?usage: test_engine.sh SOURCE_DIR}
pick=$source_dir/containers/pick-engine.sh
load=$source_dir/containers/load-images.sh
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect WHAT CODE TEXT -- COMMAND...: COMMAND exits CODE and its stderr holds TEXT.
expect() {
  local what=$1 code=$2 text=$3 got=0
  shift 4
  "$@" >"$work/out" 2>"$work/err" || got=$?
  if [ "$got" -eq "$code" ] && grep -qF -- "$text" "$work/err"; then
    echo "engine_test: $what: exit $got, \"$(grep -F -m1 -- "$text" "$work/err")\""
  else
    echo "engine_test: $what: expected exit $code and \"$text\", got exit $got: $(cat "$work/err")"
    failed=1
  fi
}

# What this machine has, found without the script under test.
docker_answers=false
if command -v docker >/dev/null && timeout 30 docker info >/dev/null 2>&1 \
   && timeout 30 docker buildx version >/dev/null 2>&1; then
  docker_answers=true
fi
if $docker_answers; then
  expected=docker reason="docker info answers"
else
  expected=podman reason="podman info answers"
fi
expect "no CONTAINER_ENGINE: $expected" 0 "$reason" -- env -u CONTAINER_ENGINE "$pick" container
[ "$(cat "$work/out")" = "$expected" ] || { echo "engine_test: printed '$(cat "$work/out")', not $expected"; failed=1; }
if ! $docker_answers; then
  expect "CONTAINER_ENGINE=docker without a daemon" 2 "CONTAINER_ENGINE=docker does not answer: docker:" -- \
    env CONTAINER_ENGINE=docker "$pick" container
fi
expect "CONTAINER_ENGINE=rkt" 2 "CONTAINER_ENGINE='rkt' is neither docker nor podman" -- \
  env CONTAINER_ENGINE=rkt "$pick" container

# No engine at all: a PATH holding only the tools the script itself uses.
mkdir "$work/bin"
for tool in bash timeout tail cat env; do
  ln -s "$(command -v "$tool")" "$work/bin/$tool"
done
expect "no docker, no podman" 2 "no container engine answers: docker: no such command; podman: no such command" -- \
  env -u CONTAINER_ENGINE PATH="$work/bin" "$pick" container

expect "LOAD=k3d" 2 "LOAD='k3d' is none of kind, minikube, docker-desktop" -- \
  "$load" localhost 0.1.0 "$work" k3d
for cluster in kind minikube; do
  if ! command -v "$cluster" >/dev/null; then
    expect "LOAD=$cluster without $cluster" 2 "LOAD=$cluster needs the $cluster command: install it" -- \
      env CONTAINER_ENGINE="$expected" "$load" localhost 0.1.0 "$work" "$cluster"
  fi
done
if [ "$expected" = podman ]; then
  expect "LOAD=docker-desktop, podman's images" 2 "run make container CONTAINER_ENGINE=docker LOAD=docker-desktop" -- \
    env CONTAINER_ENGINE=podman "$load" localhost 0.1.0 "$work" docker-desktop
fi
exit "$failed"
