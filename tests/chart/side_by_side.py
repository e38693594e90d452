#!/usr/bin/env python3
"""Two releases in one namespace (the second with --set service.port=8081) must not collide:
distinct object names, selectors that pick only their own pod, distinct Service ports; two
releases on one Ingress host, by path, each console under its own path."""
import sys

from chartlib.expect import Expect
from chartlib.helm import template
from chartlib.object_checks import selects
from chartlib.objects import console_service, env_of, only, vm_set


def names(r):
    return ["%s/%s" % (o["kind"], o["metadata"]["name"]) for o in r.objects]


def in_common(a, b):
    return [x for x in a if x in b]


def selector(r):
    return console_service(r.objects)["spec"]["selector"]


def pod_labels(r):
    return vm_set(r.objects)["spec"]["template"]["metadata"]["labels"]


def ports(r):
    return [p["port"] for p in console_service(r.objects)["spec"]["ports"]]


def rule(r):
    return only(r.objects, "Ingress")["spec"]["rules"][0]


def base_path(r):
    return env_of(vm_set(r.objects)["spec"]["template"]["spec"]["containers"][0]).get("CONSOLE_BASE_PATH")


def main():
    t = Expect()
    first = template("myvm", ["console.auth.enabled=true,ssh.enabled=true,persistence.enabled=true"])
    second = template("myvm2", ["service.port=8081,console.auth.enabled=true,ssh.enabled=true,ssh.port=2223,"
                                "persistence.enabled=true"])
    t.that(first.status == 0 and second.status == 0, "both render: " + first.stderr + second.stderr)
    t.equal(in_common(names(first), names(second)), [], "no object name in common")
    t.that(len(names(first)) >= 5, "the first release renders its objects: %s" % names(first))
    t.that(not selects(selector(first), pod_labels(second)), "the first Service does not select the second pod")
    t.that(not selects(selector(second), pod_labels(first)), "the second Service does not select the first pod")
    t.equal(in_common(ports(first), ports(second)), [], "no Service port in common (shared LoadBalancer host)")

    # Two releases on one Ingress host, by path: each console serves under its own path.
    vm1, vm2 = (template(release, ["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/" + release])
                for release in ("vm1", "vm2"))
    t.that(vm1.status == 0 and vm2.status == 0, "both Ingress releases render: " + vm1.stderr + vm2.stderr)
    t.equal([rule(vm1).get("host"), rule(vm2).get("host")], ["lab.example.org", "lab.example.org"], "one host")
    t.equal([rule(vm1)["http"]["paths"][0]["path"], rule(vm2)["http"]["paths"][0]["path"]], ["/vm1", "/vm2"],
            "a path each")
    t.equal([r["http"]["paths"][0]["backend"]["service"]["name"] for r in (rule(vm1), rule(vm2))],
            ["vm1-qemu-riscv64", "vm2-qemu-riscv64"], "each path reaches its own Service")
    t.equal([base_path(vm1), base_path(vm2)], ["/vm1", "/vm2"], "each console serves under its path")
    t.equal(in_common(names(vm1), names(vm2)), [], "no object name in common")
    return t.report("side by side")


if __name__ == "__main__":
    sys.exit(main())
