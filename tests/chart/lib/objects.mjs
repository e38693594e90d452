// Finding things in rendered objects: by kind, containers by name, env as a map.

export function ofKind(objects, kind) {
  return objects.filter((object) => object.kind === kind);
}

export function only(objects, kind) {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
}

// The StatefulSet that runs the VM.
export function vmSet(objects) {
  return only(objects, "StatefulSet");
}

// The Service clients use (the console and the forwarded ports), not the StatefulSet's headless one.
export function consoleService(objects) {
  const found = ofKind(objects, "Service").filter((s) => s.spec.clusterIP !== "None");
  if (found.length !== 1) throw new Error(`expected one Service with a cluster address, rendered ${found.length}`);
  return found[0];
}

export function podSpec(objects) {
  return vmSet(objects).spec.template.spec;
}

export function container(spec, name) {
  const found = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === name);
  if (!found) throw new Error(`no container named ${name}`);
  return found;
}

// env as {NAME: value}, or {NAME: {secret, key, optional}} for Secret references.
export function envOf(c) {
  const env = {};
  for (const entry of c.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    env[entry.name] = ref ? { secret: ref.name, key: ref.key, optional: ref.optional ?? false } : entry.value;
  }
  return env;
}

// "2509Mi" -> 2509; other units are a test failure (the chart writes Mi).
export function mebibytes(quantity) {
  const match = /^([0-9]+)Mi$/.exec(String(quantity));
  return match ? Number(match[1]) : NaN;
}
