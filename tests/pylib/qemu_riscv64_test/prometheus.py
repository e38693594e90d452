"""/metrics read by prometheus-client's own parser (pinned in tests/pylib/requirements.txt, from the
test venv), checked before use to refuse malformed text."""
from .processes import check
from .venv import use_test_venv
from .websocket import http_get

PREFIX = "qemu_riscv64_"


def load_parser():
    """prometheus_client's text parser from the pinned test venv; it must refuse a malformed exposition."""
    use_test_venv()
    from prometheus_client.parser import text_string_to_metric_families
    check_parser_refuses(text_string_to_metric_families)
    return text_string_to_metric_families


def check_parser_refuses(parse):
    """The parser is real: a malformed exposition raises, so a broken /metrics cannot pass."""
    good = "# HELP x_total a\n# TYPE x_total counter\nx_total 1\n"
    check([f.name for f in parse(good)] == ["x"], "a good exposition parses")
    for bad in ('x{state="ready} 1\n', "x one\n", "x{a=1} 1\n", "x\n", 'x{a="b"\n', "x 1 y\n"):
        try:
            list(parse(bad))
        except ValueError:
            continue
        raise AssertionError("prometheus_client accepted a malformed exposition: %r" % bad)


class Scrape:
    """One parsed /metrics: families by name (without _total for counters), samples by name and labels."""

    def __init__(self, parse, port, path="/metrics", host=None, headers=None):
        status, head, body = http_get(port, path, host_header=host, headers=headers)
        check(status == 200, "%s answered %d" % (path, status))
        check("content-type: text/plain; version=0.0.4; charset=utf-8" in head.lower(),
              "the exposition's content type:\n" + head)
        self.text = body.decode()
        self.families = {family.name: family for family in parse(self.text)}
        self.samples = {}
        for family in self.families.values():
            check(family.documentation, "%s has no HELP" % family.name)
            check(family.type in ("gauge", "counter"), "%s is %s" % (family.name, family.type))
            check(family.name.startswith(PREFIX), "%s lacks the prefix" % family.name)
            for sample in family.samples:
                self.samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        # The parser is lenient in places (it takes "x 1 2 3"): samples here are
        # `name{labels} value`, no timestamps; every counter's name ends in _total.
        for line in self.text.splitlines():
            if not line.startswith("#"):
                check(len(line.split(" ")) == 2, "not `name value`: " + line)
            if line.startswith("# TYPE ") and line.endswith(" counter"):
                check(line.split()[2].endswith("_total"), "counter without _total: " + line)

    def value(self, name, **labels):
        key = (PREFIX + name, tuple(sorted(labels.items())))
        check(key in self.samples, "no sample %s%s in:\n%s" % (PREFIX + name, labels or "", self.text))
        return self.samples[key]

    def has(self, name):
        return any(key[0] == PREFIX + name for key in self.samples)
