{{/* The launcher container: QEMU with the guest from /data, env named as the launcher reads it. */}}

{{/* Launcher resources: the values' resources, each missing one defaulted. Requests are what a
     booted VM uses in practice (cpuRequest, memoryRequest), so that small nodes fit several;
     the memory limit is the whole VM (memoryLimit), so QEMU is never OOM-killed for its guest's
     RAM. No CPU limit: it would throttle QEMU's I/O thread beside busy vCPUs. */}}
{{- define "qemu-riscv64.launcherResources" -}}
{{- $resources := deepCopy (.Values.resources | default dict) }}
{{- $requests := get $resources "requests" | default dict }}
{{- if kindIs "invalid" (index $requests "cpu") }}{{ $_ := set $requests "cpu" (include "qemu-riscv64.cpuRequest" .) }}{{ end }}
{{- if kindIs "invalid" (index $requests "memory") }}{{ $_ := set $requests "memory" (include "qemu-riscv64.memoryRequest" .) }}{{ end }}
{{- $limits := get $resources "limits" | default dict }}
{{- if kindIs "invalid" (index $limits "memory") }}{{ $_ := set $limits "memory" (include "qemu-riscv64.memoryLimit" .) }}{{ end }}
{{- range $part := list $requests $limits }}
{{- range $key, $value := $part }}
{{- if kindIs "invalid" $value }}{{ $_ := unset $part $key }}{{ else }}{{ $_ := set $part $key (toString $value) }}{{ end }}
{{- end }}
{{- end }}
{{- $_ := set $resources "requests" $requests }}
{{- $_ := set $resources "limits" $limits }}
{{- toYaml $resources }}
{{- end }}

{{- define "qemu-riscv64.launcherContainer" -}}
{{- $forwards := (include "qemu-riscv64.forwards" . | fromJson).ports -}}
- name: launcher
  image: {{ include "qemu-riscv64.launcherImage" . | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  {{- with $forwards }}
  ports:
    {{- range . }}
    - name: {{ .name }}
      containerPort: {{ .port | int64 }}
      protocol: TCP
    {{- end }}
  {{- end }}
  env:
    - name: VM_CPU_COUNT
      value: {{ .Values.cpu.count | int64 | toString | quote }}
    - name: VM_MEMORY
      value: {{ .Values.memory | int64 | toString | quote }}
    {{- with .Values.cpu.features }}
    - name: VM_CPU_FEATURES
      value: {{ . | quote }}
    {{- end }}
    {{- with .Values.append }}
    - name: VM_APPEND
      value: {{ . | quote }}
    {{- end }}
    # The guest's host name is its pod's: the release's name and the VM's ordinal.
    - name: VM_HOSTNAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: VM_DATA_DIR
      value: /data
    - name: VM_WARM_START
      {{- /* An unquoted YAML off is a boolean. */}}
      {{- if kindIs "bool" .Values.warmStart }}
      value: {{ ternary "auto" "off" .Values.warmStart | quote }}
      {{- else }}
      value: {{ .Values.warmStart | default "auto" | quote }}
      {{- end }}
    - name: VM_RUNTIME_DIR
      value: /tmp
    - name: VM_TELNET_PORT
      value: "10023"
    - name: VM_TELNET_SOCKET
      value: {{ include "qemu-riscv64.consoleSocket" . | quote }}
    {{- $network := include "qemu-riscv64.networkMode" . }}
    - name: VM_NETWORK
      value: {{ $network | quote }}
    {{- if eq $network "passt" }}
    - name: VM_PASST_PORTS
      value: {{ .Values.network.passtPorts | quote }}
    - name: VM_POD_PORTS
      value: "8080"
    {{- end }}
    - name: VM_STATUS_SOCKET
      value: {{ include "qemu-riscv64.statusSocket" . | quote }}
    - name: VM_SHUTDOWN_TIMEOUT
      value: {{ include "qemu-riscv64.shutdownTimeout" . | quote }}
    - name: VM_HIBERNATE
      value: {{ include "qemu-riscv64.hibernate" . | quote }}
    {{- /* An upgrade with --reuse-values from a chart before recording has none: the defaults. */}}
    {{- $recording := .Values.recording | default dict }}
    - name: VM_RECORDING_MAX
      value: {{ dig "maxMiB" 4 $recording | int64 | quote }}
    - name: VM_RECORDING_INPUT
      value: {{ ternary "on" "off" (dig "input" false $recording) | quote }}
    {{- with include "qemu-riscv64.recordingSocket" . }}
    - name: VM_RECORDING_SOCKET
      value: {{ . | quote }}
    {{- end }}
    {{- with $forwards }}
    - name: VM_FORWARD_PORTS
      value: {{ include "qemu-riscv64.forwardPortsEnv" $ | quote }}
    {{- end }}
    {{- if include "qemu-riscv64.guestSecret" . }}
    # The guest credentials, read from the Secret's files (never in the environment).
    - name: VM_GUEST_PASSWORD_FILE
      value: /run/secrets/guest/password
    - name: VM_GUEST_SSH_KEY_FILE
      value: /run/secrets/guest/ssh-key
    {{- end }}
    {{- with .Values.extraEnv }}
    {{- include "qemu-riscv64.extraEnv" . | nindent 4 }}
    {{- end }}
  securityContext:
    {{- include "qemu-riscv64.passtSecurityContext" (dict "root" . "context" .Values.securityContext) | nindent 4 }}
  resources:
    {{- include "qemu-riscv64.launcherResources" . | nindent 4 }}
  volumeMounts:
    - name: data
      mountPath: /data
    - name: tmp
      mountPath: /tmp
    - name: runtime
      mountPath: {{ include "qemu-riscv64.runtimeDir" . }}
    {{- if include "qemu-riscv64.guestSecret" . }}
    - name: guest-credentials
      mountPath: /run/secrets/guest
      readOnly: true
    {{- end }}
{{- end }}
