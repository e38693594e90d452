#!/usr/bin/env python3
"""The console's benchmark: the console and websocketd + telnet (a process per
tab, the shape of gotty) relay the same QEMU-like telnet peer in the same run,
and the console again through the front (--role front), for what it adds;
and the front's memory for each VM it lists.

    run_bench.py --build BUILD_DIR --results RESULTS.md

Measures, for each bridge: MiB/s and CPU-ms per MiB of the bridge's whole
process tree (1 client x 50 MiB, 20 clients x 5 MiB), keystroke echo latency
p50/p99 (and the direct TCP floor), and PSS per idle session at 500 sessions.
The front's private memory is measured listing one VM and listing 32 (a console each).
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
from qemu_riscv64_test.websocket import http_get  # noqa: E402

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


def open_idle_sessions(bridge, sessions):
    """Opens `sessions` sessions that stay idle; returns the function that closes them."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(CLIENT + ["idle", "--port", str(bridge["port"]), "--kind", bridge["kind"],
                                      "--sessions", str(sessions), "--hold-fd", str(read_end)] + path_of(bridge),
                            pass_fds=(read_end,), stdout=subprocess.PIPE, text=True)
    os.close(read_end)
    json.loads(proc.stdout.readline())

    def close():
        os.write(write_end, b"x")
        os.close(write_end)
        proc.wait(120)
    return close


# Sessions opened and closed before the measure: the first sessions page in the code that serves
# one (a one-time cost of about 1 MiB, not a cost per session), and a few do it.
WARM_UP_SESSIONS = 5


def idle(bridge, sessions):
    open_idle_sessions(bridge, WARM_UP_SESSIONS)()
    time.sleep(1)
    before = pss_kib(bridge["pid"])
    close = open_idle_sessions(bridge, sessions)
    time.sleep(1)
    after = pss_kib(bridge["pid"])
    close()
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
    lines.append("| direct TCP to the peer (floor) | %.0f | | %.0f | | %.0f | %.0f | | |" % (
        floor["one"]["mib_s"], floor["many"]["mib_s"], floor["p50_us"], floor["p99_us"]))
    lines += [ratio_line(rows["console"], rows[peer], peer) for peer in (WEBSOCKETD_ROW, TTYD_ROW) if peer in rows]
    return "\n".join(lines)


def ratio_line(ours, peer, peer_name):
    """How many times better the console does than the peer in each column (> 1: the console wins)."""
    def faster(key):
        return ours[key]["mib_s"] / peer[key]["mib_s"]

    def cheaper(key):
        return peer[key]["cpu_ms_per_mib"] / ours[key]["cpu_ms_per_mib"]

    lat_ours, lat_peer = ours["latency"], peer["latency"]
    row = "| console vs %s, times better | %%.1fx | %%.1fx | %%.1fx | %%.1fx | %%.2fx | %%.2fx | | %%.0fx |" % peer_name
    return row % (
        faster("one"), cheaper("one"), faster("many"), cheaper("many"),
        lat_peer["p50_us"] / lat_ours["p50_us"], lat_peer["p99_us"] / lat_ours["p99_us"],
        peer["idle_kib"] / ours["idle_kib"])


FRONT_ROW = "console through the front"
WEBSOCKETD_ROW = "websocketd + telnet"
TTYD_ROW = "ttyd + telnet"


def start_ttyd(command, peer_port):
    """ttyd running telnet to the peer for each client (writable: -W); returns (process, port)."""
    port = free_port()
    ttyd = Process([command, "--port", str(port), "--interface", "lo", "--writable", "--max-clients", "2000",
                    "telnet", "127.0.0.1", str(peer_port)], name="ttyd")
    wait_for_listener(port, ttyd)
    return ttyd, port


def ttyd_bridge(ttyd):
    return ({"name": TTYD_ROW, "pid": ttyd[0].proc.pid, "port": ttyd[1], "kind": "ttyd"},) if ttyd else ()


