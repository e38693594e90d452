// Two releases in one namespace (the second with --set service.port=8081) must not collide:
// distinct object names, selectors that pick only their own pod, distinct Service ports.
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";
import { consoleService, only, vmSet } from "./lib/objects.mjs";

const t = new Expect();
const first = template("myvm", ["console.auth.enabled=true,ssh.enabled=true,persistence.enabled=true"]);
const second = template("myvm2", ["service.port=8081,console.auth.enabled=true,ssh.enabled=true,ssh.port=2223,persistence.enabled=true"]);
t.that(first.status === 0 && second.status === 0, `both render: ${first.stderr}${second.stderr}`);
const names = (r) => r.objects.map((o) => `${o.kind}/${o.metadata.name}`);
t.equal(names(first).filter((n) => names(second).includes(n)), [], "no object name in common");
t.that(names(first).length >= 5, `the first release renders its objects: ${names(first)}`);
const selector = (r) => consoleService(r.objects).spec.selector;
const podLabels = (r) => vmSet(r.objects).spec.template.metadata.labels;
const selects = (sel, labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);
t.that(!selects(selector(first), podLabels(second)), "the first Service does not select the second pod");
t.that(!selects(selector(second), podLabels(first)), "the second Service does not select the first pod");
const ports = (r) => consoleService(r.objects).spec.ports.map((p) => p.port);
t.equal(ports(first).filter((p) => ports(second).includes(p)), [], "no Service port in common (shared LoadBalancer host)");

// Two releases on one Ingress host, by path: each console serves under its own path.
const ingress = (release, path) => template(release, [`ingress.enabled=true,ingress.host=lab.example.org,ingress.path=${path}`]);
const vm1 = ingress("vm1", "/vm1");
const vm2 = ingress("vm2", "/vm2");
t.that(vm1.status === 0 && vm2.status === 0, `both Ingress releases render: ${vm1.stderr}${vm2.stderr}`);
const rule = (r) => only(r.objects, "Ingress").spec.rules[0];
t.equal([rule(vm1).host, rule(vm2).host], ["lab.example.org", "lab.example.org"], "one host");
t.equal([rule(vm1).http.paths[0].path, rule(vm2).http.paths[0].path], ["/vm1", "/vm2"], "a path each");
t.equal([rule(vm1).http.paths[0].backend.service.name, rule(vm2).http.paths[0].backend.service.name],
  ["vm1-qemu-riscv64", "vm2-qemu-riscv64"], "each path reaches its own Service");
const basePath = (r) => vmSet(r.objects).spec.template.spec.containers[0].env
  .find((e) => e.name === "CONSOLE_BASE_PATH")?.value;
t.equal([basePath(vm1), basePath(vm2)], ["/vm1", "/vm2"], "each console serves under its path");
t.equal(names(vm1).filter((n) => names(vm2).includes(n)), [], "no object name in common");
process.exitCode = t.report("side by side");
