"""Chart: two releases side by side must not collide.

    run-pytest.sh test_side_by_side.py

test_side_by_side  two releases in one namespace (the second with --set service.port=8081): distinct
                   object names, selectors that pick only their own pod, distinct Service ports; two
                   releases on one Ingress host, by path, each console under its own path
"""
from chartlib.helm import template
from chartlib.object_checks import selects
from chartlib.objects import console_service, env_of, only, vm_set


def names(rendered):
    return ["%s/%s" % (o["kind"], o["metadata"]["name"]) for o in rendered.objects]


def in_common(a, b):
    return [x for x in a if x in b]


def selector(rendered):
    return console_service(rendered.objects)["spec"]["selector"]


def pod_labels(rendered):
    return vm_set(rendered.objects)["spec"]["template"]["metadata"]["labels"]


def ports(rendered):
    return [p["port"] for p in console_service(rendered.objects)["spec"]["ports"]]


def rule(rendered):
    return only(rendered.objects, "Ingress")["spec"]["rules"][0]


def base_path(rendered):
    return env_of(vm_set(rendered.objects)["spec"]["template"]["spec"]["containers"][0]).get("CONSOLE_BASE_PATH")


def check_one_namespace(expect):
    first = template("myvm", ["console.auth.enabled=true,ssh.enabled=true,persistence.enabled=true"])
    second = template("myvm2", ["service.port=8081,console.auth.enabled=true,ssh.enabled=true,ssh.port=2223,"
                                "persistence.enabled=true"])
    expect.that(first.status == 0 and second.status == 0, "both render: " + first.stderr + second.stderr)
    expect.equal(in_common(names(first), names(second)), [], "no object name in common")
    expect.that(len(names(first)) >= 5, "the first release renders its objects: %s" % names(first))
    expect.that(not selects(selector(first), pod_labels(second)), "the first Service does not select the second pod")
    expect.that(not selects(selector(second), pod_labels(first)), "the second Service does not select the first pod")
    expect.equal(in_common(ports(first), ports(second)), [], "no Service port in common (shared LoadBalancer host)")


def check_one_ingress_host(expect):
    """Two releases on one Ingress host, by path: each console serves under its own path."""
    vm1, vm2 = (template(release, ["ingress.enabled=true,ingress.host=lab.example.org,ingress.path=/" + release])
                for release in ("vm1", "vm2"))
    expect.that(vm1.status == 0 and vm2.status == 0, "both Ingress releases render: " + vm1.stderr + vm2.stderr)
    expect.equal([rule(vm1).get("host"), rule(vm2).get("host")], ["lab.example.org", "lab.example.org"], "one host")
    expect.equal([rule(vm1)["http"]["paths"][0]["path"], rule(vm2)["http"]["paths"][0]["path"]], ["/vm1", "/vm2"],
                 "a path each")
    expect.equal([r["http"]["paths"][0]["backend"]["service"]["name"] for r in (rule(vm1), rule(vm2))],
                 ["vm1-qemu-riscv64", "vm2-qemu-riscv64"], "each path reaches its own Service")
    expect.equal([base_path(vm1), base_path(vm2)], ["/vm1", "/vm2"], "each console serves under its path")
    expect.equal(in_common(names(vm1), names(vm2)), [], "no object name in common")


def test_side_by_side(expect):
    check_one_namespace(expect)
    check_one_ingress_host(expect)
    expect.report("side by side")
