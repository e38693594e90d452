"""The chart's pod as `helm template` renders it, played with `podman kube play`.

Only what this machine needs is changed in the rendered text, each change
checked to apply exactly once:
- the StatefulSet played as a Deployment of the same pod template (podman 4.3's
  kube play knows no StatefulSet; one replica either way);
- restartPolicy OnFailure (podman 4.3 loops on init containers under Always);
- the console's and the telnet's ports, since `--network host` shares the
  host's ports with every other test running here (the console dials the
  launcher's unix socket in the pod's runtime emptyDir, as in a cluster);
- no `ports:` lists: podman 4.3 turns them into host port mappings, which it
  refuses on the host network (where every listener is reachable anyway).
Taking the pod down, SIGTERM is followed by the rendered grace period, as the
kubelet does: podman 4.3's `kube down` alone ends a hibernating launcher's save
(measured: the next pod found no saved state), so `podman pod stop -t` comes first.
"""
import re
import subprocess
import tempfile
import os

CONSOLE_LISTEN = 'value: "0.0.0.0:8080"'
LAUNCHER_TELNET = '- name: VM_TELNET_PORT\n              value: "10023"'
POD_PORTS = '- name: VM_POD_PORTS\n              value: "8080"'  # passt mode only


def render(helm, chart, release, values):
    """Returns the documents of `helm template` as a list of YAML texts."""
    argv = [helm, "template", release, chart]
    for key, value in values.items():
        argv += ["--set-string" if isinstance(value, str) else "--set", f"{key}={value}"]
    text = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return [doc for doc in re.split(r"^---\s*$", text, flags=re.M) if doc.strip()]


def kind_of(doc):
    match = re.search(r"^kind:\s*(\S+)", doc, flags=re.M)
    return match.group(1) if match else ""


def replace_once(text, old, new):
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"rendered StatefulSet has {count} copies of {old!r}, expected 1")
    return text.replace(old, new)


def drop_port_lists(doc):
    """Removes every `ports:` list (the line and the deeper-indented lines under it)."""
    kept, skip_deeper_than = [], None
    for line in doc.split("\n"):
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None and (indent > skip_deeper_than or
                                             line.lstrip().startswith("- ") and indent == skip_deeper_than):
            continue
        skip_deeper_than = None
        if line.strip() == "ports:":
            skip_deeper_than = indent
            continue
        kept.append(line)
    return "\n".join(kept)


# The StatefulSet's own fields, which a Deployment has not.
STATEFULSET_ONLY = re.compile(r"^  (serviceName: .*|updateStrategy:\n    type: RollingUpdate)\n", flags=re.M)


def adapt_statefulset(doc, http_port, telnet_port):
    doc = replace_once(doc, "\nkind: StatefulSet\n", "\nkind: Deployment\n")
    doc, dropped = STATEFULSET_ONLY.subn("", doc)
    if dropped != 2:
        raise AssertionError(f"rendered StatefulSet: {dropped} of serviceName and updateStrategy found, expected 2")
    if "ports:" not in doc:
        raise AssertionError("rendered StatefulSet has no ports: the console's port 8080 is missing")
    doc = drop_port_lists(doc)
    doc = replace_once(doc, "\n    spec:\n", "\n    spec:\n      restartPolicy: OnFailure\n")
    doc = replace_once(doc, CONSOLE_LISTEN, f'value: "127.0.0.1:{http_port}"')
    if POD_PORTS in doc:
        doc = replace_once(doc, POD_PORTS, POD_PORTS.replace('"8080"', f'"{http_port}"'))
    return replace_once(doc, LAUNCHER_TELNET,
                        LAUNCHER_TELNET.replace('"10023"', f'"{telnet_port}"'))


class RenderedPod:
    """Plays the rendered StatefulSet's pod (and its Secrets) and takes it down again."""

    def __init__(self, docs, http_port, telnet_port, quiet=False):
        # quiet: podman's own output (pod and container IDs) goes nowhere.
        self.podman_output = subprocess.DEVNULL if quiet else None
        kept = []
        for doc in docs:
            if kind_of(doc) == "StatefulSet":
                kept.append(adapt_statefulset(doc, http_port, telnet_port))
            elif kind_of(doc) == "Secret":
                kept.append(doc)
        if not any(kind_of(doc) == "Deployment" for doc in kept):
            raise AssertionError("helm template rendered no StatefulSet")
        deployment = next(doc for doc in kept if kind_of(doc) == "Deployment")
        self.name = re.search(r"^  name:\s*(\S+)", deployment, flags=re.M).group(1)
        # podman 4.3 makes each emptyDir a volume named as the pod's volume, which
        # `kube down` leaves behind: a stale "data" would hold the last guest.
        self.empty_dirs = re.findall(r"- name:\s*(\S+)\n\s+emptyDir:", deployment)
        self.grace_seconds = int(re.search(r"terminationGracePeriodSeconds:\s*(\d+)", deployment).group(1))
        claim = re.search(r"claimName:\s*(\S+)", "".join(kept))
        self.claim = claim.group(1) if claim else None
        handle, self.path = tempfile.mkstemp(prefix="rendered-pod-", suffix=".yaml")
        with os.fdopen(handle, "w") as out:
            out.write("\n---\n".join(kept))

    def remove_empty_dirs(self):
        # Without -f: a volume another running pod uses stays.
        subprocess.run(["podman", "volume", "rm", *self.empty_dirs],
                       check=False, capture_output=True)

    def play(self):
        self.remove_empty_dirs()
        subprocess.run(["podman", "kube", "play", "--network", "host", self.path], check=True,
                       stdout=self.podman_output)

    def down(self):
        # podman names the Deployment's pod NAME-pod-0.
        subprocess.run(["podman", "pod", "stop", "-t", str(self.grace_seconds), f"{self.name}-pod-0"],
                       check=False, stdout=self.podman_output)
        subprocess.run(["podman", "kube", "down", self.path], check=False, stdout=self.podman_output)
        self.remove_empty_dirs()

    def diagnostics(self):
        """Lists the pod's containers and prints their logs (for a failed test)."""
        # podman names the Deployment's pod NAME-pod-0 and its containers POD-CONTAINER.
        subprocess.run(["podman", "ps", "-a", "--pod", "--filter", f"name={self.name}"], check=False)
        listing = subprocess.run(["podman", "ps", "-a", "--format", "{{.Names}}",
                                  "--filter", f"name={self.name}"],
                                 capture_output=True, text=True, check=False).stdout
        for container in listing.split():
            print(f"--- logs of {container}")
            subprocess.run(["podman", "logs", "--tail", "60", container], check=False)

    def launcher_log(self):
        """What the launcher container printed so far: the guest's serial console
        (its stdout), then the launcher's own lines (its stderr)."""
        listing = subprocess.run(["podman", "ps", "-a", "--format", "{{.Names}}", "--filter", f"name={self.name}"],
                                 capture_output=True, text=True, check=False).stdout.split()
        names = [name for name in listing if name.endswith("-launcher")]
        if not names:
            return ""  # not created yet
        if len(names) != 1:
            raise AssertionError(f"expected one launcher container of {self.name}, found {listing}")
        log = subprocess.run(["podman", "logs", names[0]], capture_output=True, text=True,
                             errors="replace", check=False)
        return log.stdout + log.stderr

    def remove(self):
        self.down()
        if self.claim:
            subprocess.run(["podman", "volume", "rm", "-f", self.claim], check=False, stdout=self.podman_output)
        os.unlink(self.path)
