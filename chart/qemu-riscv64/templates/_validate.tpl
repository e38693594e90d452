{{/* Checks across values that values.schema.json cannot express; each failure names the values. */}}
{{- define "qemu-riscv64.validate" -}}
{{- if kindIs "string" .Values.memory }}
{{- $text := .Values.memory }}
{{- $example := "--set memory=2048 for 2 GiB" }}
{{- if regexMatch "^[0-9]+$" $text }}
{{- $example = printf "a number, not a string: --set memory=%s, not --set-string or a quoted value" $text }}
{{- else if regexMatch "^[0-9]+(\\.[0-9]+)?([KMGTP]i?)?$" $text }}
{{- $example = printf "for %s: --set memory=%d" $text (int64 (divf (include "qemu-riscv64.bytes" $text | float64) 1048576.0)) }}
{{- end }}
{{- fail (printf "memory=%s: memory is the guest RAM in MiB, a number without a unit (%s)" $text $example) }}
{{- end }}
{{- $grace := int64 (include "qemu-riscv64.gracePeriod" .) }}
{{- $timeout := int64 (include "qemu-riscv64.shutdownTimeout" .) }}
{{- if le $grace $timeout }}
{{- fail (printf "terminationGracePeriodSeconds=%d must be greater than the shutdown timeout, %d s (shutdownTimeout=%d%s), or the guest is killed before it is saved or powered off" $grace $timeout (int64 .Values.shutdownTimeout) (ternary (printf ", raised to save memory=%d MiB at hibernateWriteRate=%d MiB/s" (int64 .Values.memory) (int64 (include "qemu-riscv64.hibernateWriteRate" .))) "" (ne $timeout (int64 .Values.shutdownTimeout)))) }}
{{- end }}
{{- if and .Values.guest.existingSecret (or .Values.guest.password .Values.guest.sshAuthorizedKey) }}
{{- fail (printf "guest.existingSecret=%q excludes guest.password and guest.sshAuthorizedKey: set one or the other" .Values.guest.existingSecret) }}
{{- end }}
{{- if and (eq .Values.service.type "ClusterIP") (or .Values.service.nodePort .Values.ssh.nodePort) }}
{{- fail "service.nodePort and ssh.nodePort need service.type=NodePort or LoadBalancer, not ClusterIP" }}
{{- end }}
{{- if and (eq .Values.network.mode "passt") (eq (include "qemu-riscv64.namespaceEnforces" .) "restricted") }}
{{- fail (printf "network.mode=passt: namespace %s enforces the restricted Pod Security level, which refuses the user namespace passt needs; install with --set network.mode=user (or leave network.mode at auto), or into a namespace enforcing baseline" .Release.Namespace) }}
{{- end }}
{{- include "qemu-riscv64.validatePorts" . }}
{{- include "qemu-riscv64.validateResources" . }}
{{- include "qemu-riscv64.validateClaims" . }}
{{- if and (include "qemu-riscv64.front" .) .Values.ssh.nodePort }}
{{- fail (printf "ssh.nodePort=%v: with the front (replicas=%d, front.enabled=%v) the release's Service is the front's, with no ssh port; each VM's ssh is at its own pod (NOTES say how): leave ssh.nodePort empty" .Values.ssh.nodePort (int64 (include "qemu-riscv64.replicaCount" .)) (dig "enabled" "auto" (.Values.front | default dict))) }}
{{- end }}
{{- range .Values.persistence.accessModes }}
{{- if not (has . (list "ReadWriteOnce" "ReadWriteOncePod")) }}
{{- fail (printf "persistence.accessModes: %s: the guest disk takes ReadWriteOnce or ReadWriteOncePod only; a disk several nodes can mount could be run by two VMs at once (a pod on a lost node still running while its replacement starts)" .) }}
{{- end }}
{{- end }}
{{- if and .Values.persistence.existingClaim (not .Values.persistence.enabled) }}
{{- fail (printf "persistence.existingClaim=%q needs persistence.enabled=true (without it the disk would be an emptyDir)" .Values.persistence.existingClaim) }}
{{- end }}
{{- if and .Values.console.auth.existingSecret (not .Values.console.auth.enabled) }}
{{- fail (printf "console.auth.existingSecret=%q needs console.auth.enabled=true (without it the console stays open)" .Values.console.auth.existingSecret) }}
{{- end }}
{{- range $key := list "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/component" }}
{{- if hasKey $.Values.podLabels $key }}
{{- fail (printf "podLabels.%s: the chart sets this selector label itself; remove it from podLabels" $key) }}
{{- end }}
{{- end }}
{{- if and .Values.service.externalTrafficPolicy (eq .Values.service.type "ClusterIP") }}
{{- fail (printf "service.externalTrafficPolicy=%s needs service.type=NodePort or LoadBalancer, not ClusterIP" .Values.service.externalTrafficPolicy) }}
{{- end }}
{{- if and .Values.service.loadBalancerSourceRanges (ne .Values.service.type "LoadBalancer") }}
{{- fail (printf "service.loadBalancerSourceRanges needs service.type=LoadBalancer, not %s" .Values.service.type) }}
{{- end }}
{{- end }}

