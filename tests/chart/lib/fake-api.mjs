// A Kubernetes API stand-in for helm's `lookup`: discovery for the chart's kinds and
// GET of the Secrets and Namespaces it is given, 404 for everything else. Listens on 127.0.0.1, port 0.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const resource = (name, kind, namespaced = true) => ({ name, singularName: kind.toLowerCase(), namespaced, kind,
  verbs: ["get", "list"] });
const group = (name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
  preferredVersion: { groupVersion: `${name}/v1`, version: "v1" } });

const DISCOVERY = {
  "/version": { major: "1", minor: "34", gitVersion: "v1.34.0", platform: "linux/amd64" },
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
  "/apis": { kind: "APIGroupList", apiVersion: "v1", groups: [group("apps"), group("networking.k8s.io")] },
  "/api/v1": { kind: "APIResourceList", groupVersion: "v1", resources: [resource("secrets", "Secret"),
    resource("services", "Service"), resource("pods", "Pod"), resource("persistentvolumeclaims", "PersistentVolumeClaim"),
    resource("serviceaccounts", "ServiceAccount"), resource("namespaces", "Namespace", false)] },
  "/apis/apps/v1": { kind: "APIResourceList", groupVersion: "apps/v1", resources: [resource("deployments", "Deployment"),
    resource("statefulsets", "StatefulSet")] },
  "/apis/networking.k8s.io/v1": { kind: "APIResourceList", groupVersion: "networking.k8s.io/v1",
    resources: [resource("ingresses", "Ingress"), resource("networkpolicies", "NetworkPolicy")] },
};

// A Secret as helm left it in an earlier release (its ownership labels and annotations included).
export function releaseSecret(namespace, release, name, data) {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  return { kind: "Secret", apiVersion: "v1", type: "Opaque", data: encoded, metadata: { name, namespace,
    labels: { "app.kubernetes.io/managed-by": "Helm" },
    annotations: { "meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace } } };
}

// A Namespace with labels (Pod Security's among them).
export function namespace(name, labels = {}) {
  return { kind: "Namespace", apiVersion: "v1", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } } };
}

// The release's Deployment as the chart rendered it before the StatefulSet.
export function releaseDeployment(namespace, name) {
  return { kind: "Deployment", apiVersion: "apps/v1", metadata: { name, namespace }, spec: { replicas: 1 } };
}

// Where the API serves an object of the stand-in.
function objectPath(o) {
  if (o.kind === "Namespace") return `/api/v1/namespaces/${o.metadata.name}`;
  const prefix = o.apiVersion === "v1" ? "/api/v1" : `/apis/${o.apiVersion}`;
  return `${prefix}/namespaces/${o.metadata.namespace}/${o.kind.toLowerCase()}s/${o.metadata.name}`;
}

// Starts the stand-in serving `served` (Secrets, Namespaces, Deployments); resolves to {kubeconfig, close()}.
export function startFakeApi(served) {
  const objects = { ...DISCOVERY };
  for (const o of served) objects[objectPath(o)] = o;
  const server = createServer((req, res) => {
    const body = objects[req.url.split("?")[0]];
    res.setHeader("Content-Type", "application/json");
    if (!body) res.writeHead(404);
    res.end(JSON.stringify(body ?? { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const dir = mkdtempSync(join(tmpdir(), "chart-fake-api-"));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, JSON.stringify({ apiVersion: "v1", kind: "Config", "current-context": "fake",
      clusters: [{ name: "fake", cluster: { server: `http://127.0.0.1:${server.address().port}` } }],
      users: [{ name: "fake", user: {} }], contexts: [{ name: "fake", context: { cluster: "fake", user: "fake" } }] }));
    resolve({ kubeconfig, close: () => { server.close(); rmSync(dir, { recursive: true, force: true }); } });
  }));
}
