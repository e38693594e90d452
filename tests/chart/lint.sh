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
  --set 'cpu.count=4,memory=4096,cpu.features=v=true\,vlen=256,append=console=ttyS0' \
  --set 'forwardPorts[0].containerPort=18000,resources.requests.cpu=1,resources.limits.memory=8Gi' \
  --set ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1,bootTimeout=900 \
  --set 'console.allowHosts[0]=vm.example.org,imagePullSecrets[0]=regcred,global.imageRegistry=mirror.example.org' \
  --set 'extraEnv[0].name=VM_READY_PATTERN,extraEnv[0].value=login:,runtimeClassName=kata' \
  --set service.externalTrafficPolicy=Local,serviceAccount.name=vm-runner
# A fleet: three VMs behind the front, a claim each, the NetworkPolicies and the ServiceMonitor.
"$helm" lint --strict "$chart" \
  --set replicas=3,persistence.enabled=true,networkPolicy.enabled=true,networkPolicy.allowExternal=false \
  --set ssh.enabled=true,ingress.enabled=true,ingress.path=/lab,metrics.serviceMonitor.enabled=true \
  --set 'front.extraEnv[0].name=CONSOLE_FRONT_POLL_INTERVAL,front.extraEnv[0].value=5,nodeSpread=DoNotSchedule'
# The original chart's values.yaml, unchanged.
"$helm" lint --strict "$chart" -f "$repo/tests/chart/original-values-1.2.0.yaml"
