{{/* The console container: HTTP + WebSocket on 8080, bridged to the launcher's telnet on 127.0.0.1:10023. */}}
{{- define "qemu-riscv64.consoleContainer" -}}
- name: console
  image: {{ .Values.images.console | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  ports:
    - name: http
      containerPort: 8080
      protocol: TCP
  env:
    - name: CONSOLE_LISTEN
      value: "0.0.0.0:8080"
    - name: CONSOLE_TELNET
      value: "127.0.0.1:10023"
    - name: CONSOLE_TITLE
      value: {{ .Values.console.title | default .Release.Name | quote }}
    - name: CONSOLE_READ_ONLY
      value: {{ .Values.console.readOnly | ternary "true" "false" | quote }}
    {{- /* Host allowlist against DNS rebinding: the Service's names, the Ingress host
           (an Ingress without a host serves any name, so then any Host). */}}
    {{- $svc := include "qemu-riscv64.fullname" . }}
    {{- $hosts := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) }}
    {{- if .Values.ingress.enabled }}
    {{- $hosts = append $hosts (.Values.ingress.host | default "*") }}
    {{- end }}
    - name: CONSOLE_ALLOW_HOST
      value: {{ join "," $hosts | quote }}
    {{- with .Values.console.allowOrigin }}
    - name: CONSOLE_ALLOW_ORIGIN
      value: {{ . | quote }}
    {{- end }}
    {{- if not (kindIs "invalid" .Values.console.maxSessions) }}
    - name: CONSOLE_MAX_SESSIONS
      value: {{ .Values.console.maxSessions | int64 | toString | quote }}
    {{- end }}
    {{- if .Values.console.auth.enabled }}
    - name: CONSOLE_AUTH
      valueFrom:
        secretKeyRef:
          name: {{ include "qemu-riscv64.consoleAuthSecret" . }}
          key: {{ include "qemu-riscv64.consoleAuthKey" . }}
    {{- end }}
  livenessProbe:
    httpGet:
      path: /healthz
      port: http
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  readinessProbe:
    httpGet:
      path: /readyz
      port: http
    periodSeconds: 5
    timeoutSeconds: 3
    failureThreshold: 3
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  {{- with .Values.console.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
