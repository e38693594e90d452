// A rendered pod's containers as the kubelet would start them: their env with Secret
// references resolved and Secret volumes written to a folder, and a free port to listen on.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { container, ofKind, podSpec } from "./objects.mjs";

// A container's env as the kubelet would set it, Secret references resolved; its Secret
// volumes are written under `folder` and paths into them rewritten to there.
export function podEnv(objects, name, folder) {
  const secrets = Object.fromEntries(ofKind(objects, "Secret").map((s) => [s.metadata.name, s.data ?? {}]));
  const spec = podSpec(objects);
  const mounts = {};
  for (const mount of container(spec, name).volumeMounts ?? []) {
    const source = spec.volumes.find((v) => v.name === mount.name)?.secret;
    if (!source) continue;
    const dir = join(folder, mount.name);
    mkdirSync(dir, { recursive: true });
    for (const { key, path } of source.items) {
      const encoded = secrets[source.secretName]?.[key];
      if (encoded === undefined) throw new Error(`volume ${mount.name}: Secret ${source.secretName} has no ${key}`);
      writeFileSync(join(dir, path), Buffer.from(encoded, "base64"));
    }
    mounts[mount.mountPath] = dir;
  }
  const local = (value) => {
    for (const [mountPath, dir] of Object.entries(mounts)) {
      if (value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
    }
    return value;
  };
  const env = {};
  for (const entry of container(spec, name).env) {
    const ref = entry.valueFrom?.secretKeyRef;
    const encoded = ref ? secrets[ref.name]?.[ref.key] : undefined;
    if (ref && encoded === undefined && !ref.optional) throw new Error(`${entry.name}: Secret ${ref.name} has no ${ref.key}`);
    if (!ref) env[entry.name] = local(entry.value);
    else if (encoded !== undefined) env[entry.name] = Buffer.from(encoded, "base64").toString("utf8");
  }
  return env;
}

// A port free right now (other tests run on this machine at the same time: never a fixed one).
export const freePort = () => new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
