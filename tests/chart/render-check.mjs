// One case of the template matrix: `helm template` with its --set list, every object validated
// against the Kubernetes API schema, then the common and the case's own checks.
//
//   node tests/chart/render-check.mjs CASE      (CHART_NODE_MODULES must be set)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cases } from "./cases.mjs";
import { loadYaml } from "./lib/deps.mjs";
import { Expect } from "./lib/expect.mjs";
import { defaultValues, template } from "./lib/helm.mjs";
import { schemaProblems } from "./lib/k8s-schema.mjs";
import { checkStatefulSet } from "./lib/pod-checks.mjs";
import { checkClaim, checkIngress, checkLabels, checkSecrets, checkService, checkTestPod } from "./lib/object-checks.mjs";
import { applySets } from "./lib/set-values.mjs";

const RELEASE = "myvm";
const HERE = dirname(fileURLToPath(import.meta.url));

// A values file over the defaults, as helm merges them (null keeps nothing).
function merge(base, over) {
  for (const [key, value] of Object.entries(over ?? {})) {
    if (value && typeof value === "object" && !Array.isArray(value) && base[key] && typeof base[key] === "object") {
      merge(base[key], value);
    } else if (value === null) {
      delete base[key];
    } else {
      base[key] = value;
    }
  }
  return base;
}

async function main(name) {
  const testCase = cases[name];
  if (!testCase) throw new Error(`unknown case '${name}'; cases: ${Object.keys(cases).join(", ")}`);
  const t = new Expect();
  const extraArgs = testCase.valuesFile ? ["-f", join(HERE, testCase.valuesFile)] : [];
  const rendered = template(RELEASE, testCase.sets, extraArgs);
  if (!t.that(rendered.status === 0, `helm template failed: ${rendered.stderr}`)) return t.report(name);
  for (const object of rendered.objects) {
    const problems = await schemaProblems(object);
    t.equal(problems, [], `${object.kind}/${object.metadata?.name} against the Kubernetes API schema`);
  }
  const base = testCase.valuesFile
    ? merge(defaultValues(), loadYaml().parse(readFileSync(join(HERE, testCase.valuesFile), "utf8")))
    : defaultValues();
  const values = applySets(base, testCase.sets);
  const objects = rendered.objects;
  for (const check of [checkLabels, checkStatefulSet, checkService, checkIngress, checkClaim, checkSecrets, checkTestPod]) {
    try {
      check(t, objects, RELEASE, values);
    } catch (error) {
      t.that(false, `${check.name}: ${error.message}`);
    }
  }
  testCase.check(t, objects, values);
  return t.report(name);
}

process.exitCode = await main(process.argv[2]).catch((error) => {
  console.log(`FAIL ${process.argv[2]}: ${error.stack}`);
  return 1;
});
