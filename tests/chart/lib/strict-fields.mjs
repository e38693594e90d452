// Finds fields the Kubernetes API does not know (what `kubectl apply --validate=strict` rejects).
// kubernetes-models' validators ignore unknown fields, so the field names come from its
// type declarations: one interface per .d.ts file, one `"field"?: Type;` per line.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { nodeModulesDir } from "./deps.mjs";

const interfaces = new Map();

function declarationFile(fromFile, specifier) {
  if (specifier.startsWith(".")) return join(dirname(fromFile), specifier.replace(/\.js$/, ".d.ts"));
  return join(nodeModulesDir(), `${specifier}.d.ts`);
}

// Reads one declaration file: field name -> the declaration file of its type, or null for scalars and maps.
function readInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    imports.set(m[1], declarationFile(file, m[2]));
  }
  const body = /^export interface \w+(?: extends \w+)? \{\n([\s\S]*?)^\}/m.exec(text);
  let fields = null;
  if (body) {
    fields = new Map();
    for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.*)$/gm)) {
      const typeName = /^(?:Array<)?(\w+)>?;$/.exec(m[2]);
      fields.set(m[1], typeName && imports.has(typeName[1]) ? imports.get(typeName[1]) : null);
    }
  }
  interfaces.set(file, fields);
  return fields;
}

function walk(value, file, path, unknown) {
  const fields = readInterface(file);
  if (!fields || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, file, `${path}[${i}]`, unknown));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (!fields.has(key)) {
      unknown.push(`${path}.${key}`);
    } else if (fields.get(key)) {
      walk(child, fields.get(key), `${path}.${key}`, unknown);
    }
  }
}

// The paths of unknown fields in `object`, whose kind is declared in `modelFile` (e.g.
// "kubernetes-models/apps/v1/Deployment").
export function unknownFields(object, modelFile) {
  const unknown = [];
  walk(object, join(nodeModulesDir(), `${modelFile}.d.ts`), object.kind, unknown);
  return unknown;
}
