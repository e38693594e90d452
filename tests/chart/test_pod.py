#!/usr/bin/env python3
"""Runs the `helm test` pod's script (from the rendered chart) against a local stand-in for the
console: it must wait (retrying) while /readyz answers 503, pass when the guest is up and the
page is served, send the Basic credentials when auth is on, and fail when the page is missing,
the credentials are refused or the guest never comes up within bootTimeout."""
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from chartlib.expect import Expect
from chartlib.helm import template
from chartlib.objects import env_of, of_kind
from qemu_riscv64_test.websocket import basic_auth

PAGE = "<!doctype html><html><head><title>vm</title></head><body></body></html>"
# The pod runs the launcher image's static busybox; here a host busybox, or the host's own tools.
BUSYBOX = shutil.which("busybox") or ""
t = Expect()


def test_pod_script(sets, page_file):
    """The test pod's script, made to run here, and its container's env."""
    pod = of_kind(template("myvm", sets).objects, "Pod")[0]
    script = pod["spec"]["containers"][0]["args"][0]
    # The retry pause shortened: the script still counts 5 s per retry against BOOT_TIMEOUT.
    local = script.replace("bb=/bin/busybox", "bb=" + BUSYBOX, 1).replace("/tmp/page", page_file) \
        .replace("$bb sleep 5", "$bb sleep 0.1", 1)
    if local == script:
        raise AssertionError("the test pod's script no longer sets bb=/bin/busybox")
    if "$bb sleep 0.1" not in local:
        raise AssertionError("the test pod's script no longer pauses with $bb sleep 5")
    return local, env_of(pod["spec"]["containers"][0])


class ConsoleStandIn(http.server.ThreadingHTTPServer):
    """/healthz, /readyz (503 for the first `ready_after` probes; never 200 when it is None),
    and / behind Basic auth when `auth` is set."""

    def __init__(self, auth, page, ready_after):
        self.auth, self.page, self.ready_after, self.probes = auth, page, ready_after, 0
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
                if self.path == "/" and server.page:
                    return self.answer(200, server.page)
                return self.answer(404, "not found")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def scenario(what, page_file, sets=(), server_auth=None, client_auth=None, page=None, passes=True, ready_after=0,
             probes=None):
    server = ConsoleStandIn(server_auth, page, ready_after)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script, container_env = test_pod_script(sets, page_file)
    env = {**os.environ, "CONSOLE_URL": "http://127.0.0.1:%d" % server.server_address[1],
           "CONSOLE_AUTH": client_auth or "", "BOOT_TIMEOUT": container_env["BOOT_TIMEOUT"]}
    argv = [BUSYBOX, "sh", "-c", script] if BUSYBOX else ["sh", "-c", script]
    run = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    server.shutdown()
    server.server_close()
    t.that((run.returncode == 0) == passes, "%s: expected %s, exit %d: %s" % (
        what, "success" if passes else "failure", run.returncode, run.stdout.strip()))
    if probes is not None:
        t.equal(server.probes, probes, what + ": /readyz probes")


def main(folder):
    page_file = os.path.join(folder, "page")
    scenario("the page is served", page_file, page=PAGE)
    scenario("no page", page_file, passes=False)
    scenario("the guest comes up after 3 probes", page_file, page=PAGE, ready_after=3, probes=4)
    scenario("the guest never comes up within bootTimeout=20", page_file, sets=["bootTimeout=20"], page=PAGE,
             passes=False, ready_after=None, probes=5)
    scenario("auth: the right credentials", page_file, server_auth="admin:Pw0rd", client_auth="admin:Pw0rd", page=PAGE)
    scenario("auth: wrong credentials", page_file, server_auth="admin:Pw0rd", client_auth="admin:other", page=PAGE,
             passes=False)
    auth_env = test_pod_script(["console.auth.enabled=true"], page_file)[1].get("CONSOLE_AUTH")
    t.equal((auth_env or {}).get("key"), "auth",
            "with auth on, the test pod reads CONSOLE_AUTH from the console's Secret")
    print("test-pod: ran with " + (BUSYBOX or "the host's sh and wget (no busybox found)"))
    return t.report("test-pod")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="chart-test-pod-") as work:
        sys.exit(main(work))
