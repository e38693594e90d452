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

{{/* The labels that select this release's VM pod. */}}
{{- define "qemu-riscv64.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qemu-riscv64.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Memory request in Mi: guest RAM plus QEMU's overhead (fixed + percent, rounded up). */}}
{{- define "qemu-riscv64.memoryRequest" -}}
{{- $memory := int64 .Values.memory }}
{{- $proportional := div (add (mul $memory (int64 .Values.memoryOverhead.percent)) 99) 100 }}
{{- printf "%dMi" (add $memory (int64 .Values.memoryOverhead.fixed) $proportional) }}
{{- end }}

{{/* terminationGracePeriodSeconds: the value, or shutdownTimeout + 15. */}}
{{- define "qemu-riscv64.gracePeriod" -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add (int64 .Values.shutdownTimeout) 15 }}
{{- else }}
{{- int64 .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* Guest ports forwarded by the launcher, as JSON {"ports":[{name,port,guestPort,nodePort}]}. */}}
{{- define "qemu-riscv64.forwards" -}}
{{- $ports := list }}
{{- if .Values.ssh.enabled }}
{{- $ports = append $ports (dict "name" "ssh" "port" 2222 "servicePort" (int64 .Values.ssh.port) "guestPort" 22 "nodePort" .Values.ssh.nodePort) }}
{{- end }}
{{- range .Values.forwardPorts }}
{{- $container := int64 (.containerPort | default (ternary .guestPort .port (ge (int64 .guestPort) 1024))) }}
{{- $ports = append $ports (dict "name" .name "port" $container "servicePort" (int64 .port) "guestPort" (int64 .guestPort) "nodePort" nil) }}
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

{{/* The launcher's serial console socket in the shared runtime volume, which the console dials. */}}
{{- define "qemu-riscv64.consoleSocket" -}}
/run/qemu-riscv64/console.sock
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
