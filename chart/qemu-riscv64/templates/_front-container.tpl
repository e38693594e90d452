{{/* The front container: the console image as the fleet's one address, listing the VMs found
     through the headless Service's DNS and proxying each one's console at /<vm-name>/. */}}
{{- define "qemu-riscv64.frontContainer" -}}
{{- $base := include "qemu-riscv64.basePath" . -}}
- name: front
  image: {{ include "qemu-riscv64.image" (dict "ref" .Values.images.console "root" .) | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  ports:
    - name: http
      containerPort: 8080
      protocol: TCP
  env:
    - name: CONSOLE_ROLE
      value: front
    - name: CONSOLE_LISTEN
      value: "0.0.0.0:8080"
    # Every VM pod's address, ready or not: the A records of the headless Service.
    - name: CONSOLE_FRONT_PEERS
      value: {{ printf "%s:8080" (include "qemu-riscv64.headlessService" .) | quote }}
    {{- with $base }}
    # The consoles serve under the same path as the front.
    - name: CONSOLE_FRONT_PEER_BASE_PATH
      value: {{ . | quote }}
    - name: CONSOLE_BASE_PATH
      value: {{ . | quote }}
    {{- end }}
    # The release's Service and Ingress names: the front is what they reach.
    - name: CONSOLE_ALLOW_HOST
      value: {{ include "qemu-riscv64.allowHosts" . | quote }}
    - name: CONSOLE_TITLE
      value: {{ .Values.console.title | default .Release.Name | quote }}
    {{- with .Values.console.allowOrigin }}
    - name: CONSOLE_ALLOW_ORIGIN
      value: {{ . | quote }}
    {{- end }}
    {{- if .Values.console.auth.enabled }}
    # The consoles' user:password: asked of browsers once, and sent on to the VMs.
    - name: CONSOLE_AUTH_FILE
      value: /run/secrets/console-auth/auth
    {{- end }}
    {{- with (.Values.front | default dict).extraEnv }}
    {{- include "qemu-riscv64.extraEnv" . | nindent 4 }}
    {{- end }}
  # /readyz: the first look for VMs has finished (with none found too).
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
  {{- if .Values.console.auth.enabled }}
  volumeMounts:
    - name: console-auth
      mountPath: /run/secrets/console-auth
      readOnly: true
  {{- end }}
  {{- /* values.yaml's, for a release made by a chart without the front (--reuse-values). */}}
  {{- $resources := dig "resources" nil (.Values.front | default dict) }}
  {{- if kindIs "invalid" $resources }}
  {{- $resources = dict "requests" (dict "cpu" "10m" "memory" "32Mi") "limits" (dict "memory" "256Mi") }}
  {{- end }}
  {{- with $resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
