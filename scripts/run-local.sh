#!/usr/bin/env bash
# `make run`: the launcher boots the busybox guest and the console serves its
# serial console on http://localhost:8080, until Ctrl-C.
#
#   run-local.sh BUILD_DIR GUEST_DIR
set -euo pipefail

build=${1:?usage: run-local.sh BUILD_DIR GUEST_DIR}
guest=${2:?usage: run-local.sh BUILD_DIR GUEST_DIR}
port=${CONSOLE_PORT:-8080}
telnet_port=${VM_TELNET_PORT:-10023}
runtime=$(mktemp -d)

stop() {
  # The launcher powers the guest off (or quits QEMU after its timeout).
  kill -TERM "${launcher_pid:-}" "${console_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$runtime"
}
trap stop EXIT INT TERM

VM_DATA_DIR=$guest VM_TELNET_PORT=$telnet_port VM_RUNTIME_DIR=$runtime \
  "$build/bin/launcher" &
launcher_pid=$!

CONSOLE_LISTEN=0.0.0.0:$port CONSOLE_TELNET=127.0.0.1:$telnet_port \
CONSOLE_TITLE=${CONSOLE_TITLE:-busybox guest} "$build/bin/console" &
console_pid=$!

echo
echo "qemu-riscv64: the guest's console is at http://localhost:$port"
echo "              (telnet 127.0.0.1 $telnet_port works too; Ctrl-C stops both)"
echo
# Either process ending ends the run.
wait -n "$launcher_pid" "$console_pid"
