// A chart upgrade that changes nothing the pod runs leaves the VM alone: the pod template
// (what a change of restarts the pod) is the same at another chart version and appVersion,
// and for values outside the pod (Service annotations); a changed Secret value, a changed
// setting or image makes a new one (the checksum/secrets annotation for the Secrets).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Expect } from "./lib/expect.mjs";
import { chartDir, runHelm } from "./lib/helm.mjs";
import { loadYaml } from "./lib/deps.mjs";
import { vmSet } from "./lib/objects.mjs";

const t = new Expect();

// The Deployment's pod template as rendered from `chart` with `sets`, as JSON text.
function podTemplate(chart, sets) {
  const args = ["template", "myvm", chart, "--namespace", "vms"];
  for (const set of sets) args.push("--set", set);
  const result = runHelm(args);
  t.that(result.status === 0, `helm template ${sets.join(" ")}: ${result.stderr.trim()}`);
  const objects = loadYaml().parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((o) => o);
  return JSON.stringify(vmSet(objects).spec.template);
}

// A copy of the chart at another version and appVersion.
const bumped = join(mkdtempSync(join(tmpdir(), "chart-bumped-")), "qemu-riscv64");
cpSync(chartDir, bumped, { recursive: true });
const chartYaml = join(bumped, "Chart.yaml");
writeFileSync(chartYaml, readFileSync(chartYaml, "utf8").replace(/^version: .*$/m, "version: 9.9.9")
  .replace(/^appVersion: .*$/m, 'appVersion: "9.9.9"'));

try {
  const base = ["guest.password=first"];
  const before = podTemplate(chartDir, base);
  t.equal(podTemplate(bumped, base), before, "another chart version and appVersion: the same pod template");
  t.equal(podTemplate(chartDir, [...base, "service.annotations.team=lab"]), before,
    "a Service annotation: the same pod template");
  t.that(podTemplate(chartDir, ["guest.password=second"]) !== before, "a changed guest password: a new pod template");
  t.that(podTemplate(chartDir, [...base, "console.auth.username=ops"]) !== before,
    "a changed console user: a new pod template");
  t.that(podTemplate(chartDir, [...base, "cpu.count=4"]) !== before, "a changed launcher setting: a new pod template");
  t.that(podTemplate(chartDir, [...base, "images.console=localhost/console:2"]) !== before, "a changed image: a new pod template");
} finally {
  rmSync(join(bumped, ".."), { recursive: true, force: true });
}
process.exitCode = t.report("pod-template");
