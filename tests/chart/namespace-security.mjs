// network.mode=auto against the namespace's Pod Security level, read with `lookup` as
// `helm install` does (the real helm, `template --dry-run=server` against the API stand-in):
// restricted makes it user, with NOTES saying so; an explicit passt there is refused with the
// --set that works; baseline, no label, or no cluster keep passt.
import { Expect } from "./lib/expect.mjs";
import { namespace, startFakeApi } from "./lib/fake-api.mjs";
import { runHelmAsync, chartDir } from "./lib/helm.mjs";
import { loadYaml } from "./lib/deps.mjs";
import { container, envOf, podSpec } from "./lib/objects.mjs";

const t = new Expect();
const ENFORCE = "pod-security.kubernetes.io/enforce";

// `helm install --dry-run=server` in namespace vms labelled `labels`: {status, stderr, objects, notes}.
async function install(labels, sets = []) {
  const api = await startFakeApi([namespace("vms", labels)]);
  try {
    const args = ["install", "myvm", chartDir, "--namespace", "vms", "--dry-run=server",
      "--disable-openapi-validation", "--kubeconfig", api.kubeconfig];
    for (const set of sets) args.push("--set", set);
    const result = await runHelmAsync(args);
    const manifest = result.stdout.slice(result.stdout.indexOf("MANIFEST:"), result.stdout.indexOf("NOTES:"));
    const objects = result.status === 0
      ? loadYaml().parseAllDocuments(manifest.replace(/^MANIFEST:\n/, "")).map((d) => d.toJS()).filter((o) => o) : [];
    const notes = result.stdout.slice(Math.max(0, result.stdout.indexOf("NOTES:")));
    return { status: result.status, stderr: result.stderr, objects, notes };
  } finally {
    api.close();
  }
}

const network = (objects) => envOf(container(podSpec(objects), "launcher")).VM_NETWORK;
const seccomp = (objects) => container(podSpec(objects), "launcher").securityContext.seccompProfile;

const restricted = await install({ [ENFORCE]: "restricted" });
t.that(restricted.status === 0, `restricted namespace, defaults: ${restricted.stderr.trim()}`);
t.equal(network(restricted.objects), "user", "restricted: auto chose user networking");
t.equal(seccomp(restricted.objects), { type: "RuntimeDefault" }, "restricted: the launcher keeps RuntimeDefault seccomp");
t.equal(podSpec(restricted.objects).securityContext.seccompProfile, { type: "RuntimeDefault" }, "restricted: the pod keeps it");
t.that(restricted.notes.includes("enforces the restricted Pod Security level") &&
  restricted.notes.includes("network.mode=auto chose user"), "restricted: NOTES say user networking was chosen, and why");

const refused = await install({ [ENFORCE]: "restricted" }, ["network.mode=passt"]);
t.that(refused.status !== 0, "restricted namespace, network.mode=passt: refused at install");
t.that(refused.stderr.includes("network.mode=passt: namespace vms enforces the restricted Pod Security level") &&
  refused.stderr.includes("--set network.mode=user"), `the refusal names the value and the --set that works: ${refused.stderr.trim()}`);

const user = await install({ [ENFORCE]: "restricted" }, ["network.mode=user"]);
t.equal(network(user.objects), "user", "restricted namespace, network.mode=user: installed");
t.that(!user.notes.includes("chose user"), "an explicit user needs no note");

for (const [what, labels] of [["baseline", { [ENFORCE]: "baseline" }], ["no label", {}], ["privileged", { [ENFORCE]: "privileged" }]]) {
  const result = await install(labels);
  t.that(result.status === 0, `${what}: ${result.stderr.trim()}`);
  t.equal(network(result.objects), "passt", `${what}: auto is passt`);
  t.that(!result.notes.includes("chose user"), `${what}: no user-networking note`);
}
process.exitCode = t.report("namespace-security");
