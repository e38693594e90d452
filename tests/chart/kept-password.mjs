// The generated console password survives `helm upgrade`: with the Secret of an earlier
// release in the cluster, the real helm (`template --dry-run=server`, which runs `lookup`)
// renders the same password; with none, a new one.
import { Expect } from "./lib/expect.mjs";
import { releaseSecret, startFakeApi } from "./lib/fake-api.mjs";
import { templateAsync } from "./lib/helm.mjs";
import { ofKind } from "./lib/objects.mjs";

const t = new Expect();
const NAME = "myvm-qemu-riscv64-console-auth";
const decode = (secret, key) => Buffer.from(secret?.data?.[key] ?? "", "base64").toString("utf8");

async function renderAgainst(secrets, sets) {
  const api = await startFakeApi(secrets);
  try {
    const result = await templateAsync("myvm", ["console.auth.enabled=true", ...sets],
      ["--dry-run=server", "--disable-openapi-validation", "--kubeconfig", api.kubeconfig]);
    t.that(result.status === 0, `helm template --dry-run=server: ${result.stderr.trim()}`);
    return ofKind(result.objects, "Secret").find((s) => s.metadata.name === NAME);
  } finally {
    api.close();
  }
}

const earlier = releaseSecret("vms", "myvm", NAME, { username: "admin", password: "KeptPassw0rd", auth: "admin:KeptPassw0rd" });
const kept = await renderAgainst([earlier], []);
t.equal(decode(kept, "password"), "KeptPassw0rd", "the earlier release's password is kept");
t.equal(decode(kept, "auth"), "admin:KeptPassw0rd", "CONSOLE_AUTH keeps it too");

const renamed = await renderAgainst([earlier], ["console.auth.username=ops"]);
t.equal(decode(renamed, "auth"), "ops:KeptPassw0rd", "a new user name keeps the password");

const fresh = await renderAgainst([], []);
t.that(/^[A-Za-z0-9]{24}$/.test(decode(fresh, "password")), "no earlier Secret: a new 24-character password");
t.that(decode(fresh, "password") !== "KeptPassw0rd", "the new password is not the earlier one");
process.exitCode = t.report("kept-password");
