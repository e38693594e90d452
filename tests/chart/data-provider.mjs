// Runs the data-provider init container's script (taken from the rendered Deployment) on
// folders standing in for the data image's /data and the "data" volume: it copies into an
// empty volume, keeps a volume that already holds a guest, and redoes an interrupted copy.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";
import { container, podSpec } from "./lib/objects.mjs";

const t = new Expect();
const work = mkdtempSync(join(tmpdir(), "chart-data-provider-"));
// The pod runs the copied static busybox; here a host busybox, or the host's own tools.
const busybox = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();

function script(dataDir, volumeDir) {
  const rendered = template("myvm", ["persistence.enabled=true"]);
  const text = container(podSpec(rendered.objects), "data-provider").args[0];
  const local = text.replace("bb=/tools/busybox", `bb=${busybox}`)
    .replace("volume=/volume", `volume=${volumeDir}`).replace("/data/.", `${dataDir}/.`);
  if (local === text || local.includes("/tools/") || local.includes(" /data/")) throw new Error("the script's paths moved");
  return local;
}

function run(shellScript) {
  return execFileSync(busybox || "sh", busybox ? ["sh", "-c", shellScript] : ["-c", shellScript], { encoding: "utf8" });
}

function write(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

const read = (dir, name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : undefined);

function fresh(name) {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

try {
  const data = fresh("data");
  const image = { "vm.conf": "VM_DRIVE=disk.img\n", "disk.img": "pristine disk", "boot/Image": "kernel", ".hidden": "h" };
  write(data, image);

  const volume = fresh("volume");
  const copyScript = script(data, volume);
  t.that(run(copyScript).includes("copied"), "an empty volume: the script says it copied");
  for (const [name, content] of Object.entries(image)) t.equal(read(volume, name), content, `copied ${name}`);
  t.equal(readdirSync(volume).filter((n) => n.includes("partial")), [], "no partial copy left behind");

  writeFileSync(join(volume, "disk.img"), "written by the guest");
  t.that(run(copyScript).includes("kept"), "a volume holding vm.conf: the script says it kept it");
  t.equal(read(volume, "disk.img"), "written by the guest", "the guest's disk survives a pod restart");

  const original = fresh("original-volume");
  write(original, { "config.sh": "export VM_DRIVE=/data/disk.img\n", "disk.img": "original-style disk" });
  run(script(data, original));
  t.equal(read(original, "disk.img"), "original-style disk", "a volume holding config.sh is kept too");

  const interrupted = fresh("interrupted-volume");
  write(interrupted, { "disk.img": "half a d", ".data-provider.partial/disk.img": "half" });
  run(script(data, interrupted));
  t.equal(read(interrupted, "disk.img"), "pristine disk", "an interrupted copy is redone");
  t.equal(read(interrupted, "vm.conf"), image["vm.conf"], "vm.conf arrives last, with the rest");
  console.log(`data-provider: ran with ${busybox || "the host's sh and tools (no busybox found)"}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = t.report("data-provider");
