// Runs the real helm on the chart: lint, template, and the values a --set list means.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadYaml } from "./deps.mjs";

export const repoDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const chartDir = join(repoDir, "chart", "qemu-riscv64");

let helmPath;
// scripts/get-helm.sh downloads helm once into $CACHE_DIR and prints its path.
export function helm() {
  helmPath ??= execFileSync(join(repoDir, "scripts", "get-helm.sh"), { encoding: "utf8" }).trim();
  return helmPath;
}

export function runHelm(args) {
  const result = spawnSync(helm(), args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// helm without blocking the event loop, for tests that serve helm from this process.
export function runHelmAsync(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(helm(), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function templateArgs(release, sets, extraArgs) {
  const args = ["template", release, chartDir, "--namespace", "vms", ...extraArgs];
  for (const set of sets) args.push("--set", set);
  return args;
}

function withObjects(result) {
  const objects = result.status === 0
    ? loadYaml().parseAllDocuments(result.stdout).map((doc) => doc.toJS()).filter((obj) => obj)
    : [];
  return { ...result, objects };
}

// `helm template RELEASE chart --set ...`: the status, the output, and the parsed objects.
export function template(release, sets = [], extraArgs = []) {
  return withObjects(runHelm(templateArgs(release, sets, extraArgs)));
}

export async function templateAsync(release, sets = [], extraArgs = []) {
  return withObjects(await runHelmAsync(templateArgs(release, sets, extraArgs)));
}

// The chart's values.yaml as an object.
export function defaultValues() {
  return loadYaml().parse(readFileSync(join(chartDir, "values.yaml"), "utf8"));
}
