#!/usr/bin/env bash
# `make run`: the launcher boots the busybox guest and the console serves its
# serial console on http://localhost:8080, until Ctrl-C. The console listens
# on 127.0.0.1 only (a root shell is one click away);
# CONSOLE_LISTEN=0.0.0.0:8080 opens it to the network on purpose.
# VM_NETWORK (user, the default here, or passt) and VM_FORWARD_PORTS pass
# through to the launcher.
# The console's /readyz answers 503 while the guest boots and 200 once its
# ready line (VM_READY_PATTERN in vm.conf) is out; each change is printed.
# The VM lives in VM_DIR, a copy of the built guest made by the first run and
# kept by the next ones: its disk, and its running guest, which the launcher
# hibernates at Ctrl-C (VM_HIBERNATE=auto: the folder outlives the run) and
# the next run resumes.
#
#   run-local.sh BUILD_DIR GUEST_DIR VM_DIR
set -euo pipefail

usage="usage: run-local.sh BUILD_DIR GUEST_DIR VM_DIR"
build=${1:?$usage}
guest=${2:?$usage}
vm=${3:?$usage}
listen=${CONSOLE_LISTEN:-127.0.0.1:${CONSOLE_PORT:-8080}}
port=${listen##*:}
telnet_port=${VM_TELNET_PORT:-10023}
runtime=$(mktemp -d)
chmod 711 "$runtime"  # passt (VM_NETWORK=passt, as root: nobody) reaches its own folder in it

stop() {
  # The launcher powers the guest off (or quits QEMU after its timeout).
  kill -TERM "${launcher_pid:-}" "${console_pid:-}" "${watcher_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$runtime"
}
trap stop EXIT INT TERM

if [ -f "$vm/vm.conf" ]; then
  echo "qemu-riscv64: the VM in $vm, as the last run left it (remove the folder for a fresh one)"
else
  rm -rf "$vm.tmp"
  mkdir -p "$(dirname "$vm")"
  cp -a "$guest" "$vm.tmp"
  mv "$vm.tmp" "$vm"
  echo "qemu-riscv64: a new VM in $vm, a copy of the guest $guest, kept across runs"
fi

# The console dials the launcher's unix socket; telnet 127.0.0.1 works too.
VM_DATA_DIR=$vm VM_TELNET_PORT=$telnet_port VM_RUNTIME_DIR=$runtime \
VM_TELNET_SOCKET=$runtime/console.sock VM_POD_PORTS=$port \
VM_STATUS_SOCKET=$runtime/status.sock "$build/bin/launcher" &
launcher_pid=$!

# The socket exists once the launcher has bound it.
for _ in $(seq 100); do [ -S "$runtime/console.sock" ] && break; sleep 0.1; done
CONSOLE_LISTEN=$listen CONSOLE_TELNET=unix:$runtime/console.sock \
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
echo "qemu-riscv64: the guest's console is at http://localhost:$port (listening on $listen)"
echo "              (telnet 127.0.0.1 $telnet_port works too; Ctrl-C stops both, the guest"
echo "              hibernated into $vm: the next make run resumes it)"
echo
# Either process ending ends the run.
wait -n "$launcher_pid" "$console_pid"
