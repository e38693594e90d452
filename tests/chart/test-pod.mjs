// Runs the `helm test` pod's script (from the rendered chart) against a local stand-in for the
// console: it must pass when the page is served, send the Basic credentials when auth is on,
// and fail when the page is missing or the credentials are refused.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";
import { envOf, ofKind } from "./lib/objects.mjs";

const t = new Expect();
const pageFile = join(mkdtempSync(join(tmpdir(), "chart-test-pod-")), "page");
// The pod runs the launcher image's static busybox; here a host busybox, or the host's own tools.
const busybox = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();

function testPodScript(sets) {
  const pod = ofKind(template("myvm", sets).objects, "Pod")[0];
  const script = pod.spec.containers[0].args[0];
  const local = script.replace("bb=/bin/busybox", `bb=${busybox}`).replace(/\/tmp\/page/g, pageFile);
  if (local === script) throw new Error("the test pod's script no longer sets bb=/bin/busybox");
  return { script: local, env: envOf(pod.spec.containers[0]) };
}

// A console stand-in: /healthz, and / behind Basic auth when `auth` is set.
function consoleStandIn(auth, page) {
  const server = createServer((req, res) => {
    if (req.url === "/healthz") return res.end("ok");
    const expected = auth && `Basic ${Buffer.from(auth).toString("base64")}`;
    if (auth && req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": "Basic" });
      return res.end("unauthorized");
    }
    if (req.url === "/" && page) return res.end(page);
    res.writeHead(404);
    return res.end("not found");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function runScript({ script }, url, auth) {
  const env = { ...process.env, CONSOLE_URL: url, CONSOLE_AUTH: auth ?? "" };
  const [cmd, args] = busybox ? [busybox, ["sh", "-c", script]] : ["sh", ["-c", script]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status, output }));
  });
}

async function scenario(what, { sets, serverAuth, clientAuth, page, pass }) {
  const server = await consoleStandIn(serverAuth, page);
  const url = `http://127.0.0.1:${server.address().port}`;
  const result = await runScript(testPodScript(sets), url, clientAuth);
  server.close();
  t.that((result.status === 0) === pass, `${what}: expected ${pass ? "success" : "failure"}, exit ${result.status}: ${result.output.trim()}`);
}

const PAGE = "<!doctype html><html><head><title>vm</title></head><body></body></html>";
await scenario("the page is served", { sets: [], page: PAGE, pass: true });
await scenario("no page", { sets: [], page: null, pass: false });
await scenario("auth: the right credentials", { sets: ["console.auth.enabled=true"], serverAuth: "admin:Pw0rd", clientAuth: "admin:Pw0rd", page: PAGE, pass: true });
await scenario("auth: wrong credentials", { sets: ["console.auth.enabled=true"], serverAuth: "admin:Pw0rd", clientAuth: "admin:other", page: PAGE, pass: false });
const authEnv = testPodScript(["console.auth.enabled=true"]).env.CONSOLE_AUTH;
t.equal(authEnv?.key, "auth", "with auth on, the test pod reads CONSOLE_AUTH from the console's Secret");
console.log(`test-pod: ran with ${busybox || "the host's sh and wget (no busybox found)"}`);
rmSync(dirname(pageFile), { recursive: true, force: true });
process.exitCode = t.report("test-pod");
