{{/* The two init containers: busybox into "tools", then the data image's /data into "data". */}}

{{/* Copies the data image's /data into the volume at /volume unless the volume already holds a guest.
     The copy lands in a hidden folder first and vm.conf/config.sh move last, so an interrupted
     copy is never taken for a finished one. */}}
{{- define "qemu-riscv64.dataProviderScript" -}}
set -e
bb=/tools/busybox
volume=/volume
partial="$volume/.data-provider.partial"
if [ -e "$volume/vm.conf" ] || [ -e "$volume/config.sh" ]; then
  echo "data-provider: $volume already holds a guest (vm.conf or config.sh): kept"
  exit 0
fi
$bb rm -rf "$partial"
$bb cp -R /data/. "$partial"
cd "$partial"
for entry in * .[!.]* ..?*; do
  [ -e "$entry" ] || continue
  case "$entry" in vm.conf|config.sh) continue ;; esac
  $bb rm -rf "$volume/$entry"
  $bb mv "$entry" "$volume/"
done
for marker in vm.conf config.sh; do
  if [ -e "$marker" ]; then $bb mv "$marker" "$volume/"; fi
done
cd "$volume"
$bb rmdir "$partial"
echo "data-provider: copied the data image into $volume"
{{- end }}

{{- define "qemu-riscv64.initContainers" -}}
- name: busybox-provider
  image: {{ include "qemu-riscv64.launcherImage" . | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  command: ["/bin/busybox", "cp", "/bin/busybox", "/tools/busybox"]
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      memory: 64Mi
  volumeMounts:
    - name: tools
      mountPath: /tools
- name: data-provider
  image: {{ include "qemu-riscv64.image" (dict "ref" .Values.images.data "root" .) | quote }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  command: ["/tools/busybox", "sh", "-c"]
  args:
    - |
      {{- include "qemu-riscv64.dataProviderScript" . | nindent 6 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    requests:
      cpu: 50m
      memory: 16Mi
    limits:
      memory: 128Mi
  volumeMounts:
    - name: tools
      mountPath: /tools
      readOnly: true
    - name: data
      mountPath: /volume
{{- end }}