{{/* Limits may not be below the requests the launcher gets (a cluster refuses such a pod). */}}
{{- define "qemu-riscv64.validateResources" -}}
{{- $given := .Values.resources | default dict }}
{{- range $key := list "cpu" "memory" }}
{{- $value := index ($given.requests | default dict) $key }}
{{- if and (not (kindIs "invalid" $value)) (eq (include "qemu-riscv64.bytes" $value | float64) 0.0) }}
{{- fail (printf "resources.requests.%s=%v: a zero request lets the node run out of %s for the VM; leave it out for the default (%s) or give a positive quantity" $key $value $key (include (printf "qemu-riscv64.%sRequest" $key) $)) }}
{{- end }}
{{- end }}
{{- $resources := include "qemu-riscv64.launcherResources" . | fromYaml }}
{{- $limits := $resources.limits | default dict }}
{{- with $limits.memory }}
{{- $vm := include "qemu-riscv64.memoryLimit" $ }}
{{- if lt (include "qemu-riscv64.bytes" . | float64) (include "qemu-riscv64.bytes" $vm | float64) }}
{{- fail (printf "resources.limits.memory=%s is below the VM's memory=%d MiB plus QEMU's overhead (%s): QEMU would be OOM-killed once the guest uses its RAM; raise the limit or lower memory" (toString .) (int64 $.Values.memory) $vm) }}
{{- end }}
{{- $request := $resources.requests.memory }}
{{- if lt (include "qemu-riscv64.bytes" . | float64) (include "qemu-riscv64.bytes" $request | float64) }}
{{- fail (printf "resources.limits.memory=%s is below the memory request %s (memory=%d MiB + memoryOverhead, or resources.requests.memory): raise the limit or lower the request" (toString .) $request (int64 $.Values.memory)) }}
{{- end }}
{{- end }}
{{- with $limits.cpu }}
{{- $request := $resources.requests.cpu }}
{{- if lt (include "qemu-riscv64.millicores" . | float64) (include "qemu-riscv64.millicores" $request | float64) }}
{{- fail (printf "resources.limits.cpu=%s is below the CPU request %s (cpu.count=%d, or resources.requests.cpu): raise the limit or lower the request" (toString .) $request (int64 $.Values.cpu.count)) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Service ports, node ports, container ports and port names must each be unique. */}}
{{- define "qemu-riscv64.validatePorts" -}}
{{- if and .Values.ssh.enabled .Values.service.nodePort (eq (toString .Values.service.nodePort) (toString .Values.ssh.nodePort)) }}
{{- fail (printf "ssh.nodePort=%v collides with service.nodePort on the Service: choose another node port" .Values.ssh.nodePort) }}
{{- end }}
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
{{- $cp := toString (int64 .port) }}
{{- if hasKey $containerPorts $cp }}
{{- fail (printf "%s: container port %s is already used by %s: set its containerPort" $what $cp (get $containerPorts $cp)) }}
{{- end }}
{{- $_ := set $containerPorts $cp $what }}
{{- end }}
{{- end }}

