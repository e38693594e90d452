{{/* Names, labels and computed settings shared by the templates. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "qemu-riscv64.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The object name prefix: the release name, with the chart name unless it already holds it. */}}
{{- define "qemu-riscv64.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, as in the helm.sh/chart label. */}}
{{- define "qemu-riscv64.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The recommended app.kubernetes.io labels of every object. */}}
{{- define "qemu-riscv64.labels" -}}
helm.sh/chart: {{ include "qemu-riscv64.chart" . }}
{{ include "qemu-riscv64.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: qemu-riscv64
{{- end }}

{{/* The labels every object of this release carries with the recommended ones. */}}
{{- define "qemu-riscv64.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qemu-riscv64.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The labels that select this release's VM pods, and not its helm test pod. */}}
{{- define "qemu-riscv64.vmSelectorLabels" -}}
{{ include "qemu-riscv64.selectorLabels" . }}
app.kubernetes.io/component: vm
{{- end }}

{{/* The labels that select this release's front pods, and neither its VM pods nor its test pod. */}}
{{- define "qemu-riscv64.frontSelectorLabels" -}}
{{ include "qemu-riscv64.selectorLabels" . }}
app.kubernetes.io/component: front
{{- end }}

{{/* "true" while the release's Deployment from before the StatefulSet still exists (an
     upgrade from it), else empty. */}}
{{- define "qemu-riscv64.replacesDeployment" -}}
{{- if lookup "apps/v1" "Deployment" .Release.Namespace (include "qemu-riscv64.fullname" .) }}true{{ end }}
{{- end }}

{{/* The replicas value: 1 for a release made by a chart without it (--reuse-values). */}}
{{- define "qemu-riscv64.replicaCount" -}}
{{- if kindIs "invalid" .Values.replicas }}1{{ else }}{{ int64 .Values.replicas }}{{ end }}
{{- end }}

{{/* The StatefulSet's replicas: replicas, but none while the release's Deployment from
     before the StatefulSet still exists, so that its pod has let go of the disk before
     this one starts; the next upgrade starts the VMs. */}}
{{- define "qemu-riscv64.replicas" -}}
{{- if include "qemu-riscv64.replacesDeployment" . }}0{{ else }}{{ include "qemu-riscv64.replicaCount" . }}{{ end }}
{{- end }}

{{/* The front's Deployment: never the release's full name, which is the old Deployment's. */}}
{{- define "qemu-riscv64.frontName" -}}
{{- printf "%s-front" (include "qemu-riscv64.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/* "true" when the release runs a front, else empty: front.enabled, auto meaning more than
     one VM, or a front already running (a fleet scaled down to one keeps its address). */}}
{{- define "qemu-riscv64.front" -}}
{{- $enabled := dig "enabled" "auto" (.Values.front | default dict) }}
{{- if eq (toString $enabled) "auto" }}
{{- if or (gt (int64 (include "qemu-riscv64.replicaCount" .)) 1) (lookup "apps/v1" "Deployment" .Release.Namespace (include "qemu-riscv64.frontName" .)) }}true{{ end }}
{{- else if $enabled }}true{{ end }}
{{- end }}

{{/* "true" for a fleet (more than one VM, or a front), else empty: its VMs spread over
     the nodes and, new, get a claim each. */}}
{{- define "qemu-riscv64.fleet" -}}
{{- if or (gt (int64 (include "qemu-riscv64.replicaCount" .)) 1) (include "qemu-riscv64.front" .) }}true{{ end }}
{{- end }}

{{/* The VMs' names, space-separated: the StatefulSet's pods <fullname>-0 ... -(replicas-1). */}}
{{- define "qemu-riscv64.vmNames" -}}
{{- $fullname := include "qemu-riscv64.fullname" . }}
{{- $names := list }}
{{- range until (int (include "qemu-riscv64.replicaCount" .)) }}
{{- $names = append $names (printf "%s-%d" $fullname .) }}
{{- end }}
{{- join " " $names }}
{{- end }}

{{/* The release's StatefulSet as the cluster has it, as JSON; {} without one (or a cluster). */}}
{{- define "qemu-riscv64.liveStatefulSet" -}}
{{- lookup "apps/v1" "StatefulSet" .Release.Namespace (include "qemu-riscv64.fullname" .) | toJson }}
{{- end }}

{{/* "true" when each VM gets its own claim (volumeClaimTemplates: data-<pod>), else empty
     (one claim, or none). A StatefulSet's claims cannot change once it is made, so an
     existing one keeps its own; a new fleet (not replacing the old Deployment) gets them. */}}
{{- define "qemu-riscv64.claimPerVM" -}}
{{- if and .Values.persistence.enabled (not .Values.persistence.existingClaim) }}
{{- $live := include "qemu-riscv64.liveStatefulSet" . | fromJson }}
{{- if $live }}
{{- if dig "spec" "volumeClaimTemplates" list $live }}true{{ end }}
{{- else if and (include "qemu-riscv64.fleet" .) (not (include "qemu-riscv64.replacesDeployment" .)) }}true{{ end }}
{{- end }}
{{- end }}

{{/* A claim's spec from persistence: the shared claim's and each VM's alike. */}}
{{- define "qemu-riscv64.claimSpec" -}}
accessModes:
  {{- toYaml .Values.persistence.accessModes | nindent 2 }}
resources:
  requests:
    storage: {{ .Values.persistence.size | quote }}
{{- /* global.storageClass wins, as in charts that share globals (bitnami's convention). */}}
{{- with (dig "storageClass" "" (.Values.global | default dict)) | default .Values.persistence.storageClass }}
storageClassName: {{ eq . "-" | ternary "" . | quote }}
{{- end }}
{{- end }}

{{/* The VM pods' topologySpreadConstraints: the ones given, else for a fleet one over
     kubernetes.io/hostname as nodeSpread says; empty for a single VM. */}}
{{- define "qemu-riscv64.topologySpreadConstraints" -}}
{{- $spread := .Values.nodeSpread | default "ScheduleAnyway" }}
{{- if .Values.topologySpreadConstraints }}
{{- toYaml .Values.topologySpreadConstraints }}
{{- else if and (include "qemu-riscv64.fleet" .) (ne $spread "none") }}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ $spread }}
  labelSelector:
    matchLabels:
      {{- include "qemu-riscv64.vmSelectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* The VM's whole memory in Mi, the launcher's default memory limit: guest RAM plus
     QEMU's overhead (fixed + percent, rounded up). */}}
{{- define "qemu-riscv64.memoryLimit" -}}
{{- $memory := int64 .Values.memory }}
{{- $proportional := div (add (mul $memory (int64 .Values.memoryOverhead.percent)) 99) 100 }}
{{- printf "%dMi" (add $memory (int64 .Values.memoryOverhead.fixed) $proportional) }}
{{- end }}

{{/* The launcher's default memory request in Mi: what a booted guest uses in practice,
     QEMU's fixed overhead plus a quarter of the guest RAM (rounded up). */}}
{{- define "qemu-riscv64.memoryRequest" -}}
{{- printf "%dMi" (add (int64 .Values.memoryOverhead.fixed) (div (add (int64 .Values.memory) 3) 4)) }}
{{- end }}

{{/* The launcher's default CPU request: a quarter CPU per vCPU, what a booted guest
     uses in practice (a boot takes more, while the node has it). */}}
{{- define "qemu-riscv64.cpuRequest" -}}
{{- printf "%dm" (mul 250 (int64 .Values.cpu.count)) }}
{{- end }}

{{/* Whether SIGTERM hibernates the guest: hibernate, auto meaning on where the disk
     outlives the pod (persistence.enabled). "on" or "off". */}}
{{- define "qemu-riscv64.hibernate" -}}
{{- $mode := .Values.hibernate | default "auto" }}
{{- if kindIs "bool" .Values.hibernate }}{{ $mode = ternary "on" "off" .Values.hibernate }}{{ end }}
{{- if eq $mode "auto" }}{{ $mode = ternary "on" "off" (.Values.persistence.enabled | default false) }}{{ end }}
{{- $mode }}
{{- end }}

{{/* hibernateWriteRate in MiB/s; its default too for a release made by a chart without
     the value and upgraded with --reuse-values (as NOTES say), which keeps no defaults. */}}
{{- define "qemu-riscv64.hibernateWriteRate" -}}
{{- int64 (.Values.hibernateWriteRate | default 50) }}
{{- end }}

{{/* VM_SHUTDOWN_TIMEOUT: shutdownTimeout, raised while hibernating to what saving the
     guest's RAM takes at hibernateWriteRate MiB/s, plus 10 s. */}}
{{- define "qemu-riscv64.shutdownTimeout" -}}
{{- $timeout := int64 .Values.shutdownTimeout }}
{{- if eq (include "qemu-riscv64.hibernate" .) "on" }}
{{- $rate := int64 (include "qemu-riscv64.hibernateWriteRate" .) }}
{{- $save := add (div (add (int64 .Values.memory) (sub $rate 1)) $rate) 10 }}
{{- $timeout = max $timeout $save }}
{{- end }}
{{- $timeout }}
{{- end }}

{{/* terminationGracePeriodSeconds: the value, or the shutdown timeout + 15. */}}
{{- define "qemu-riscv64.gracePeriod" -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add (int64 (include "qemu-riscv64.shutdownTimeout" .)) 15 }}
{{- else }}
{{- int64 .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* Guest ports forwarded by the launcher, as JSON {"ports":[{name,port,servicePort,guestPort,nodePort}]}:
     port is the pod (container) port, servicePort the Service's. */}}
{{- define "qemu-riscv64.forwards" -}}
{{- $ports := list }}
{{- if .Values.ssh.enabled }}
{{- $ports = append $ports (dict "name" "ssh" "port" 2222 "servicePort" (int64 .Values.ssh.port) "guestPort" 22 "nodePort" .Values.ssh.nodePort) }}
{{- end }}
{{- range .Values.forwardPorts }}
{{- $guest := int64 .guestPort }}
{{- /* An unprivileged pod port: the guest's own, or 10000 above it for ports below 1024. */}}
{{- $container := ternary $guest (add $guest 10000) (ge $guest 1024) }}
{{- if .containerPort }}{{ $container = int64 .containerPort }}{{ end }}
{{- $ports = append $ports (dict "name" .name "port" (int64 $container) "servicePort" (int64 .port) "guestPort" $guest "nodePort" nil) }}
{{- end }}
{{- dict "ports" $ports | toJson }}
{{- end }}

{{/* VM_FORWARD_PORTS: comma-separated hostPort:guestPort. */}}
{{- define "qemu-riscv64.forwardPortsEnv" -}}
{{- $pairs := list }}
{{- range (include "qemu-riscv64.forwards" . | fromJson).ports }}
{{- $pairs = append $pairs (printf "%d:%d" (int64 .port) (int64 .guestPort)) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* The shared runtime volume's mount point in both containers. */}}
{{- define "qemu-riscv64.runtimeDir" -}}
/run/qemu-riscv64
{{- end }}

{{/* The launcher's serial console socket in the shared runtime volume, which the console dials. */}}
{{- define "qemu-riscv64.consoleSocket" -}}
{{ include "qemu-riscv64.runtimeDir" . }}/console.sock
{{- end }}

{{/* The launcher's status socket in the shared runtime volume, which the console's /readyz asks. */}}
{{- define "qemu-riscv64.statusSocket" -}}
{{ include "qemu-riscv64.runtimeDir" . }}/status.sock
{{- end }}

{{/* The launcher's recording socket, which the console's /recording.cast asks; empty with recording off
     (an upgrade with --reuse-values from a chart before recording: on, the default). */}}
{{- define "qemu-riscv64.recordingSocket" -}}
{{- if ne (dig "maxMiB" 4 (.Values.recording | default dict) | int64) 0 -}}
{{ include "qemu-riscv64.runtimeDir" . }}/recording.sock
{{- end }}
{{- end }}

{{/* The Secret holding CONSOLE_AUTH, and its key. */}}
{{- define "qemu-riscv64.consoleAuthSecret" -}}
{{- default (printf "%s-console-auth" (include "qemu-riscv64.fullname" .)) .Values.console.auth.existingSecret }}
{{- end }}
{{- define "qemu-riscv64.consoleAuthKey" -}}
{{- if .Values.console.auth.existingSecret }}{{ .Values.console.auth.existingSecretKey }}{{ else }}auth{{ end }}
{{- end }}

{{/* The Secret holding the guest credentials, empty when there are none. */}}
{{- define "qemu-riscv64.guestSecret" -}}
{{- if .Values.guest.existingSecret }}
{{- .Values.guest.existingSecret }}
{{- else if or .Values.guest.password .Values.guest.sshAuthorizedKey }}
{{- printf "%s-guest" (include "qemu-riscv64.fullname" .) }}
{{- end }}
{{- end }}

{{/* The headless Service that governs the StatefulSet (each VM pod's own DNS name). */}}
{{- define "qemu-riscv64.headlessService" -}}
{{- printf "%s-headless" (include "qemu-riscv64.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The PVC of the data volume. */}}
{{- define "qemu-riscv64.claimName" -}}
{{- default (printf "%s-data" (include "qemu-riscv64.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* A map of labels, annotations or node labels, every value quoted (--set turns 3600 into a number). */}}
{{- define "qemu-riscv64.stringMap" -}}
{{- $lines := list }}
{{- range $key, $value := . }}
{{- $lines = append $lines (printf "%s: %s" ($key | quote) ($value | toString | quote)) }}
{{- end }}
{{- join "\n" $lines }}
{{- end }}

{{/* An image reference with global.imageRegistry in place of its registry (the first part
     when it names a host: holds a dot or a colon, or is localhost), or in front of it. */}}
{{- define "qemu-riscv64.image" -}}
{{- $ref := .ref }}
{{- $registry := "" }}
{{- with .root.Values.global }}{{ $registry = .imageRegistry | default "" }}{{ end }}
{{- if $registry }}
{{- $parts := splitList "/" $ref }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}
{{- $ref = join "/" (rest $parts) }}
{{- end }}
{{- $ref = printf "%s/%s" (trimSuffix "/" $registry) $ref }}
{{- end }}
{{- $ref }}
{{- end }}

{{/* The launcher image: images.launcherRVV071 for an rvv-0.7.1 data image, as the original chart chose. */}}
{{- define "qemu-riscv64.launcherImage" -}}
{{- $ref := .Values.images.launcher }}
{{- if and .Values.images.launcherRVV071 (contains "rvv-0.7.1" .Values.images.data) }}
{{- $ref = .Values.images.launcherRVV071 }}
{{- end }}
{{- include "qemu-riscv64.image" (dict "ref" $ref "root" .) }}
{{- end }}

{{/* The values that name the original project's launcher or console image (carvicsforth/...), which this
pod spec cannot run as intended (chart README, "The original's images"); empty when none does. */}}
{{- define "qemu-riscv64.originalImages" -}}
{{- $named := list }}
{{- if regexMatch "(^|/)carvicsforth/qemu-riscv64-launcher" (include "qemu-riscv64.launcherImage" .) }}
{{- $named = append $named "launcher" }}
{{- end }}
{{- if regexMatch "(^|/)carvicsforth/qemu-riscv64-console" .Values.images.console }}
{{- $named = append $named "console" }}
{{- end }}
{{- join " " $named }}
{{- end }}

{{/* The console's URL prefix (CONSOLE_BASE_PATH): ingress.path without its trailing slash, "" for "/". */}}
{{- define "qemu-riscv64.basePath" -}}
{{- if .Values.ingress.enabled }}{{ trimSuffix "/" .Values.ingress.path }}{{ end }}
{{- end }}

{{/* CONSOLE_ALLOW_HOST: the Service's names, the Ingress host and console.allowHosts, comma-separated. */}}
{{- define "qemu-riscv64.allowHosts" -}}
{{- $name := include "qemu-riscv64.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $hosts := list $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns) }}
{{- if and .Values.ingress.enabled .Values.ingress.host }}{{ $hosts = append $hosts .Values.ingress.host }}{{ end }}
{{- join "," (concat $hosts (.Values.console.allowHosts | default list) | uniq) }}
{{- end }}

{{/* A NetworkPolicy rule's "from": the clients networkPolicy admits to the console (or the
     front), none (anywhere) with allowExternal; the release's helm test pod always. */}}
{{- define "qemu-riscv64.networkPolicyClients" -}}
{{- $policy := .Values.networkPolicy }}
{{- if not $policy.allowExternal }}
from:
  - podSelector:
      matchLabels:
        app.kubernetes.io/instance: {{ .Release.Name }}
        app.kubernetes.io/component: test
  {{- if or $policy.ingressNSMatchLabels $policy.ingressPodMatchLabels }}
  - {{- with $policy.ingressNSMatchLabels }}
    namespaceSelector:
      matchLabels:
        {{- include "qemu-riscv64.stringMap" . | nindent 8 }}
    {{- end }}
    {{- with $policy.ingressPodMatchLabels }}
    podSelector:
      matchLabels:
        {{- include "qemu-riscv64.stringMap" . | nindent 8 }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/* The ServiceAccount of the pod. */}}
{{- define "qemu-riscv64.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "qemu-riscv64.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* imagePullSecrets as objects, global.imagePullSecrets first: a plain name becomes {name: ...}. */}}
{{- define "qemu-riscv64.imagePullSecrets" -}}
{{- $secrets := list }}
{{- range concat (dig "imagePullSecrets" list (.Values.global | default dict)) (.Values.imagePullSecrets | default list) }}
{{- $secrets = append $secrets (kindIs "string" . | ternary (dict "name" .) .) }}
{{- end }}
{{- $secrets = $secrets | uniq }}
{{- with $secrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The Secret volume of the console's (and the front's) credentials: user:password as the
     file "auth", mode 0440 (288) for the pod's group (fsGroup), 0444 (292) without one. */}}
{{- define "qemu-riscv64.consoleAuthVolume" -}}
- name: console-auth
  secret:
    secretName: {{ include "qemu-riscv64.consoleAuthSecret" . }}
    items:
      - key: {{ include "qemu-riscv64.consoleAuthKey" . }}
        path: auth
    defaultMode: {{ include "qemu-riscv64.secretMode" . }}
{{- end }}

{{/* Secrets as files: mode 0440 (288) for the pod's group (fsGroup), 0444 (292) without one. */}}
{{- define "qemu-riscv64.secretMode" -}}
{{- ternary 288 292 (not (empty (.Values.podSecurityContext | default dict).fsGroup)) }}
{{- end }}

{{/* The pod's labels: the chart's, without the chart's and the app's versions (a chart
     upgrade that changes nothing the pod runs must not restart the VM), then podLabels
     (which may not touch the selector labels). */}}
{{- define "qemu-riscv64.podLabels" -}}
{{- $labels := include "qemu-riscv64.labels" . | fromYaml }}
{{- $_ := unset $labels "helm.sh/chart" }}
{{- $_ := unset $labels "app.kubernetes.io/version" }}
{{- $_ := set $labels "app.kubernetes.io/component" "vm" }}
{{- range $key, $value := .Values.podLabels }}
{{- $_ := set $labels $key ($value | toString) }}
{{- end }}
{{- include "qemu-riscv64.stringMap" $labels }}
{{- end }}

{{/* The front pod's labels: the VM pod's, its component front. */}}
{{- define "qemu-riscv64.frontPodLabels" -}}
{{- $labels := include "qemu-riscv64.podLabels" . | fromYaml }}
{{- $_ := set $labels "app.kubernetes.io/component" "front" }}
{{- include "qemu-riscv64.stringMap" $labels }}
{{- end }}

{{/* The scrape annotations of a pod serving /metrics on 8080 (metrics.annotations). */}}
{{- define "qemu-riscv64.scrapeAnnotations" -}}
{{- if (include "qemu-riscv64.metrics" . | fromJson).annotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: "8080"
prometheus.io/path: {{ printf "%s/metrics" (include "qemu-riscv64.basePath" .) | quote }}
{{- end }}
{{- end }}

{{/* A memory quantity in bytes, as a float: 512Mi, 2Gi, 2G, 1e9 and plain bytes. */}}
{{- define "qemu-riscv64.bytes" -}}
{{- $text := toString . }}
{{- $units := dict "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "K" 1e3 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 }}
{{- $suffix := regexFind "[A-Za-z]+$" $text }}
{{- $number := trimSuffix $suffix $text | float64 }}
{{- mulf $number (get $units $suffix | default 1.0) }}
{{- end }}

{{/* A CPU quantity in millicores, as a float: 2, 0.5, 500m. */}}
{{- define "qemu-riscv64.millicores" -}}
{{- $text := toString . }}
{{- if hasSuffix "m" $text }}{{ trimSuffix "m" $text | float64 }}{{ else }}{{ mulf ($text | float64) 1000.0 }}{{ end }}
{{- end }}

{{/* extraEnv entries with every value a string (--set turns 30 into a number). */}}
{{- define "qemu-riscv64.extraEnv" -}}
{{- $entries := list }}
{{- range . }}
{{- $entry := deepCopy . }}
{{- if hasKey $entry "value" }}{{ $_ := set $entry "value" (toString $entry.value) }}{{ end }}
{{- $entries = append $entries $entry }}
{{- end }}
{{- with $entries }}{{ toYaml . }}{{ end }}
{{- end }}

{{/* The Pod Security level the release's namespace enforces (its
     pod-security.kubernetes.io/enforce label), read from the cluster; empty
     without one (helm template, --dry-run=client) or without the label. */}}
{{- define "qemu-riscv64.namespaceEnforces" -}}
{{- $namespace := lookup "v1" "Namespace" "" .Release.Namespace | default dict }}
{{- dig "metadata" "labels" "pod-security.kubernetes.io/enforce" "" $namespace }}
{{- end }}

{{/* The guest network, network.mode resolved: auto is passt unless the namespace
     enforces the restricted level, which admits no user namespace; then user. */}}
{{- define "qemu-riscv64.networkMode" -}}
{{- $mode := .Values.network.mode | default "auto" }}
{{- if eq $mode "auto" }}
{{- ternary "user" "passt" (eq (include "qemu-riscv64.namespaceEnforces" .) "restricted") }}
{{- else }}
{{- $mode }}
{{- end }}
{{- end }}

{{/* A security context (.context) without its RuntimeDefault seccomp profile in
     passt mode: passt sandboxes itself in a user namespace, which the runtimes'
     default profiles forbid. Left unset, the profile is the runtime's default
     (unconfined unless the kubelet runs with SeccompDefault), which the
     baseline Pod Security level allows; a Localhost profile is kept. */}}
{{- define "qemu-riscv64.passtSecurityContext" -}}
{{- $context := deepCopy (.context | default dict) }}
{{- if and (eq (include "qemu-riscv64.networkMode" .root) "passt") (eq (dig "seccompProfile" "type" "" $context) "RuntimeDefault") }}
{{- $_ := unset $context "seccompProfile" }}
{{- end }}
{{- toYaml $context }}
{{- end }}

{{/* The metrics values, their defaults filled in for a release made by a chart without
     them (helm upgrade --reuse-values): annotations on, no ServiceMonitor. */}}
{{- define "qemu-riscv64.metrics" -}}
{{- $metrics := .Values.metrics | default dict }}
{{- $monitor := $metrics.serviceMonitor | default dict }}
{{- dict "annotations" (ternary true $metrics.annotations (kindIs "invalid" $metrics.annotations)) "serviceMonitor" (dict "enabled" ($monitor.enabled | default false) "interval" ($monitor.interval | default "") "labels" ($monitor.labels | default dict)) | toJson }}
{{- end }}
