// Which address opens the console: the real console started with the env the chart renders,
// asked for its page at every address form NOTES print (and a DNS-rebinding attacker's), with
// auth on (the default) and off. With auth on, every address serves the page after the
// credentials and none without them; with auth off, only the names the console knows, and
// an address NOTES print works once console.allowHosts names it. The table is printed, and
// must be the one in the chart README (--write puts it there).
//
//   node host-matrix.mjs --console PATH [--write]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Expect } from "./lib/expect.mjs";
import { chartDir, template } from "./lib/helm.mjs";
import { freePort, podEnv } from "./lib/pod-env.mjs";

const { values: opts } = parseArgs({ options: { console: { type: "string" }, write: { type: "boolean" } } });
if (!opts.console) throw new Error("usage: host-matrix.mjs --console PATH [--write]");
const t = new Expect();

// [address form, where NOTES print it, the Host header a browser sends there]
const ADDRESSES = [
  ["localhost (port-forward, Docker Desktop)", "every type", "localhost:8080"],
  ["LoadBalancer IP", "LoadBalancer", "203.0.113.10:8080"],
  ["LoadBalancer host name", "LoadBalancer", "a1b2.elb.example.com:8080"],
  ["node IP and node port", "NodePort", "172.18.0.2:30080"],
  ["Service name, from another pod", "every type (helm test)", "myvm-qemu-riscv64:8080"],
  ["Ingress with ingress.host", "ingress.enabled", "lab.example.org"],
  ["Ingress without a host (its address)", "ingress.enabled", "198.51.100.7"],
  ["a rebinding page's own name", "(an attacker)", "rebound.attacker.example:8080"],
];
const FOREIGN = ["203.0.113.10", "a1b2.elb.example.com", "172.18.0.2", "198.51.100.7"];

// The HTTP status of GET target with this Host (and Basic credentials when given).
function status(port, target, host, auth) {
  const headers = { Host: host, ...(auth ? { Authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {}) };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: target, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });
}

// The console with the env `sets` render; runs `use({port, auth})`, then stops it.
async function withConsole(sets, use) {
  const rendered = template("myvm", ["ingress.enabled=true,ingress.host=lab.example.org", ...sets]);
  if (!t.that(rendered.status === 0, `helm template ${sets}: ${rendered.stderr}`)) return;
  const folder = mkdtempSync(join(tmpdir(), "chart-hosts-"));
  const env = { ...podEnv(rendered.objects, "console", folder), PATH: process.env.PATH,
    CONSOLE_LISTEN: `127.0.0.1:${await freePort()}`, CONSOLE_TELNET: `127.0.0.1:${await freePort()}` };
  const port = Number(env.CONSOLE_LISTEN.split(":")[1]);
  const child = spawn(opts.console, [], { env, stdio: ["ignore", "ignore", "inherit"] });
  try {
    for (let tries = 0; ; tries++) {  // until it listens
      try { await status(port, "/healthz", "localhost"); break; } catch (error) {
        if (tries > 300) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await use({ port, auth: env.CONSOLE_AUTH_FILE && readFileSync(env.CONSOLE_AUTH_FILE, "utf8").trim() });
  } finally {
    child.kill("SIGTERM");
    rmSync(folder, { recursive: true, force: true });
  }
}

const results = ADDRESSES.map(() => []);
await withConsole([], async ({ port, auth }) => {
  for (const [i, [, , host]] of ADDRESSES.entries()) {
    results[i].push(await status(port, "/", host), await status(port, "/", host, auth));
    t.equal(results[i][0], 401, `auth on, ${host}, no credentials: asked for them`);
    t.equal(results[i][1], 200, `auth on, ${host}, the credentials: the page`);
    t.equal(await status(port, "/ws", host), 401, `auth on, ${host}: no WebSocket without the credentials`);
  }
});
await withConsole(["console.auth.enabled=false"], async ({ port }) => {
  for (const [i, [, , host]] of ADDRESSES.entries()) {
    results[i].push(await status(port, "/", host));
    const known = !FOREIGN.some((name) => host.startsWith(name)) && !host.startsWith("rebound.");
    t.equal(results[i][2], known ? 200 : 403, `auth off, ${host}: ${known ? "a known name" : "refused"}`);
  }
});
await withConsole(["console.auth.enabled=false", `console.allowHosts={${FOREIGN.join(",")}}`], async ({ port }) => {
  for (const [i, [, , host]] of ADDRESSES.entries()) {
    results[i].push(await status(port, "/", host));
    t.equal(results[i][3], host.startsWith("rebound.") ? 403 : 200, `auth off with console.allowHosts, ${host}`);
  }
});

const table = ["| address | NOTES print it for | Host | auth on, no credentials | auth on, credentials | auth off | auth off, the address in `console.allowHosts` |",
  "|---|---|---|---|---|---|---|",
  ...ADDRESSES.map(([what, where, host], i) => `| ${what} | ${where} | \`${host}\` | ${results[i].join(" | ")} |`)].join("\n");
console.log(table);
const readmePath = join(chartDir, "README.md");
const readme = readFileSync(readmePath, "utf8");
const begin = "<!-- host-matrix begin -->\n";
const end = "\n<!-- host-matrix end -->";
const [from, to] = [readme.indexOf(begin), readme.indexOf(end)];
if (t.that(from >= 0 && to > from, "the chart README has the host-matrix markers")) {
  if (opts.write) writeFileSync(readmePath, readme.slice(0, from + begin.length) + table + readme.slice(to));
  else t.equal(readme.slice(from + begin.length, to), table, "the chart README's Host table is the one measured (--write updates it)");
}
process.exitCode = t.report("host-matrix");
