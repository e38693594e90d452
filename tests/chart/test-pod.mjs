// Runs the `helm test` pod's script (from the rendered chart) against a local stand-in for the
// console: it must wait (retrying) while /readyz answers 503, pass when the guest is up and the
// page is served, send the Basic credentials when auth is on, and fail when the page is missing,
// the credentials are refused or the guest never comes up within bootTimeout.
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
  // The retry pause shortened: the script still counts 5 s per retry against BOOT_TIMEOUT.
  const local = script.replace("bb=/bin/busybox", `bb=${busybox}`).replace(/\/tmp\/page/g, pageFile)
    .replace("$bb sleep 5", "$bb sleep 0.1");
  if (local === script) throw new Error("the test pod's script no longer sets bb=/bin/busybox");
  if (!local.includes("$bb sleep 0.1")) throw new Error("the test pod's script no longer pauses with $bb sleep 5");
  return { script: local, env: envOf(pod.spec.containers[0]) };
}

// A console stand-in: /healthz, /readyz (503 for the first `readyAfter` probes; never 200 when
// it is null), and / behind Basic auth when `auth` is set.
function consoleStandIn(auth, page, readyAfter) {
  let probes = 0;
  const server = createServer((req, res) => {
    if (req.url === "/healthz") return res.end("ok");
    if (req.url === "/readyz") {
      probes += 1;
      server.probes = probes;
      if (readyAfter !== null && probes > readyAfter) return res.end("ready");
      res.writeHead(503);
      return res.end("the guest is not up yet");
    }
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

function runScript({ script, env: podEnv }, url, auth) {
  const env = { ...process.env, CONSOLE_URL: url, CONSOLE_AUTH: auth ?? "", BOOT_TIMEOUT: podEnv.BOOT_TIMEOUT };
  const [cmd, args] = busybox ? [busybox, ["sh", "-c", script]] : ["sh", ["-c", script]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status, output }));
  });
}

async function scenario(what, { sets, serverAuth, clientAuth, page, pass, readyAfter = 0, probes }) {
  const server = await consoleStandIn(serverAuth, page, readyAfter);
  const url = `http://127.0.0.1:${server.address().port}`;
  const result = await runScript(testPodScript(sets), url, clientAuth);
  server.close();
  t.that((result.status === 0) === pass, `${what}: expected ${pass ? "success" : "failure"}, exit ${result.status}: ${result.output.trim()}`);
  if (probes !== undefined) t.equal(server.probes, probes, `${what}: /readyz probes`);
}

const PAGE = "<!doctype html><html><head><title>vm</title></head><body></body></html>";
await scenario("the page is served", { sets: [], page: PAGE, pass: true });
await scenario("no page", { sets: [], page: null, pass: false });
await scenario("the guest comes up after 3 probes", { sets: [], page: PAGE, pass: true, readyAfter: 3, probes: 4 });
await scenario("the guest never comes up within bootTimeout=20", { sets: ["bootTimeout=20"], page: PAGE, pass: false,
  readyAfter: null, probes: 5 });
await scenario("auth: the right credentials", { sets: [], serverAuth: "admin:Pw0rd", clientAuth: "admin:Pw0rd", page: PAGE, pass: true });
await scenario("auth: wrong credentials", { sets: [], serverAuth: "admin:Pw0rd", clientAuth: "admin:other", page: PAGE, pass: false });
const authEnv = testPodScript(["console.auth.enabled=true"]).env.CONSOLE_AUTH;
t.equal(authEnv?.key, "auth", "with auth on, the test pod reads CONSOLE_AUTH from the console's Secret");
console.log(`test-pod: ran with ${busybox || "the host's sh and wget (no busybox found)"}`);
rmSync(dirname(pageFile), { recursive: true, force: true });
process.exitCode = t.report("test-pod");
