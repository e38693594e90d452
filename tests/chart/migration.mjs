// An upgrade from the chart's Deployment to its StatefulSet never runs two VMs on one disk:
// while `lookup` finds the release's Deployment, the StatefulSet renders with no replica and
// NOTES say to upgrade once more when the old pod is gone; without it, one replica. The
// upgrade NOTES ask for (--reuse-values, which renders with the old chart's defaults) renders.
import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Expect } from "./lib/expect.mjs";
import { namespace, releaseDeployment, startFakeApi } from "./lib/fake-api.mjs";
import { chartDir, repoDir, runHelm, runHelmAsync } from "./lib/helm.mjs";
import { loadYaml } from "./lib/deps.mjs";
import { container, podSpec, vmSet } from "./lib/objects.mjs";

const t = new Expect();

// `helm install --dry-run=server` against the stand-in serving `served`: {status, stderr, set, notes}.
async function render(served) {
  const api = await startFakeApi([namespace("vms"), ...served]);
  try {
    const result = await runHelmAsync(["install", "myvm", chartDir, "--namespace", "vms", "--dry-run=server",
      "--disable-openapi-validation", "--kubeconfig", api.kubeconfig, "--set", "persistence.enabled=true"]);
    const manifest = result.stdout.slice(result.stdout.indexOf("MANIFEST:") + "MANIFEST:".length,
      result.stdout.indexOf("NOTES:"));
    const objects = loadYaml().parseAllDocuments(manifest).map((d) => d.toJS()).filter((o) => o);
    return { status: result.status, stderr: result.stderr, set: result.status === 0 ? vmSet(objects) : null,
      notes: result.stdout.slice(Math.max(0, result.stdout.indexOf("NOTES:"))) };
  } finally {
    api.close();
  }
}

const migrating = await render([releaseDeployment("vms", "myvm-qemu-riscv64")]);
t.that(migrating.status === 0, `with the Deployment: ${migrating.stderr.trim()}`);
t.equal(migrating.set?.spec.replicas, 0, "the Deployment still there: the StatefulSet waits with no replica");
t.that(migrating.notes.includes("replaces the release's Deployment with a StatefulSet") &&
  migrating.notes.includes("helm upgrade -n vms myvm ./chart/qemu-riscv64 --reuse-values"),
"NOTES say to upgrade once more when the Deployment's pod is gone");

const settled = await render([]);
t.that(settled.status === 0, `without it: ${settled.stderr.trim()}`);
t.equal(settled.set?.spec.replicas, 1, "no Deployment: one replica, the VM");
t.that(!settled.notes.includes("replaces the release's Deployment"), "no migration note");
// `helm upgrade --reuse-values` renders the chart with the old release's values in place of
// the chart's defaults: keys the chart gained since are missing, and must still render.
const reused = mkdtempSync(join(tmpdir(), "chart-reuse-values-"));
try {
  cpSync(chartDir, reused, { recursive: true });
  copyFileSync(join(repoDir, "tests", "chart", "deployment-chart-values.yaml"), join(reused, "values.yaml"));
  const result = runHelm(["template", "myvm", reused, "--namespace", "vms", "--set", "persistence.enabled=true"]);
  t.that(result.status === 0, `--reuse-values from the Deployment chart's values renders: ${result.stderr.trim()}`);
  if (result.status === 0) {
    const objects = loadYaml().parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((o) => o);
    const env = Object.fromEntries(container(podSpec(objects), "launcher").env.map((e) => [e.name, e.value]));
    t.equal(env.VM_HIBERNATE, "on", "without the hibernate value: auto, on with persistence");
    t.equal(env.VM_SHUTDOWN_TIMEOUT, "51", "without hibernateWriteRate: 50 MiB/s, 2048 MiB saved in 41 s + 10");
  }
} finally {
  rmSync(reused, { recursive: true, force: true });
}
process.exitCode = t.report("migration");
