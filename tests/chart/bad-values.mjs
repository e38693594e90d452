// Bad values must fail `helm template` (as `helm install` would) with an error naming the value.
//
//   node tests/chart/bad-values.mjs            every case
//   node tests/chart/bad-values.mjs CASE...    the named ones
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";

// case -> [--set strings, text the error must contain]
export const badCases = {
  "cpu.count=0": [["cpu.count=0"], "/cpu/count"],
  "cpu.count=two": [["cpu.count=two"], "/cpu/count"],
  "memory=lots": [["memory=lots"], "/memory"],
  "memory=64": [["memory=64"], "/memory"],
  "service.type=Bogus": [["service.type=Bogus"], "/service/type"],
  "service.port=70000": [["service.port=70000"], "/service/port"],
  "service.port=0": [["service.port=0"], "/service/port"],
  "unknown top-level key": [["colour=blue"], "colour"],
  "unknown nested key": [["console.auth.enable=true"], "enable"],
  "images.data empty": [["images.data="], "/images/data"],
  "cpu.features with a space": [["cpu.features=v=true vlen=256"], "/cpu/features"],
  "persistence.size=lots": [["persistence.enabled=true,persistence.size=lots"], "/persistence/size"],
  "imagePullPolicy=Sometimes": [["imagePullPolicy=Sometimes"], "/imagePullPolicy"],
  "ssh.enabled=yes": [["ssh.enabled=yes"], "/ssh/enabled"],
  "forward port on the console's 8080": [["forwardPorts[0].name=web,forwardPorts[0].port=8080,forwardPorts[0].guestPort=80"],
    "/forwardPorts/0/port"],
  "grace period below shutdownTimeout": [["terminationGracePeriodSeconds=20"], "terminationGracePeriodSeconds=20"],
  "ssh.port equal to service.port": [["ssh.enabled=true,ssh.port=8080"], "ssh.port=8080"],
  "two forwards on one port": [["forwardPorts[0].name=a,forwardPorts[0].port=9000,forwardPorts[0].guestPort=80",
    "forwardPorts[1].name=b,forwardPorts[1].port=9000,forwardPorts[1].guestPort=81"], "forwardPorts b=9000"],
  "guest secret and password": [["guest.existingSecret=login,guest.password=pw"], "guest.existingSecret=\"login\""],
  "ingress TLS without a host": [["ingress.enabled=true,ingress.tlsSecret=vm-tls"], "ingress.tlsSecret"],
  "ingress.path without a slash": [["ingress.enabled=true,ingress.path=console"], "/ingress/path"],
  "no QEMU overhead": [["memoryOverhead.fixed=0"], "/memoryOverhead/fixed"],
  "nodePort on ClusterIP": [["service.type=ClusterIP,service.nodePort=30080"], "service.nodePort"],
};

function run(names) {
  const t = new Expect();
  for (const name of names) {
    const entry = badCases[name];
    if (!t.that(entry, `unknown case '${name}'`)) continue;
    const [sets, mention] = entry;
    const result = template("myvm", sets);
    t.that(result.status !== 0, `${name}: helm template must fail, it exited 0`);
    t.that(result.stderr.includes(mention), `${name}: the error must name '${mention}', it said: ${result.stderr.trim()}`);
  }
  return t.report("bad values");
}

process.exitCode = run(process.argv.length > 2 ? process.argv.slice(2) : Object.keys(badCases));