def goals(console, floor):
    """The console's goals on these machines (rows of measure, goal, figure, held), each against
    the figure of this run: the direct TCP floor's where the goal is relative to it."""
    one, many, lat = console["one"], console["many"], console["latency"]
    return [
        ("1 client x 50 MiB: MiB/s", ">= 0.8x the direct TCP read (%.0f)" % (0.8 * floor["one"]["mib_s"]),
         "%.0f (%.2fx)" % (one["mib_s"], one["mib_s"] / floor["one"]["mib_s"]),
         one["mib_s"] >= 0.8 * floor["one"]["mib_s"]),
        ("1 client x 50 MiB: CPU-ms per MiB, whole console", "<= 1.5", "%.2f" % one["cpu_ms_per_mib"],
         one["cpu_ms_per_mib"] <= 1.5),
        ("echo p50 us", "<= floor + 50 (%.0f)" % (floor["p50_us"] + 50), "%.0f" % lat["p50_us"],
         lat["p50_us"] <= floor["p50_us"] + 50),
        ("echo p99 us", "<= floor + 100 (%.0f)" % (floor["p99_us"] + 100), "%.0f" % lat["p99_us"],
         lat["p99_us"] <= floor["p99_us"] + 100),
        ("PSS per idle session, KiB", "<= 8", "%.1f" % console["idle_kib"], console["idle_kib"] <= 8),
        ("20 viewers x 5 MiB: aggregate MiB/s", ">= 600", "%.0f" % many["mib_s"], many["mib_s"] >= 600),
        ("20 viewers x 5 MiB: CPU-ms per MiB", "<= 1.5", "%.2f" % many["cpu_ms_per_mib"],
         many["cpu_ms_per_mib"] <= 1.5),
    ]


def goals_table(rows):
    lines = ["| measure | goal | this run | holds |", "|---|---|---|---|"]
    lines += ["| %s | %s | %s | %s |" % (measure, goal, figure, "yes" if held else "**no**")
              for measure, goal, figure, held in rows]
    return "\n".join(lines)


def start_front(binary, console_port):
    """The front before the console (a static peer), once it lists it; returns (process, port)."""
    front = Process([binary, "--role", "front", "--listen", "127.0.0.1:0", "--max-sessions", "2000",
                     "--peers", "127.0.0.1:%d" % console_port], name="front")
    front.wait_for(r"front: VM bench at ")
    return front, int(front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))


FRONT_FLEET = 32  # VMs the front lists for its memory per VM


def private_kib(pid):
    """The memory pid alone holds (USS: private clean and dirty pages). Not PSS: a front's share of
    the pages it shares with the consoles (the same binary) shrinks as more consoles run."""
    with open("/proc/%d/smaps_rollup" % pid) as rollup:
        return sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean:", "Private_Dirty:")))


def front_private_kib(binary, console_ports):
    """The private memory of a front listing the consoles at `console_ports`, once it lists them all and has
    looked at them a few times more."""
    front = Process([binary, "--role", "front", "--listen", "127.0.0.1:0", "--poll-interval", "1",
                     "--peers", ",".join("127.0.0.1:%d" % port for port in console_ports)], name="front")
    try:
        port = int(front.wait_for(r"serving http://[^ ]+:(\d+) ").group(1))
        deadline = time.monotonic() + 60
        while len(json.loads(http_get(port, "/vms.json")[2])["vms"]) < len(console_ports):
            if time.monotonic() > deadline:
                raise RuntimeError("the front did not list %d VMs in 60 s" % len(console_ports))
            time.sleep(0.5)
        time.sleep(3)  # three more looks at every VM: the buffers of a look are allocated
        return private_kib(front.proc.pid)
    finally:
        front.stop()


