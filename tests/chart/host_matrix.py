#!/usr/bin/env python3
"""Which address opens the console: the real console started with the env the chart renders,
asked for its page at every address form NOTES print (and a DNS-rebinding attacker's), with
auth on (the default) and off. With auth on, every address serves the page after the
credentials and none without them; with auth off, only the names the console knows, and
an address NOTES print works once console.allowHosts names it. The table is printed, and
must be the one in the chart README (--write puts it there).

    host_matrix.py --console PATH [--write]
"""
import argparse
import os
import subprocess
import sys
import tempfile

from chartlib.expect import Expect
from chartlib.helm import CHART_DIR, template
from chartlib.pod_console import get, running_console
from chartlib.pod_env import pod_env
from qemu_riscv64_test.processes import free_port

# (address form, where NOTES print it, the Host header a browser sends there)
ADDRESSES = [
    ("localhost (port-forward, Docker Desktop)", "every type", "localhost:8080"),
    ("LoadBalancer IP", "LoadBalancer", "203.0.113.10:8080"),
    ("LoadBalancer host name", "LoadBalancer", "a1b2.elb.example.com:8080"),
    ("node IP and node port", "NodePort", "172.18.0.2:30080"),
    ("Service name, from another pod", "every type (helm test)", "myvm-qemu-riscv64:8080"),
    ("Ingress with ingress.host", "ingress.enabled", "lab.example.org"),
    ("Ingress without a host (its address)", "ingress.enabled", "198.51.100.7"),
    ("a rebinding page's own name", "(an attacker)", "rebound.attacker.example:8080"),
]
FOREIGN = ["203.0.113.10", "a1b2.elb.example.com", "172.18.0.2", "198.51.100.7"]
BEGIN = "<!-- host-matrix begin -->\n"
END = "\n<!-- host-matrix end -->"


def ask_console(t, binary, sets, ask):
    """The console with the env `sets` render; calls ask(port, auth) while it runs."""
    rendered = template("myvm", ["ingress.enabled=true,ingress.host=lab.example.org", *sets])
    if not t.that(rendered.status == 0, "helm template %s: %s" % (sets, rendered.stderr)):
        return
    with tempfile.TemporaryDirectory(prefix="chart-hosts-") as folder:
        port = free_port()
        env = {**pod_env(rendered.objects, "console", folder), "PATH": os.environ["PATH"],
               "CONSOLE_LISTEN": "127.0.0.1:%d" % port, "CONSOLE_TELNET": "127.0.0.1:%d" % free_port()}
        auth = None
        if env.get("CONSOLE_AUTH_FILE"):
            with open(env["CONSOLE_AUTH_FILE"], encoding="utf-8") as given:
                auth = given.read().strip()
        with running_console(binary, env, port, stdout=subprocess.DEVNULL):
            ask(port, auth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--console", required=True)
    parser.add_argument("--write", action="store_true")
    opts = parser.parse_args()
    t = Expect()
    results = [[] for _ in ADDRESSES]

    def auth_on(port, auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i] += [get(port, "/", host=host), get(port, "/", auth, host=host)]
            t.equal(results[i][0], 401, "auth on, %s, no credentials: asked for them" % host)
            t.equal(results[i][1], 200, "auth on, %s, the credentials: the page" % host)
            t.equal(get(port, "/ws", host=host), 401, "auth on, %s: no WebSocket without the credentials" % host)

    def auth_off(port, _auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i].append(get(port, "/", host=host))
            known = not any(host.startswith(name) for name in FOREIGN) and not host.startswith("rebound.")
            t.equal(results[i][2], 200 if known else 403,
                    "auth off, %s: %s" % (host, "a known name" if known else "refused"))

    def allowed(port, _auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i].append(get(port, "/", host=host))
            t.equal(results[i][3], 403 if host.startswith("rebound.") else 200,
                    "auth off with console.allowHosts, " + host)

    ask_console(t, opts.console, [], auth_on)
    ask_console(t, opts.console, ["console.auth.enabled=false"], auth_off)
    ask_console(t, opts.console, ["console.auth.enabled=false", "console.allowHosts={%s}" % ",".join(FOREIGN)],
                allowed)

    table = "\n".join([
        "| address | NOTES print it for | Host | auth on, no credentials | auth on, credentials | auth off "
        "| auth off, the address in `console.allowHosts` |",
        "|---|---|---|---|---|---|---|",
        *("| %s | %s | `%s` | %s |" % (what, where, host, " | ".join(map(str, found)))
          for (what, where, host), found in zip(ADDRESSES, results, strict=True))])
    print(table)
    readme_path = os.path.join(CHART_DIR, "README.md")
    with open(readme_path, encoding="utf-8") as given:
        readme = given.read()
    start, end = readme.find(BEGIN), readme.find(END)
    if t.that(start >= 0 and end > start, "the chart README has the host-matrix markers"):
        if opts.write:
            with open(readme_path, "w", encoding="utf-8") as out:
                out.write(readme[:start + len(BEGIN)] + table + readme[end:])
        else:
            t.equal(readme[start + len(BEGIN):end], table,
                    "the chart README's Host table is the one measured (--write updates it)")
    return t.report("host-matrix")


if __name__ == "__main__":
    sys.exit(main())
