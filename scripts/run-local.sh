#!/usr/bin/env bash
# `make run`: the launcher boots the busybox guest and the console serves its
# serial console on http://localhost:8080, until Ctrl-C. The console's /readyz
# answers 503 while the guest boots and 200 once its ready line (VM_READY_PATTERN
# in vm.conf) is out; each change is printed.
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
  kill -TERM "${launcher_pid:-}" "${console_pid:-}" "${watcher_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$runtime"
}
trap stop EXIT INT TERM

VM_DATA_DIR=$guest VM_TELNET_PORT=$telnet_port VM_RUNTIME_DIR=$runtime \
VM_STATUS_SOCKET=$runtime/status.sock "$build/bin/launcher" &
launcher_pid=$!

CONSOLE_LISTEN=0.0.0.0:$port CONSOLE_TELNET=127.0.0.1:$telnet_port \
CONSOLE_STATUS=$runtime/status.sock \
CONSOLE_TITLE=${CONSOLE_TITLE:-busybox guest} "$build/bin/console" &
console_pid=$!

# The status code of GET /readyz (bash's /dev/tcp: no HTTP client needed), empty on no answer.
readyz() {
  local code=""
  if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    read -r _ code _ <&3 || true
    exec 3>&-
  fi
  echo "$code"
}

# Prints /readyz each time its answer changes, until the guest is up.
watch_readyz() {
  local last="" code
  while :; do
    code=$(readyz)
    if [ -n "$code" ] && [ "$code" != "$last" ]; then
      case "$code" in
        200) echo "qemu-riscv64: /readyz 200: the guest is up"; return ;;
        *) echo "qemu-riscv64: /readyz $code: the guest is booting" ;;
      esac
      last=$code
    fi
    sleep 0.2
  done
}
watch_readyz &
watcher_pid=$!

echo
echo "qemu-riscv64: the guest's console is at http://localhost:$port"
echo "              (telnet 127.0.0.1 $telnet_port works too; Ctrl-C stops both)"
echo
# Either process ending ends the run.
wait -n "$launcher_pid" "$console_pid"