def front_memory_per_vm(binary, peer_port):
    """What one more listed VM costs the front: its private memory listing FRONT_FLEET consoles
    less that listing one, over the difference."""
    consoles = []
    try:
        for number in range(FRONT_FLEET):
            consoles.append(start_console(binary, peer_port, "--vm-name", "vm%d" % number))
        ports = [port for _, port in consoles]
        one, fleet = front_private_kib(binary, ports[:1]), front_private_kib(binary, ports)
        return {"one_kib": one, "fleet_kib": fleet, "per_vm_kib": (fleet - one) / (FRONT_FLEET - 1)}
    finally:
        for console, _ in consoles:
            console.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--count", type=int, default=3000, help="echo samples")
    parser.add_argument("--sessions", type=int, default=500, help="idle sessions")
    parser.add_argument("--ttyd", default="", help="a command that runs ttyd (bench/console/get-ttyd.sh); "
                                                  "empty: no ttyd row")
    args = parser.parse_args()
    peer, peer_port = start_peer("--flood-bytes", str(5 * 1024 * 1024))
    binary = os.path.join(args.build, "bin", "console")
    console, console_port = start_console(binary, peer_port, "--max-sessions", "2000", "--title", "bench",
                                          "--vm-name", "bench")
    front = start_front(binary, console_port)
    ws_port = free_port()
    websocketd = Process(["websocketd", "--address=127.0.0.1", "--port=%d" % ws_port, "--binary=true",
                          "--maxforks=2000", "telnet", "127.0.0.1", str(peer_port)], name="websocketd")
    ttyd = start_ttyd(args.ttyd, peer_port) if args.ttyd else None
    try:
        wait_for_listener(ws_port, websocketd)
        floor = client("latency", "--port", peer_port, "--kind", "tcp", "--count", args.count)
        # The same floods read straight from the peer: what the hardware gives without a bridge.
        floor["one"] = throughput({"pid": peer.proc.pid, "port": peer_port, "kind": "tcp"}, 1, 50)
        floor["many"] = throughput({"pid": peer.proc.pid, "port": peer_port, "kind": "tcp"}, 20, 5)
        rows = {}
        for bridge in ({"name": "console", "pid": console.proc.pid, "port": console_port, "kind": "console"},
                       {"name": WEBSOCKETD_ROW, "pid": websocketd.proc.pid, "port": ws_port, "kind": "raw"},
                       {"name": FRONT_ROW, "pid": front[0].proc.pid, "port": front[1], "kind": "console",
                        "path": "/bench/ws"}) + ttyd_bridge(ttyd):
            rows[bridge["name"]] = measure(bridge, args)
        front_memory = front_memory_per_vm(binary, peer_port)
    finally:
        for proc in (websocketd, front[0], console, peer) + ((ttyd[0],) if ttyd else ()):
            proc.stop()
    write_results(args, rows, floor, front_memory)


def write_results(args, rows, floor, front_memory):
    command = "bench/console/run.sh " + shlex.quote(args.build)
    versions = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}\\n", "websocketd", "telnet"],
                              capture_output=True, text=True).stdout.strip().replace("\n", ", ")
    if args.ttyd:  # its script's comment names its version and where it comes from
        with open(args.ttyd) as script:
            versions += ", " + script.read().splitlines()[1].lstrip("# ").rstrip(".")
    else:
        versions += "; no ttyd here (bench/console/get-ttyd.sh failed: run.sh said why)"
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
        "%d idle sessions, divided by %d, after %d sessions opened and closed (the first sessions page in" % (
            args.sessions, args.sessions, WARM_UP_SESSIONS),
        "the code that serves one: file-backed pages, once per process). Echo latency: %d keystrokes, one at" % (
            args.count),
        "a time.",
        "The front's row (`--role front` before the same console, `/bench/ws`) counts the front's own",
        "CPU and PSS: what it adds to the console's; its latency is the whole path.", "",
        table(rows, floor, args), "",
        "The front's memory per VM it lists: private (USS) %.0f KiB listing one VM, %.0f KiB listing %d (a console" % (
            front_memory["one_kib"], front_memory["fleet_kib"], FRONT_FLEET),
        "each, looked at every second): %.1f KiB per VM." % front_memory["per_vm_kib"], "",
        "The console's goals on these machines, against this run's figures (the floor's where a goal is",
        "relative to it):", "",
        goals_table(goals(rows["console"], floor)), ""])
    with open(args.results, "w") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
