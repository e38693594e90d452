"""Which processes of this machine used its CPU over a stretch of time, from /proc: what
shares the cores with a VM while others start (the pods' QEMUs, the node's daemons, the
test's own browser)."""
import os
from collections import Counter

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def where_it_runs(pid):
    """'pod' for a process in a pod's cgroup, 'node' for the rest."""
    try:
        with open(f"/proc/{pid}/cgroup") as cgroup:
            return "pod" if "kubepods" in cgroup.read() else "node"
    except OSError:
        return "node"


def cpu_ticks():
    """{(pid, command, where): CPU ticks so far}, the process's own and its reaped children's:
    a short-lived runc, CNI plugin or iptables counts in the process that waited for it (whole,
    when it was reaped within the stretch measured)."""
    ticks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:  # gone meanwhile
            continue
        command = text[text.index("(") + 1:text.rindex(")")]
        # After the command: state is field 3; utime, stime, cutime, cstime are fields 14-17.
        fields = text[text.rindex(")") + 2:].split()
        ticks[(int(entry), command, where_it_runs(entry))] = sum(int(value) for value in fields[11:15])
    return ticks


class CpuUse:
    """The CPU each command used between start() and stop(), summed over its processes."""

    def start(self):
        self.before = cpu_ticks()

    def stop(self):
        after = cpu_ticks()
        self.used = Counter()
        for key, ticks in after.items():
            _, command, where = key
            self.used[(command, where)] += max(0, ticks - self.before.get(key, 0))

    def summary(self, top=10):
        """The `top` commands by CPU seconds, and the totals in pods and outside them."""
        by_where = Counter()
        for (_, where), ticks in self.used.items():
            by_where[where] += ticks
        busiest = ", ".join(f"{command} ({where}) {ticks / TICKS_PER_S:.1f} s"
                            for (command, where), ticks in self.used.most_common(top))
        return (f"in pods {by_where['pod'] / TICKS_PER_S:.1f} s, outside them {by_where['node'] / TICKS_PER_S:.1f} s; "
                f"busiest: {busiest}")
