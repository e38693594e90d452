{{/* The launcher container: QEMU with the guest from /data, env named as the launcher reads it. */}}

{{/* Launcher resources: the values' resources; requests.cpu/memory default to cpu.count and
     memory + overhead, and resources.requests may set them lower. */}}
{{- define "qemu-riscv64.launcherResources" -}}
{{- $resources := deepCopy (.Values.resources | default dict) }}
{{- $requests := get $resources "requests" | default dict }}
{{- if not $requests.cpu }}{{ $_ := set $requests "cpu" (toString (int64 .Values.cpu.count)) }}{{ end }}
{{- if not $requests.memory }}{{ $_ := set $requests "memory" (include "qemu-riscv64.memoryRequest" .) }}{{ end }}
{{- $_ := set $requests "cpu" (toString $requests.cpu) }}
{{- $_ := set $requests "memory" (toString $requests.memory) }}
{{- $_ := set $resources "requests" $requests }}
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
    - name: VM_NETWORK
      value: {{ .Values.network.mode | quote }}
    {{- if eq .Values.network.mode "passt" }}
    - name: VM_PASST_PORTS
      value: {{ .Values.network.passtPorts | quote }}
    - name: VM_POD_PORTS
      value: "8080"
    {{- end }}
    - name: VM_STATUS_SOCKET
      value: /run/qemu-riscv64/status.sock
    - name: VM_SHUTDOWN_TIMEOUT
      value: {{ .Values.shutdownTimeout | int64 | toString | quote }}
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
      mountPath: /run/qemu-riscv64
    {{- if include "qemu-riscv64.guestSecret" . }}
    - name: guest-credentials
      mountPath: /run/secrets/guest
      readOnly: true
    {{- end }}
{{- end }}
