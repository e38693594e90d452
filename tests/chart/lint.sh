#!/usr/bin/env bash
# helm lint --strict on the chart, with the default values and then with every option on.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
helm="$("$repo/scripts/get-helm.sh")"
chart="$repo/chart/qemu-riscv64"

"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" \
  --set persistence.enabled=true,persistence.existingClaim=vm-disk \
  --set ssh.enabled=true,service.type=NodePort,service.nodePort=30080 \
  --set 'forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80' \
  --set console.auth.enabled=true,console.readOnly=true,console.maxSessions=3 \
  --set guest.password=pw,guest.sshAuthorizedKey=ssh-ed25519-key \
  --set 'cpu.count=4,memory=4096,cpu.features=v=true\,vlen=256,append=console=ttyS0'