{{/* No env name twice in a container: Kubernetes would keep the last one
     silently, so an extraEnv entry would override what a chart value set.
     .container is the rendered container, .key the values key, .extra its entries. */}}
{{- define "qemu-riscv64.validateEnv" -}}
{{- $container := index (fromYamlArray .container) 0 }}
{{- $own := sub (len $container.env) (len (.extra | default list)) }}
{{- $first := dict }}
{{- range $i, $entry := $container.env }}
{{- if hasKey $first $entry.name }}
{{- $earlier := get $first $entry.name }}
{{- if lt $earlier $own }}
{{- fail (printf "%s[%d]: %s is set by the chart in the %s container; set it with the chart's value for it (values.yaml) instead" $.key (sub $i $own) $entry.name $container.name) }}
{{- end }}
{{- fail (printf "%s[%d]: %s is already set by %s[%d]" $.key (sub $i $own) $entry.name $.key (sub $earlier $own)) }}
{{- end }}
{{- $_ := set $first $entry.name $i }}
{{- end }}
{{- end }}

{{/* Disks and VMs: one claim holds one VM's disk, and a StatefulSet's volumeClaimTemplates
     (a fleet's claim per VM) cannot change once it is made, so the values behind them
     must stay as the StatefulSet in the cluster has them. */}}
{{- define "qemu-riscv64.validateClaims" -}}
{{- $name := include "qemu-riscv64.fullname" . }}
{{- $replicas := int64 (include "qemu-riscv64.replicaCount" .) }}
{{- $perVM := include "qemu-riscv64.claimPerVM" . }}
{{- $templates := dig "spec" "volumeClaimTemplates" list (include "qemu-riscv64.liveStatefulSet" . | fromJson) }}
{{- $persistence := .Values.persistence }}
{{- if and $templates (not $perVM) }}
{{- $value := ternary (printf "persistence.existingClaim=%q" (toString $persistence.existingClaim)) "persistence.enabled=false" (and $persistence.enabled (not (empty $persistence.existingClaim))) }}
{{- fail (printf "%s: StatefulSet %s gives each VM a claim of its own (data-%s-N), and a StatefulSet's claims cannot change: keep persistence.enabled=true without existingClaim, or delete the StatefulSet first (kubectl delete statefulset -n %s %s)" $value $name $name .Release.Namespace $name) }}
{{- end }}
{{- if and $persistence.enabled (gt $replicas 1) (not $perVM) }}
{{- if $persistence.existingClaim }}
{{- fail (printf "persistence.existingClaim=%q is one VM's disk, and replicas=%d VMs need one each: leave existingClaim empty (the chart then makes a claim per VM)" (toString $persistence.existingClaim) $replicas) }}
{{- end }}
{{- fail (printf "replicas=%d with persistence.enabled: this release's StatefulSet was made without a claim per VM, which it cannot gain, and its one claim (%s) is one VM's disk: run the fleet as a release of its own (chart README, \"Fleet\")" $replicas (include "qemu-riscv64.claimName" .)) }}
{{- end }}
{{- if and $perVM $templates }}
{{- $live := index $templates 0 }}
{{- $spec := $live.spec | default dict }}
{{- $want := include "qemu-riscv64.claimSpec" . | fromYaml }}
{{- $changed := list }}
{{- $size := dig "resources" "requests" "storage" "" $spec }}
{{- if ne (include "qemu-riscv64.bytes" $size) (include "qemu-riscv64.bytes" $persistence.size) }}
{{- $changed = append $changed (printf "persistence.size=%s (made with %s)" (toString $persistence.size) (toString $size)) }}
{{- end }}
{{- if ne (toJson ($spec.accessModes | default list)) (toJson $want.accessModes) }}
{{- $changed = append $changed (printf "persistence.accessModes=%s (made with %s)" (join "," $want.accessModes) (join "," ($spec.accessModes | default list))) }}
{{- end }}
{{- if ne (toJson (pick $spec "storageClassName")) (toJson (pick $want "storageClassName")) }}
{{- $changed = append $changed (printf "the storage class %q (made with %q)" (toString ($want.storageClassName | default "")) (toString ($spec.storageClassName | default ""))) }}
{{- end }}
{{- if ne (toJson (dig "metadata" "annotations" dict $live)) (toJson (include "qemu-riscv64.stringMap" ($persistence.annotations | default dict) | fromYaml)) }}
{{- $changed = append $changed "persistence.annotations" }}
{{- end }}
{{- with $changed }}
{{- fail (printf "%s: StatefulSet %s makes each VM's claim as it was made, and a StatefulSet's claims cannot change: set these back (a claim can grow on its own: kubectl edit pvc -n %s data-%s-N, where its storage class allows it)" (join ", " .) $name $.Release.Namespace $name) }}
{{- end }}
{{- end }}
{{- end }}
