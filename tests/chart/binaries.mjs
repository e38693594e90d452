// The rendered pod's env, fed to the real binaries: `launcher --dry-run` must accept it and
// build the QEMU argv the values ask for; `console` must start with it, answer its probes and
// enforce the rendered credentials. Secrets are resolved from the rendered Secrets, and the
// Secret volumes written to a folder of their own, as the kubelet mounts them.
//
//   node binaries.mjs --launcher PATH --console PATH --guest DATA_DIR
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";
import { freePort, podEnv } from "./lib/pod-env.mjs";

const { values: opts } = parseArgs({ options: { launcher: { type: "string" }, console: { type: "string" },
  guest: { type: "string" } } });
if (!opts.launcher || !opts.console || !opts.guest) throw new Error("usage: binaries.mjs --launcher PATH --console PATH --guest DIR");
const t = new Expect();

function checkLauncher(sets, wanted, dataDir = opts.guest) {
  const rendered = template("myvm", sets);
  const folder = mkdtempSync(join(tmpdir(), "chart-binaries-"));
  const pod = podEnv(rendered.objects, "launcher", folder);
  const env = { ...pod, VM_DATA_DIR: dataDir, PATH: process.env.PATH };
  t.equal(pod.VM_DATA_DIR, "/data", "the pod's data dir");
  let argv = [];
  try {
    argv = execFileSync(opts.launcher, ["--dry-run"], { env, encoding: "utf8" }).trim().split("\n");
  } catch (error) {
    t.that(false, `launcher --dry-run with ${sets.join(" ")} failed: ${error.stderr ?? error.message}`);
    rmSync(folder, { recursive: true, force: true });
    return;
  }
  const after = (flag) => argv[argv.indexOf(flag) + 1];
  for (const [flag, value] of Object.entries(wanted)) {
    if (flag === "contains") for (const part of value) t.that(argv.some((a) => a.includes(part)), `${sets}: argv has ${part}`);
    else if (flag === "absent") for (const part of value) t.that(!argv.some((a) => a.includes(part)), `${sets}: argv has no ${part}`);
    else if (flag === "files") {
      for (const [name, text] of Object.entries(value)) t.equal(readFileSync(env[name], "utf8"), text, `${sets}: the file ${name} names`);
    }
    else t.equal(after(flag), value, `${sets.join(" ") || "defaults"}: QEMU ${flag}`);
  }
  rmSync(folder, { recursive: true, force: true });
}

async function get(port, path, auth) {
  const headers = auth ? { Authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {};
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      return (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).status;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // the console is still starting
    }
  }
  return 0;
}

async function checkConsole(sets) {
  const rendered = template("myvm", sets);
  const [httpPort, telnetPort] = [await freePort(), await freePort()];
  // The launcher's status socket and the Secret files: in a folder of our own.
  const folder = mkdtempSync(join(tmpdir(), "chart-binaries-"));
  const podEnvironment = podEnv(rendered.objects, "console", folder);
  const statusSocket = join(folder, "status.sock");
  t.equal(podEnvironment.CONSOLE_STATUS, "/run/qemu-riscv64/status.sock", "CONSOLE_STATUS in the runtime volume");
  const env = { ...podEnvironment, PATH: process.env.PATH, CONSOLE_STATUS: statusSocket,
    CONSOLE_LISTEN: `127.0.0.1:${httpPort}`, CONSOLE_TELNET: `127.0.0.1:${telnetPort}` };
  const child = spawn(opts.console, [], { env, stdio: ["ignore", "inherit", "inherit"] });
  const what = sets.join(" ") || "defaults";
  const base = podEnvironment.CONSOLE_BASE_PATH ?? "";
  // A launcher stand-in answering one line per connection, as VM_STATUS_SOCKET does.
  const launcherSays = async (line) => {
    const server = createServer((socket) => socket.end(line));
    await new Promise((resolve) => server.listen(statusSocket, resolve));
    return server;
  };
  try {
    t.equal(await get(httpPort, `${base}/healthz`), 200, `${what}: ${base}/healthz (liveness)`);
    t.equal(await get(httpPort, `${base}/readyz`), 503, `${what}: /readyz is 503 without the launcher`);
    let status = await launcherSays("booting\n");
    t.equal(await get(httpPort, `${base}/readyz`), 503, `${what}: /readyz is 503 while the launcher says booting`);
    await new Promise((resolve) => status.close(resolve));
    status = await launcherSays("ready\n");
    t.equal(await get(httpPort, `${base}/readyz`), 200, `${what}: /readyz is 200 once the launcher says ready`);
    await new Promise((resolve) => status.close(resolve));
    const auth = podEnvironment.CONSOLE_AUTH_FILE && readFileSync(podEnvironment.CONSOLE_AUTH_FILE, "utf8");
    t.equal(await get(httpPort, `${base}/`, auth), 200, `${what}: the page, with the rendered credentials`);
    if (auth) t.equal(await get(httpPort, `${base}/`), 401, `${what}: the page needs the credentials`);
    if (base) t.equal(await get(httpPort, "/", auth), 404, `${what}: nothing outside ${base}`);
  } finally {
    child.kill("SIGTERM");
    rmSync(folder, { recursive: true, force: true });
  }
}

// The default network is passt: QEMU's card is a stream socket to it.
checkLauncher([], { "-smp": "2", "-m": "2048", contains: ["stream,id=net0,server=off,addr.type=unix"],
  absent: ["user,id=net0"] });
checkLauncher(["network.mode=user,cpu.count=4,memory=4096,ssh.enabled=true,guest.password=pw,guest.sshAuthorizedKey=ssh-ed25519 AAAA k",
  "cpu.features=v=true\\,vlen=256", "forwardPorts[0].name=web,forwardPorts[0].port=8000,forwardPorts[0].guestPort=80"],
{ "-smp": "4", "-m": "4096", "-cpu": "rv64,v=true,vlen=256",
  contains: ["user,id=net0,restrict=on", "hostfwd=tcp::2222-:22", "hostfwd=tcp::10080-:80"],
  // The credentials reach the launcher as the Secret's files; it sets them through the guest
  // agent, so they never appear on QEMU's command line.
  files: { VM_GUEST_PASSWORD_FILE: "pw", VM_GUEST_SSH_KEY_FILE: "ssh-ed25519 AAAA k" },
  absent: ["-fw_cfg", "ssh-ed25519 AAAA k"] });
// The guest's vm.conf sets VM_APPEND (it wins over the env); a data dir without it takes `append`.
const bare = mkdtempSync(join(tmpdir(), "chart-data-"));
symlinkSync(join(opts.guest, "Image"), join(bare, "Image"));
writeFileSync(join(bare, "vm.conf"), "VM_KERNEL=Image\n");
checkLauncher(["append=console=ttyS0 quiet"], { "-append": "console=ttyS0 quiet" }, bare);
rmSync(bare, { recursive: true });
await checkConsole([]);
await checkConsole(["console.auth.enabled=true,console.readOnly=true,console.maxSessions=3,console.title=Lab VM"]);
await checkConsole(["console.auth.enabled=false"]);
await checkConsole(["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"]);
process.exitCode = t.report("binaries");
