#!/usr/bin/env python3
"""The console's benchmark: the console and websocketd + telnet (a process per
tab, the shape of gotty) relay the same QEMU-like telnet peer in the same run,
and the console again through the front (--role front), for what it adds.

    run_bench.py --build BUILD_DIR --results RESULTS.md

Measures, for each bridge: MiB/s and CPU-ms per MiB of the bridge's whole
process tree (1 client x 50 MiB, 20 clients x 5 MiB), keystroke echo latency
p50/p99 (and the direct TCP floor), and PSS per idle session at 500 sessions.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "pylib"))
from qemu_riscv64_test.console import start_console, start_peer  # noqa: E402
from qemu_riscv64_test.processes import Process, free_port, wait_for_listener  # noqa: E402

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
CLIENT = [sys.executable, os.path.join(HERE, "bench_client.py")]


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def cpu_ms(pid):
    """CPU of pid, its reaped children, and its live children, in ms."""
    def own(p, reaped):
        with open("/proc/%d/stat" % p) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15 if reaped else 13]) * TICK_MS
    total = own(pid, True)
    for child in children(pid):
        try:
            total += own(child, False)
        except OSError:
            pass
    return total


def pss_kib(pid):
    total = 0
    for p in [pid] + children(pid):
        try:
            with open("/proc/%d/smaps_rollup" % p) as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


def path_of(bridge):
    return ["--path", bridge["path"]] if "path" in bridge else []


def client(*argv):
    out = subprocess.run(CLIENT + [str(a) for a in argv], check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(bridge, clients, mib):
    before = cpu_ms(bridge["pid"])
    result = client("throughput", "--port", bridge["port"], "--kind", bridge["kind"], "--clients", clients,
                    "--mib", mib, "--unit-mib", min(mib, 5), *path_of(bridge))
    time.sleep(1)  # telnet children exit and are reaped into their parent's counters
    spent = cpu_ms(bridge["pid"]) - before
    total_mib = result["bytes"] / (1024 * 1024)
    return {"mib_s": total_mib / result["seconds"], "cpu_ms_per_mib": spent / total_mib}


def idle(bridge, sessions):
    time.sleep(1)
    before = pss_kib(bridge["pid"])
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(CLIENT + ["idle", "--port", str(bridge["port"]), "--kind", bridge["kind"],
                                      "--sessions", str(sessions), "--hold-fd", str(read_end)] + path_of(bridge),
                            pass_fds=(read_end,), stdout=subprocess.PIPE, text=True)
    json.loads(proc.stdout.readline())
    time.sleep(1)
    after = pss_kib(bridge["pid"])
    os.write(write_end, b"x")
    proc.wait(120)
    return (after - before) / sessions


def measure(bridge, args):
    print("bench: %s" % bridge["name"], flush=True)
    # Idle sessions first, on a fresh process whose heap no flood has grown yet.
    row = {"idle_kib": idle(bridge, args.sessions)}
    row["latency"] = client("latency", "--port", bridge["port"], "--kind", bridge["kind"], "--count", args.count,
                            *path_of(bridge))
    row["one"] = throughput(bridge, 1, 50)
    row["many"] = throughput(bridge, 20, 5)
    print("bench: %s %s" % (bridge["name"], json.dumps(row)), flush=True)
    return row


def table(rows, floor, args):
    lines = ["| bridge | 1x50 MiB MiB/s | 1x50 MiB CPU-ms/MiB | 20x5 MiB MiB/s | 20x5 MiB CPU-ms/MiB "
             "| echo p50 us | echo p99 us | p50 / p99 above floor us | PSS per idle session KiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, row in rows.items():
        lat = row["latency"]
        lines.append("| %s | %.0f | %.1f | %.0f | %.1f | %.0f | %.0f | %.0f / %.0f | %.1f |" % (
            name, row["one"]["mib_s"], row["one"]["cpu_ms_per_mib"], row["many"]["mib_s"],
            row["many"]["cpu_ms_per_mib"], lat["p50_us"], lat["p99_us"], lat["p50_us"] - floor["p50_us"],
            lat["p99_us"] - floor["p99_us"], row["idle_kib"]))
    lines.append("| direct TCP to the peer (floor) | | | | | %.0f | %.0f | | |" % (floor["p50_us"], floor["p99_us"]))
    lines.append(ratio_line(rows["console"], rows["websocketd + telnet"]))
    return "\n".join(lines)


def ratio_line(ours, peer):
    """How many times better the console does than the peer in each column (> 1: the console wins)."""
    def faster(key):
        return ours[key]["mib_s"] / peer[key]["mib_s"]

    def cheaper(key):
        return peer[key]["cpu_ms_per_mib"] / ours[key]["cpu_ms_per_mib"]

    lat_ours, lat_peer = ours["latency"], peer["latency"]
    row = "| console vs websocketd + telnet, times better | %.1fx | %.1fx | %.1fx | %.1fx | %.2fx | %.2fx | | %.0fx |"
    return row % (
        faster("one"), cheaper("one"), faster("many"), cheaper("many"),
        lat_peer["p50_us"] / lat_ours["p50_us"], lat_peer["p99_us"] / lat_ours["p99_us"],
        peer["idle_kib"] / ours["idle_kib"])


FRONT_ROW = "console through the front"


def start_front(binary, console_port):
    """The front before the console (a static peer), once it lists it; returns (process, port)."""
    front = Process([binary, "--role", "front", "--listen", "127.0.0.1:0", "--max-sessions", "2000",
                     "--peers", "127.0.0.1:%d" % console_port], name="front")
    front.wait_for(r"front: VM bench at ")
    return front, int(front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--count", type=int, default=3000, help="echo samples")
    parser.add_argument("--sessions", type=int, default=500, help="idle sessions")
    args = parser.parse_args()
    peer, peer_port = start_peer("--flood-bytes", str(5 * 1024 * 1024))
    binary = os.path.join(args.build, "bin", "console")
    console, console_port = start_console(binary, peer_port, "--max-sessions", "2000", "--title", "bench",
                                          "--vm-name", "bench")
    front = start_front(binary, console_port)
    ws_port = free_port()
    websocketd = Process(["websocketd", "--address=127.0.0.1", "--port=%d" % ws_port, "--binary=true",
                          "--maxforks=2000", "telnet", "127.0.0.1", str(peer_port)], name="websocketd")
    try:
        wait_for_listener(ws_port, websocketd)
        floor = client("latency", "--port", peer_port, "--kind", "tcp", "--count", args.count)
        rows = {}
        for bridge in ({"name": "console", "pid": console.proc.pid, "port": console_port, "kind": "console"},
                       {"name": "websocketd + telnet", "pid": websocketd.proc.pid, "port": ws_port, "kind": "raw"},
                       {"name": FRONT_ROW, "pid": front[0].proc.pid, "port": front[1], "kind": "console",
                        "path": "/bench/ws"}):
            rows[bridge["name"]] = measure(bridge, args)
    finally:
        for proc in (websocketd, front[0], console, peer):
            proc.stop()
    write_results(args, rows, floor)


def write_results(args, rows, floor):
    command = "bench/console/run.sh " + shlex.quote(args.build)
    versions = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}\\n", "websocketd", "telnet"],
                              capture_output=True, text=True).stdout.strip().replace("\n", ", ")
    text = "\n".join([
        "# Console benchmark results", "",
        "Produced by `%s` (also run by `make bench`) on %s, %d cores (load average %.1f when it\n"
        "ended: other work shares these cores, so rates and tail latencies move from run to run),\n"
        "%s; peers: %s." % (
            command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            os.cpu_count(), os.getloadavg()[0], platform.platform(), versions), "",
        "Every bridge relays the same QEMU-like telnet peer (`tests/pylib/qemu_riscv64_test/telnet_peer.py`:",
        "IAC WILL ECHO, WILL SGA, WILL BINARY, DO BINARY, then echo, or 5 MiB of terminal text per Ctrl-F); the client",
        "(`bench/console/bench_client.py`) checks every byte of the flood. CPU is the bridge's whole",
        "process tree (websocketd's telnet children included); PSS is the growth of the tree from 0 to",
        "%d idle sessions, divided by %d. Echo latency: %d keystrokes, one at a time." % (
            args.sessions, args.sessions, args.count),
        "The front's row (`--role front` before the same console, `/bench/ws`) counts the front's own",
        "CPU and PSS: what it adds to the console's; its latency is the whole path.", "",
        table(rows, floor, args), "",
        "Targets for the console on these machines: >= 200 MiB/s, <= 5 CPU-ms per MiB, echo p50 <= 150 us",
        "and p99 <= 1 ms above the direct TCP floor, <= 64 KiB per idle session.", ""])
    with open(args.results, "w") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
