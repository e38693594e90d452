{{/* Checks across values that values.schema.json cannot express; each failure names the values. */}}
{{- define "qemu-riscv64.validate" -}}
{{- $grace := int64 (include "qemu-riscv64.gracePeriod" .) }}
{{- if le $grace (int64 .Values.shutdownTimeout) }}
{{- fail (printf "terminationGracePeriodSeconds=%d must be greater than shutdownTimeout=%d, or the guest is killed before it powers off" $grace (int64 .Values.shutdownTimeout)) }}
{{- end }}
{{- if and .Values.guest.existingSecret (or .Values.guest.password .Values.guest.sshAuthorizedKey) }}
{{- fail (printf "guest.existingSecret=%q excludes guest.password and guest.sshAuthorizedKey: set one or the other" .Values.guest.existingSecret) }}
{{- end }}
{{- if and (eq .Values.service.type "ClusterIP") (or .Values.service.nodePort .Values.ssh.nodePort) }}
{{- fail "service.nodePort and ssh.nodePort need service.type=NodePort or LoadBalancer, not ClusterIP" }}
{{- end }}
{{- include "qemu-riscv64.validatePorts" . }}
{{- end }}

{{/* Service ports, container ports and port names must each be unique. */}}
{{- define "qemu-riscv64.validatePorts" -}}
{{- $servicePorts := dict (toString .Values.service.port) "service.port" }}
{{- $names := dict "http" "the console" }}
{{- $containerPorts := dict "8080" "the console" "10023" "the launcher's telnet server" }}
{{- range (include "qemu-riscv64.forwards" . | fromJson).ports }}
{{- $what := ternary "ssh.port" (printf "forwardPorts %s" .name) (eq .name "ssh") }}
{{- $sp := toString (int64 .servicePort) }}
{{- if hasKey $servicePorts $sp }}
{{- fail (printf "%s=%s collides with %s on the Service: choose another port" $what $sp (get $servicePorts $sp)) }}
{{- end }}
{{- $_ := set $servicePorts $sp $what }}
{{- if hasKey $names .name }}
{{- fail (printf "forwardPorts name=%q is already taken by %s" .name (get $names .name)) }}
{{- end }}
{{- $_ := set $names .name $what }}
{{- if lt (int64 .port) 1024 }}
{{- fail (printf "%s: guestPort %d and the Service port are both below 1024: set containerPort (1024 or above), the pod port that reaches the guest; nothing in the pod binds a privileged port" $what (int64 .guestPort)) }}
{{- end }}
{{- $cp := toString (int64 .port) }}
{{- if hasKey $containerPorts $cp }}
{{- fail (printf "%s: container port %s is already used by %s" $what $cp (get $containerPorts $cp)) }}
{{- end }}
{{- $_ := set $containerPorts $cp $what }}
{{- end }}
{{- end }}
