"""A rendered pod's containers as the kubelet would start them: their env with Secret
references and the pod's own fields resolved (as the VM set's first pod), and Secret volumes
written to a folder."""
import base64
import os

from .objects import container, field_ref, of_kind, pod_spec, vm_set


def pod_env(objects, name, folder):
    """A container's env as the kubelet would set it, Secret references resolved; its Secret
    volumes are written under `folder` and paths into them rewritten to there."""
    secrets = {s["metadata"]["name"]: s.get("data") or {} for s in of_kind(objects, "Secret")}
    spec = pod_spec(objects)
    c = container(spec, name)
    mounts = {}
    for mount in c.get("volumeMounts") or []:
        source = next((v.get("secret") for v in spec["volumes"] if v["name"] == mount["name"]), None)
        if not source:
            continue
        folder_of_mount = os.path.join(folder, mount["name"])
        os.makedirs(folder_of_mount, exist_ok=True)
        for item in source["items"]:
            encoded = secrets.get(source["secretName"], {}).get(item["key"])
            if encoded is None:
                raise AssertionError("volume %s: Secret %s has no %s" % (mount["name"], source["secretName"],
                                                                          item["key"]))
            with open(os.path.join(folder_of_mount, item["path"]), "wb") as out:
                out.write(base64.b64decode(encoded))
        mounts[mount["mountPath"]] = folder_of_mount

    def local(value):
        for mount_path, there in mounts.items():
            if value.startswith(mount_path + "/"):
                return there + value[len(mount_path):]
        return value

    # The fields of the StatefulSet's first pod that the downward API gives.
    fields = {"metadata.name": vm_set(objects)["metadata"]["name"] + "-0"}
    env = {}
    for entry in c["env"]:
        field = field_ref(entry)
        if field:
            env[entry["name"]] = fields[field["field"]]
            continue
        ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
        if not ref:
            env[entry["name"]] = local(entry["value"])
            continue
        encoded = secrets.get(ref["name"], {}).get(ref["key"])
        if encoded is None and not ref.get("optional"):
            raise AssertionError("%s: Secret %s has no %s" % (entry["name"], ref["name"], ref["key"]))
        if encoded is not None:
            env[entry["name"]] = base64.b64decode(encoded).decode("utf-8", errors="replace")
    return env
