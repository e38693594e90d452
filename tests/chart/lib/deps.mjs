// Loads the npm tools of the chart tests from the node_modules that npm-install.sh filled.
// CHART_NODE_MODULES names that folder (ctest sets it to the build tree's copy).
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export function nodeModulesDir() {
  const dir = process.env.CHART_NODE_MODULES;
  if (!dir) {
    throw new Error("CHART_NODE_MODULES is not set: run tests/chart/npm-install.sh DIR and set it to DIR/node_modules");
  }
  if (!existsSync(join(dir, "kubernetes-models"))) {
    throw new Error(`CHART_NODE_MODULES=${dir} holds no kubernetes-models: run tests/chart/npm-install.sh first`);
  }
  return dir;
}

// The yaml package (CommonJS and ESM), resolved from that folder.
export function loadYaml() {
  const require = createRequire(join(nodeModulesDir(), "resolver.cjs"));
  return require("yaml");
}

// A model file such as "kubernetes-models/apps/v1/Deployment.js" (ESM only, so imported by path).
export async function importModel(relativePath) {
  return import(pathToFileURL(join(nodeModulesDir(), relativePath)).href);
}
