#!/usr/bin/env bash
# Runs inside a pristine Debian or Ubuntu root (fresh-machine.sh), from a clean copy of
# the repository in ~/qemu-riscv64, as root. What a new user does, in order:
#   1. apt-get install make           (the README's "Try it" first line)
#   2. make run                       then the guest's shell through the console's
#                                     WebSocket (echo $((6*7)) answers 42) and
#                                     through the page in Chromium; stopped, it
#                                     hibernates the guest, and a second make run
#                                     resumes it (a process started before runs on)
#   3. make test TIERS="$FRESH_TIERS" the tiers that can run in such a root
# Only after `make run` is serving are the checkers' own tools installed
# (python3, chromium), so they cannot hide a package `make run` forgot.
set -euo pipefail

. /etc/os-release
release=$VERSION_CODENAME
# Why an Ubuntu root has no Chromium to drive (empty: this root has one).
no_chromium=
if [ "$ID" = ubuntu ]; then
  no_chromium="Ubuntu ships Chromium only as a snap, and this root runs no snapd"
fi
repo=$HOME/qemu-riscv64
console_port=${FRESH_CONSOLE_PORT:?}
telnet_port=${FRESH_TELNET_PORT:?}

step() { echo "fresh[$release] $(date -u +%T) $*"; }
fail() { echo "fresh[$release] FAILED: $*" >&2; exit 1; }

step "on $PRETTY_NAME (kernel $(uname -r), $(nproc) cores)"
cd "$repo"

step "1. apt-get install make"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make >/dev/null
step "installed: $(dpkg-query -W -f='${binary:Package} ' | wc -w) packages"

# Starts `make run` into the log $1 and returns once it serves the console.
start_run() {
  run_log=$1
  : >"$run_log"
  setsid make run CONSOLE_PORT="$console_port" VM_TELNET_PORT="$telnet_port" >"$run_log" 2>&1 &
  run_pid=$!
  # The build, the guest and QEMU's start: as long as a cold machine needs.
  until grep -q "the guest's console is at" "$run_log"; do
    if ! kill -0 "$run_pid" 2>/dev/null; then
      sed 's/^/  run| /' "$run_log"
      fail "make run ended before serving the console"
    fi
    sleep 2
  done
}
stop_run() { kill -TERM -- "-$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; }

step "2. make run (console on port $console_port, telnet on $telnet_port)"
trap stop_run EXIT
start_run "$HOME/make-run.log"
step "checkers' tools: scripts/install-deps.sh test (python3, chromium), playwright-core (npm)"
scripts/install-deps.sh test >/dev/null
# make run builds only the two programs: the page check's npm module is a test target.
cmake --build build --target console_browser_deps >/dev/null
step "the guest's shell through the console's WebSocket"
PYTHONDONTWRITEBYTECODE=1 python3 tests/project/fresh/shell_check.py "$console_port" 'echo $((6*7))' 42 \
  || { sed 's/^/  run| /' "$run_log"; fail "no answer through the WebSocket"; }
if [ -n "$no_chromium" ]; then
  step "left out here: the page in Chromium ($no_chromium)"
else
  step "the guest's shell through the page in Chromium"
  NODE_PATH=$repo/build/tests/console/node/node_modules \
    node tests/console/browser/browser_check.js "http://127.0.0.1:$console_port/" 'echo $((6*7))' 42 \
    "$repo/build/artifacts/fresh-console-page.png" \
    || { sed 's/^/  run| /' "$run_log"; fail "no answer through the page in Chromium"; }
fi
# A process in the guest, its pid in a file of its RAM: both must outlive the run.
PYTHONDONTWRITEBYTECODE=1 python3 tests/project/fresh/shell_check.py "$console_port" \
  'sleep 4242 >/dev/null 2>&1 & echo $! >/root/sleeper; echo started-$((6*7))' started-42 \
  || { sed 's/^/  run| /' "$run_log"; fail "could not start a process in the guest"; }
stop_run
saved=$(grep -o "launcher: hibernate: saved in .*" "$run_log") \
  || { sed 's/^/  run| /' "$run_log"; fail "stopping make run did not hibernate its guest"; }
step "make run stopped: $saved"

step "2b. make run again: the guest resumes where it was"
start_run "$HOME/make-run-again.log"
# The console serves before the resume ends: wait for the launcher's line on how the guest started.
resumed=
for _ in $(seq 300); do
  resumed=$(grep -o "launcher: hibernate: resumed in .*" "$run_log") && break
  grep -q "launcher: cold boot:" "$run_log" && break
  sleep 1
done
[ -n "$resumed" ] || { sed 's/^/  run| /' "$run_log"; fail "the second make run did not resume the hibernated guest"; }
step "$resumed"
PYTHONDONTWRITEBYTECODE=1 python3 tests/project/fresh/shell_check.py "$console_port" \
  'kill -0 "$(cat /root/sleeper)" && echo kept-$((6*7))' kept-42 \
  || { sed 's/^/  run| /' "$run_log"; fail "the process started before the stop is gone"; }
stop_run
trap - EXIT
step "make run stopped again"

# Tiers that need what this root cannot give are left out, each with its reason.
default_tiers="unit integration browser chart"
if [ -n "$no_chromium" ]; then
  default_tiers="unit integration chart"
  step "left out here: browser ($no_chromium)"
fi
# A root of the host's own release would only run the integration tier again
# with the same packages (make test has installed every tier's, here as there):
# the host's run of that tier covers it.
if [ "${FRESH_HOST_RELEASE:-}" = "$ID $VERSION_CODENAME" ]; then
  default_tiers=${default_tiers/integration /}
  step "left out here: integration (the host, $PRETTY_NAME too, runs it with the same packages)"
fi
read -r -a tiers <<<"${FRESH_TIERS:-$default_tiers}"
step "3. make test TIERS=\"${tiers[*]}\""
step "left out here: container (podman inside this root: nested containers), portability" \
     "(a build root inside this root; this tier covers it), fresh (itself), cluster" \
     "(a kubelet inside this root), lint (a check of the sources, not of the machine: the host runs it)," \
     "fuzz (sanitizer builds and fuzzing time: the host runs it)"
make test TIERS="${tiers[*]}"
step "done on $PRETTY_NAME"
