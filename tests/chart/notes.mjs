// NOTES.txt, as `helm install --dry-run=client` prints it: how to open the console for each
// service type (minikube tunnel included), and the notes of auth, read-only, ssh and persistence.
import { Expect } from "./lib/expect.mjs";
import { chartDir, runHelm } from "./lib/helm.mjs";

const t = new Expect();

function notes(sets) {
  const args = ["install", "myvm", chartDir, "--dry-run=client", "--namespace", "vms"];
  for (const set of sets) args.push("--set", set);
  const result = runHelm(args);
  t.that(result.status === 0, `helm install --dry-run ${sets.join(" ")}: ${result.stderr.trim()}`);
  const at = result.stdout.indexOf("NOTES:");
  return at < 0 ? "" : result.stdout.slice(at);
}

function expectIn(text, snippets, what) {
  for (const snippet of snippets) t.that(text.includes(snippet), `${what}: the notes must say '${snippet}'`);
}

expectIn(notes([]), ["minikube tunnel", "http://localhost:8080", "kubectl get svc -n vms myvm-qemu-riscv64",
  "kubectl logs -n vms pod/myvm-qemu-riscv64-0 -c launcher", "--set service.port=8081", "helm test -n vms myvm"],
"LoadBalancer");
expectIn(notes(["service.port=8081"]), ["http://localhost:8081", "--set service.port=8082"], "port 8081");
expectIn(notes(["service.type=NodePort"]), ["{.spec.ports[?(@.name==\"http\")].nodePort}", "minikube service -n vms myvm-qemu-riscv64 --url"],
  "NodePort");
expectIn(notes(["service.type=ClusterIP"]), ["kubectl port-forward -n vms svc/myvm-qemu-riscv64 8080:8080"], "ClusterIP");
for (const type of ["LoadBalancer", "NodePort", "ClusterIP"]) {
  expectIn(notes([`service.type=${type}`]), ["kubectl port-forward -n vms svc/myvm-qemu-riscv64 8080:8080",
    "http://localhost:8080/", "kubectl wait -n vms --for=condition=Ready pod"], `port-forward on a ${type}`);
}
expectIn(notes([]), ["user: admin",
  "kubectl get secret -n vms myvm-qemu-riscv64-console-auth -o jsonpath='{.data.password}' | base64 -d"], "auth by default");
expectIn(notes(["console.auth.enabled=false"]), ["WARNING: console.auth.enabled=false: anyone who reaches the Service gets a root shell"],
  "auth off");
t.that(!notes([]).includes("WARNING"), "no warning with auth on");
expectIn(notes(["console.auth.enabled=false,service.type=NodePort"]),
  ["any other address answers 403 \"host not allowed\"", "--set 'console.allowHosts={ADDRESS}'"], "auth off: the value to add");
t.that(!notes([]).includes("console.allowHosts"), "auth on: no allowHosts advice (any Host is served after the credentials)");
// The wait matches the VM pod only, not the helm test pod; --wait's traps are named.
expectIn(notes([]), ["pod -l app.kubernetes.io/instance=myvm,app.kubernetes.io/component=vm --timeout=600s",
  "`helm install --wait` also waits for the LoadBalancer's address", "--timeout 660s"], "the wait");
t.that(!notes(["service.type=NodePort"]).includes("LoadBalancer's address"), "NodePort: no LoadBalancer wait note");
expectIn(notes(["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/vm1"]),
  ["http://lab.example.org/vm1", "http://localhost:8080/vm1/"], "base path");
expectIn(notes(["persistence.enabled=true"]), ["helm uninstall keeps the claim", "kubectl delete pvc -n vms myvm-qemu-riscv64-data"],
  "kept claim");
expectIn(notes(["console.auth.enabled=true"]), ["user: admin",
  "kubectl get secret -n vms myvm-qemu-riscv64-console-auth -o jsonpath='{.data.password}' | base64 -d"], "auth");
expectIn(notes(["console.auth.enabled=true,console.auth.existingSecret=login"]), ["key auth of Secret login"], "existing auth");
expectIn(notes(["console.readOnly=true"]), ["read-only"], "read-only");
expectIn(notes(["ssh.enabled=true,ssh.port=2200"]), ["ssh -p 2200"], "ssh");
expectIn(notes(["ssh.enabled=true,service.type=NodePort"]), ["{.spec.ports[?(@.name==\"ssh\")].nodePort}"], "ssh on a NodePort");
expectIn(notes(["ssh.enabled=true,service.type=ClusterIP"]), ["svc/myvm-qemu-riscv64 2222:22", "ssh -p 2222 USER@localhost"], "ssh on a ClusterIP");
expectIn(notes(["persistence.enabled=true"]), ["PersistentVolumeClaim myvm-qemu-riscv64-data"], "persistence");
expectIn(notes(["ingress.enabled=true,ingress.host=vm.example.org"]), ["http://vm.example.org/"], "ingress");
t.that(!notes([]).includes("read-only"), "no read-only note by default");
process.exitCode = t.report("notes");
