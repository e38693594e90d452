// Validates rendered objects against the Kubernetes API schema (the kubernetes-models package;
// the Prometheus Operator's ServiceMonitor against its CRD's schema, from
// @kubernetes-models/prometheus-operator): types, enums, required fields and formats, plus no
// unknown fields.
import { importModel } from "./deps.mjs";
import { unknownFields } from "./strict-fields.mjs";

// API groups whose models come from a package of their own (custom resources).
const crdPackages = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };

// "apps/v1" + "Deployment" -> "kubernetes-models/apps/v1/Deployment"; core "v1" objects live
// under "v1/"; a custom resource's group names its package.
function modelFile(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    throw new Error(`an object without apiVersion/kind: ${JSON.stringify(object).slice(0, 200)}`);
  }
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  return `${crdPackages[group] ?? "kubernetes-models"}/${object.apiVersion}/${object.kind}`;
}

// Problems found in one object (empty when it is valid).
export async function schemaProblems(object) {
  const file = modelFile(object);
  const name = `${object.kind}/${object.metadata?.name}`;
  let module;
  try {
    module = await importModel(`${file}.js`);
  } catch {
    return [`${name}: no Kubernetes API model for ${object.apiVersion} ${object.kind}`];
  }
  const Model = module[object.kind];
  const problems = [];
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
    problems.push(`${name}: ${error.message}${details.length ? ` (${details.join("; ")})` : ""}`);
  }
  for (const path of unknownFields(object, file)) problems.push(`${name}: unknown field ${path}`);
  return problems;
}
