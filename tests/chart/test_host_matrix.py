"""Chart: which address opens the console, measured with the real console.

    run-pytest.sh test_host_matrix.py --console BIN [--write-host-matrix]

test_host_matrix  the console started with the env the chart renders, asked for its page at every
                  address form NOTES print (and a DNS-rebinding attacker's), with auth on (the
                  default) and off. With auth on, every address serves the page after the
                  credentials and none without them; with auth off, only the names the console
                  knows, and an address NOTES print works once console.allowHosts names it. The
                  table is printed, and must be the one in the chart README (--write-host-matrix
                  puts it there)
"""
import os
import subprocess

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
README = os.path.join(CHART_DIR, "README.md")


def ask_console(expect, binary, folder, sets, ask):
    """The console with the env `sets` render (its Secret files under `folder`); calls ask(port, auth)
    while it runs."""
    rendered = template("myvm", ["ingress.enabled=true,ingress.host=lab.example.org", *sets])
    if not expect.that(rendered.status == 0, "helm template %s: %s" % (sets, rendered.stderr)):
        return
    folder.mkdir()
    port = free_port()
    env = {**pod_env(rendered.objects, "console", str(folder)), "PATH": os.environ["PATH"],
           "CONSOLE_LISTEN": "127.0.0.1:%d" % port, "CONSOLE_TELNET": "127.0.0.1:%d" % free_port()}
    auth = None
    if env.get("CONSOLE_AUTH_FILE"):
        with open(env["CONSOLE_AUTH_FILE"], encoding="utf-8") as given:
            auth = given.read().strip()
    with running_console(binary, env, port, stdout=subprocess.DEVNULL):
        ask(port, auth)


def auth_on(expect, results):
    def ask(port, auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i] += [get(port, "/", host=host), get(port, "/", auth, host=host)]
            expect.equal(results[i][0], 401, "auth on, %s, no credentials: asked for them" % host)
            expect.equal(results[i][1], 200, "auth on, %s, the credentials: the page" % host)
            expect.equal(get(port, "/ws", host=host), 401, "auth on, %s: no WebSocket without the credentials" % host)
    return ask


def auth_off(expect, results):
    def ask(port, _auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i].append(get(port, "/", host=host))
            known = not any(host.startswith(name) for name in FOREIGN) and not host.startswith("rebound.")
            expect.equal(results[i][2], 200 if known else 403,
                         "auth off, %s: %s" % (host, "a known name" if known else "refused"))
    return ask


def allowed(expect, results):
    def ask(port, _auth):
        for i, (_, _, host) in enumerate(ADDRESSES):
            results[i].append(get(port, "/", host=host))
            expect.equal(results[i][3], 403 if host.startswith("rebound.") else 200,
                         "auth off with console.allowHosts, " + host)
    return ask


def markdown_table(results):
    return "\n".join([
        "| address | NOTES print it for | Host | auth on, no credentials | auth on, credentials | auth off "
        "| auth off, the address in `console.allowHosts` |",
        "|---|---|---|---|---|---|---|",
        *("| %s | %s | `%s` | %s |" % (what, where, host, " | ".join(map(str, found)))
          for (what, where, host), found in zip(ADDRESSES, results, strict=True))])


def check_readme(expect, table, write):
    """The README's table is the one measured; with `write`, it is put there instead."""
    with open(README, encoding="utf-8") as given:
        readme = given.read()
    start, end = readme.find(BEGIN), readme.find(END)
    if expect.that(start >= 0 and end > start, "the chart README has the host-matrix markers"):
        if write:
            with open(README, "w", encoding="utf-8") as out:
                out.write(readme[:start + len(BEGIN)] + table + readme[end:])
        else:
            expect.equal(readme[start + len(BEGIN):end], table,
                         "the chart README's Host table is the one measured (--write-host-matrix updates it)")


def test_host_matrix(expect, console_binary, tmp_path, pytestconfig):
    results = [[] for _ in ADDRESSES]
    ask_console(expect, console_binary, tmp_path / "auth-on", [], auth_on(expect, results))
    ask_console(expect, console_binary, tmp_path / "auth-off", ["console.auth.enabled=false"],
                auth_off(expect, results))
    ask_console(expect, console_binary, tmp_path / "allowed",
                ["console.auth.enabled=false", "console.allowHosts={%s}" % ",".join(FOREIGN)],
                allowed(expect, results))
    table = markdown_table(results)
    print(table)
    check_readme(expect, table, pytestconfig.getoption("write_host_matrix"))
    expect.report("host-matrix")
