"""A Kubernetes API stand-in for helm's `lookup`: discovery for the chart's kinds and GET of
the objects it is given (Secrets, Namespaces, Deployments, StatefulSets), 404 for everything else.
Listens on 127.0.0.1, a free port, in a thread of its own."""
import base64
import http.server
import json
import os
import shutil
import tempfile
import threading


def resource(name, kind, namespaced=True):
    return {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
            "verbs": ["get", "list"]}


def group(name):
    version = {"groupVersion": name + "/v1", "version": "v1"}
    return {"name": name, "versions": [version], "preferredVersion": version}


DISCOVERY = {
    "/version": {"major": "1", "minor": "34", "gitVersion": "v1.34.0", "platform": "linux/amd64"},
    "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [group("apps"), group("networking.k8s.io")]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        resource("secrets", "Secret"), resource("services", "Service"), resource("pods", "Pod"),
        resource("persistentvolumeclaims", "PersistentVolumeClaim"),
        resource("serviceaccounts", "ServiceAccount"), resource("namespaces", "Namespace", False)]},
    "/apis/apps/v1": {"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
        resource("deployments", "Deployment"), resource("statefulsets", "StatefulSet")]},
    "/apis/networking.k8s.io/v1": {"kind": "APIResourceList", "groupVersion": "networking.k8s.io/v1", "resources": [
        resource("ingresses", "Ingress"), resource("networkpolicies", "NetworkPolicy")]},
}
NOT_FOUND = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}


def release_metadata(namespace_name, release, name):
    """The metadata of an object helm made for a release: its ownership labels and annotations."""
    return {"name": name, "namespace": namespace_name, "labels": {"app.kubernetes.io/managed-by": "Helm"},
            "annotations": {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace_name}}


def release_secret(namespace_name, release, name, data):
    """A Secret as helm left it in an earlier release."""
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return {"kind": "Secret", "apiVersion": "v1", "type": "Opaque", "data": encoded,
            "metadata": release_metadata(namespace_name, release, name)}


def namespace(name, labels=None):
    """A Namespace with labels (Pod Security's among them)."""
    return {"kind": "Namespace", "apiVersion": "v1",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name, **(labels or {})}}}


def release_deployment(namespace_name, name, release=None):
    """The release's Deployment as the chart rendered it before the StatefulSet, or (release
    given) a Deployment of this chart's release, such as its front."""
    metadata = release_metadata(namespace_name, release, name) if release else {"name": name,
                                                                               "namespace": namespace_name}
    return {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": metadata, "spec": {"replicas": 1}}


def release_statefulset(namespace_name, release, name, claim_templates=None):
    """The release's StatefulSet as an earlier release left it: its selector and, for a fleet
    with persistence, its claim templates as the API server stores them (defaults filled in)."""
    spec = {"replicas": 1, "serviceName": name + "-headless", "selector": {"matchLabels": {
        "app.kubernetes.io/name": "qemu-riscv64", "app.kubernetes.io/instance": release,
        "app.kubernetes.io/component": "vm"}}}
    if claim_templates:
        spec["volumeClaimTemplates"] = [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                         "metadata": {"name": "data", **claim.pop("metadata", {})},
                                         "spec": {"volumeMode": "Filesystem", **claim},
                                         "status": {"phase": "Pending"}} for claim in claim_templates]
    return {"kind": "StatefulSet", "apiVersion": "apps/v1", "spec": spec,
            "metadata": release_metadata(namespace_name, release, name)}


def object_path(o):
    """Where the API serves an object."""
    if o["kind"] == "Namespace":
        return "/api/v1/namespaces/" + o["metadata"]["name"]
    prefix = "/api/v1" if o["apiVersion"] == "v1" else "/apis/" + o["apiVersion"]
    return "%s/namespaces/%s/%ss/%s" % (prefix, o["metadata"]["namespace"], o["kind"].lower(), o["metadata"]["name"])


class FakeApi:
    """`with FakeApi(served) as api:` serves `served` while the block runs; api.kubeconfig points helm at it."""

    def __init__(self, served):
        self.objects = {**DISCOVERY, **{object_path(o): o for o in served}}

    def __enter__(self):
        objects = self.objects

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = objects.get(self.path.split("?")[0])
                data = json.dumps(body or NOT_FOUND).encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.folder = tempfile.mkdtemp(prefix="chart-fake-api-")
        self.kubeconfig = os.path.join(self.folder, "kubeconfig")
        with open(self.kubeconfig, "w", encoding="utf-8") as config:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "fake",
                       "clusters": [{"name": "fake", "cluster": {
                           "server": "http://127.0.0.1:%d" % self.server.server_address[1]}}],
                       "users": [{"name": "fake", "user": {}}],
                       "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}]}, config)
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)
