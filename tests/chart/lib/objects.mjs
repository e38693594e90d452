// Finding things in rendered objects: by kind, containers by name, env as a map.

export function ofKind(objects, kind) {
  return objects.filter((object) => object.kind === kind);
}

export function only(objects, kind) {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
}

export function podSpec(objects) {
  return only(objects, "Deployment").spec.template.spec;
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
