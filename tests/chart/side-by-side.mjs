// Two releases in one namespace (the second with --set service.port=8081) must not collide:
// distinct object names, selectors that pick only their own pod, distinct Service ports.
import { Expect } from "./lib/expect.mjs";
import { template } from "./lib/helm.mjs";
import { only } from "./lib/objects.mjs";

const t = new Expect();
const first = template("myvm", ["console.auth.enabled=true,ssh.enabled=true,persistence.enabled=true"]);
const second = template("myvm2", ["service.port=8081,console.auth.enabled=true,ssh.enabled=true,ssh.port=2223,persistence.enabled=true"]);
t.that(first.status === 0 && second.status === 0, `both render: ${first.stderr}${second.stderr}`);
const names = (r) => r.objects.map((o) => `${o.kind}/${o.metadata.name}`);
t.equal(names(first).filter((n) => names(second).includes(n)), [], "no object name in common");
t.that(names(first).length >= 5, `the first release renders its objects: ${names(first)}`);
const selector = (r) => only(r.objects, "Service").spec.selector;
const podLabels = (r) => only(r.objects, "Deployment").spec.template.metadata.labels;
const selects = (sel, labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);
t.that(!selects(selector(first), podLabels(second)), "the first Service does not select the second pod");
t.that(!selects(selector(second), podLabels(first)), "the second Service does not select the first pod");
const ports = (r) => only(r.objects, "Service").spec.ports.map((p) => p.port);
t.equal(ports(first).filter((p) => ports(second).includes(p)), [], "no Service port in common (shared LoadBalancer host)");
process.exitCode = t.report("side by side");
