{{/* The console container: HTTP + WebSocket on 8080, bridged to the launcher's telnet on its unix socket. */}}
{{- define "qemu-riscv64.consoleContainer" -}}
- name: console
  image: {{ include "qemu-riscv64.image" (dict "ref" .Values.images.console "root" .) | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  ports:
    - name: http
      containerPort: 8080
      protocol: TCP
  env:
    - name: CONSOLE_LISTEN
      value: "0.0.0.0:8080"
    - name: CONSOLE_TELNET
      value: {{ printf "unix:%s" (include "qemu-riscv64.consoleSocket" .) | quote }}
    - name: CONSOLE_STATUS
      value: {{ include "qemu-riscv64.statusSocket" . | quote }}
    {{- with include "qemu-riscv64.recordingSocket" . }}
    - name: CONSOLE_RECORDING
      value: {{ . | quote }}
    {{- end }}
    - name: CONSOLE_ALLOW_HOST
      value: {{ include "qemu-riscv64.allowHosts" . | quote }}
    {{- with include "qemu-riscv64.basePath" . }}
    - name: CONSOLE_BASE_PATH
      value: {{ . | quote }}
    {{- end }}
    - name: CONSOLE_TITLE
      value: {{ .Values.console.title | default .Release.Name | quote }}
    - name: CONSOLE_READ_ONLY
      value: {{ .Values.console.readOnly | ternary "true" "false" | quote }}
    {{- with .Values.console.allowOrigin }}
    - name: CONSOLE_ALLOW_ORIGIN
      value: {{ . | quote }}
    {{- end }}
    {{- if not (kindIs "invalid" .Values.console.maxSessions) }}
    - name: CONSOLE_MAX_SESSIONS
      value: {{ .Values.console.maxSessions | int64 | toString | quote }}
    {{- end }}
    {{- if .Values.console.auth.enabled }}
    # user:password, read from the Secret's file (never in the environment).
    - name: CONSOLE_AUTH_FILE
      value: /run/secrets/console-auth/auth
    {{- end }}
    {{- with .Values.console.extraEnv }}
    {{- include "qemu-riscv64.extraEnv" . | nindent 4 }}
    {{- end }}
  {{- $base := include "qemu-riscv64.basePath" . }}
  # Ready once the launcher says the guest is up; until then a slow boot has bootTimeout seconds.
  startupProbe:
    httpGet:
      path: {{ printf "%s/readyz" $base }}
      port: http
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: {{ div (add (int64 .Values.bootTimeout) 9) 10 }}
  livenessProbe:
    httpGet:
      path: {{ printf "%s/healthz" $base }}
      port: http
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  readinessProbe:
    httpGet:
      path: {{ printf "%s/readyz" $base }}
      port: http
    periodSeconds: 5
    timeoutSeconds: 3
    failureThreshold: 3
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: runtime
      mountPath: {{ include "qemu-riscv64.runtimeDir" . }}
      readOnly: true
    {{- if .Values.console.auth.enabled }}
    - name: console-auth
      mountPath: /run/secrets/console-auth
      readOnly: true
    {{- end }}
  {{- with .Values.console.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
