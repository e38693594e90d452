"""Chart: the `helm test` pod's script (from the rendered chart), run against a local stand-in for the console.

    run-pytest.sh test_helm_test_pod.py

test_helm_test_pod  the script must wait (retrying) while /readyz answers 503, pass when the guest is
                    up and the page is served, send the Basic credentials when auth is on, and fail
                    when the page is missing, the credentials are refused or the guest never comes up
                    within bootTimeout. With the front, it then waits for each VM's /readyz through
                    the front, by name; with auth on, the pod reads CONSOLE_AUTH from the console's Secret
"""
import http.server
import os
import shutil
import subprocess
import threading

from chartlib.helm import template
from chartlib.objects import env_of, of_kind
from qemu_riscv64_test.websocket import basic_auth

PAGE = "<!doctype html><html><head><title>vm</title></head><body></body></html>"
# The pod runs the launcher image's static busybox; here a host busybox, or the host's own tools.
BUSYBOX = shutil.which("busybox") or ""


def pod_script(sets, page_file):
    """The test pod's script, made to run here, and its container's env."""
    pod = of_kind(template("myvm", sets).objects, "Pod")[0]
    script = pod["spec"]["containers"][0]["args"][0]
    # The retry pause shortened: the script still counts 5 s per retry against BOOT_TIMEOUT.
    local = script.replace("bb=/bin/busybox", "bb=" + BUSYBOX, 1).replace("/tmp/page", page_file) \
        .replace("$bb sleep 5", "$bb sleep 0.1")
    if local == script:
        raise AssertionError("the test pod's script no longer sets bb=/bin/busybox")
    if "$bb sleep 0.1" not in local:
        raise AssertionError("the test pod's script no longer pauses with $bb sleep 5")
    return local, env_of(pod["spec"]["containers"][0])


class ConsoleStandIn(http.server.ThreadingHTTPServer):
    """/healthz, /readyz (503 for the first `ready_after` probes; never 200 when it is None),
    and / behind Basic auth when `auth` is set; as a front, /<vm>/readyz behind it too, for
    each VM of `vms` (name: ready_after, as for /readyz)."""

    def __init__(self, auth, page, ready_after, vms=None):
        self.auth, self.page, self.ready_after, self.probes = auth, page, ready_after, 0
        self.vms, self.vm_probes = vms or {}, {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self, status, body, headers=()):
                self.send_response(status)
                for header in headers:
                    self.send_header(*header)
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def do_GET(self):
                if self.path == "/healthz":
                    return self.answer(200, "ok")
                if self.path == "/readyz":
                    server.probes += 1
                    if server.ready_after is not None and server.probes > server.ready_after:
                        return self.answer(200, "ready")
                    return self.answer(503, "the guest is not up yet")
                if server.auth and self.headers.get("Authorization") != basic_auth(server.auth):
                    return self.answer(401, "unauthorized", [("WWW-Authenticate", "Basic")])
                vm = self.path[1:-len("/readyz")] if self.path.endswith("/readyz") else None
                if vm in server.vms:
                    server.vm_probes[vm] = server.vm_probes.get(vm, 0) + 1
                    after = server.vms[vm]
                    if after is not None and server.vm_probes[vm] > after:
                        return self.answer(200, "ready")
                    return self.answer(503, "the guest is not up yet")
                if self.path == "/" and server.page:
                    return self.answer(200, server.page)
                return self.answer(404, "not found")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def run_script(server, sets, page_file, client_auth):
    """The test pod's script run here against `server`, with the env its container would have."""
    script, container_env = pod_script(sets, page_file)
    env = {**os.environ, "CONSOLE_URL": "http://127.0.0.1:%d" % server.server_address[1],
           "CONSOLE_AUTH": client_auth or "", "BOOT_TIMEOUT": container_env["BOOT_TIMEOUT"],
           "FLEET_VMS": container_env.get("FLEET_VMS") or ""}
    argv = [BUSYBOX, "sh", "-c", script] if BUSYBOX else ["sh", "-c", script]
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


def scenario(expect, what, page_file, sets=(), server_auth=None, client_auth=None, page=None, passes=True,
             ready_after=0, probes=None, vms=None, vm_probes=None):
    server = ConsoleStandIn(server_auth, page, ready_after, vms)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run = run_script(server, sets, page_file, client_auth)
    finally:
        server.shutdown()
        server.server_close()
    expect.that((run.returncode == 0) == passes, "%s: expected %s, exit %d: %s" % (
        what, "success" if passes else "failure", run.returncode, run.stdout.strip()))
    if probes is not None:
        expect.equal(server.probes, probes, what + ": /readyz probes")
    if vm_probes is not None:
        expect.equal(server.vm_probes, vm_probes, what + ": each VM's /readyz probes through the front")


def check_one_vm(expect, page_file):
    scenario(expect, "the page is served", page_file, page=PAGE)
    scenario(expect, "no page", page_file, passes=False)
    scenario(expect, "the guest comes up after 3 probes", page_file, page=PAGE, ready_after=3, probes=4)
    scenario(expect, "the guest never comes up within bootTimeout=20", page_file, sets=["bootTimeout=20"],
             page=PAGE, passes=False, ready_after=None, probes=5)
    scenario(expect, "auth: the right credentials", page_file, server_auth="admin:Pw0rd", client_auth="admin:Pw0rd",
             page=PAGE)
    scenario(expect, "auth: wrong credentials", page_file, server_auth="admin:Pw0rd", client_auth="admin:other",
             page=PAGE, passes=False)


def check_fleet(expect, page_file):
    fleet = ["replicas=3"]
    names = ["myvm-qemu-riscv64-%d" % i for i in range(3)]
    scenario(expect, "fleet: every VM up through the front", page_file, sets=fleet, server_auth="admin:Pw0rd",
             client_auth="admin:Pw0rd", page=PAGE, vms=dict.fromkeys(names, 0), vm_probes=dict.fromkeys(names, 1))
    scenario(expect, "fleet: the VMs come up one after the other", page_file, sets=fleet, page=PAGE,
             vms={names[0]: 2, names[1]: 0, names[2]: 1}, vm_probes={names[0]: 3, names[1]: 1, names[2]: 2})
    scenario(expect, "fleet: one VM never comes up within bootTimeout=20", page_file,
             sets=[*fleet, "bootTimeout=20"], page=PAGE, vms={names[0]: 0, names[1]: None, names[2]: 0},
             passes=False, vm_probes={names[0]: 1, names[1]: 5})
    scenario(expect, "fleet: a VM the front does not list", page_file, sets=[*fleet, "bootTimeout=20"], page=PAGE,
             vms={names[0]: 0, names[1]: 0}, passes=False, vm_probes={names[0]: 1, names[1]: 1})
    scenario(expect, "one VM: no VM asked through a front", page_file, page=PAGE, vms={names[0]: None},
             vm_probes={})


def test_helm_test_pod(expect, tmp_path):
    page_file = str(tmp_path / "page")
    check_one_vm(expect, page_file)
    check_fleet(expect, page_file)
    auth_env = pod_script(["console.auth.enabled=true"], page_file)[1].get("CONSOLE_AUTH")
    expect.equal((auth_env or {}).get("key"), "auth",
                 "with auth on, the test pod reads CONSOLE_AUTH from the console's Secret")
    print("test-pod: ran with " + (BUSYBOX or "the host's sh and wget (no busybox found)"))
    expect.report("test-pod")
