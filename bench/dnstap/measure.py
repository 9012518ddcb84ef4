#!/usr/bin/env python3
"""bench/dnstap's measurement: what dnstap costs canond, with knotd's mod-dnstap beside.

    measure.py --canond BIN --canonctl BIN --genzone BIN --out FILE
               [--runs N] [--secs S] [--names N] [--qcount N] [--rate QPS] [--no-knotd]

Started by bench/dnstap/run, which builds the binaries. Servers: canond with
dnstap off, `sample = 100` and `sample = 1` (both messages, the file
writer), knotd 3.2 without and with mod-dnstap (file sink, queries and
responses: it has no sampling). One worker each; every thread of the
server (canond's dnstap writer and knotd's fstrm I/O thread included) on
CPU 1, dnsperf on CPU 0. The workload is bench/daemon's alias-rich mix
(canon-genzone, bench/suite/daemon_workload.py). Per server:
  instructions per answer: the server under callgrind (every thread),
      counters zeroed once it answers, one dnsperf pass over the query file
      (`-n 1 -c 1 -q 20`), dumped; three passes, the median;
  CPU per answer: utime+stime of every thread over a fixed offered rate
      (`dnsperf -Q RATE -l S`), over the answers;
  max qps: `dnsperf -l S -q 100`;
the last two N times, servers alternated, each run against a server started
afresh; medians. After each run canond's dnstap counters (written, dropped)
are read with canonctl. Servers are stopped by PID; traffic to 127.0.0.1 only.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "suite"))
import paths  # noqa: E402,F401  (tests/system on sys.path)
import daemon  # noqa: E402  (bench/daemon's zone mix)
import measure  # noqa: E402
import servers  # noqa: E402  (tests/system/servers.py)

SERVER_CPU = 1
RUNNING = []


def log(msg):
    print(f"== {msg}", file=sys.stderr, flush=True)


class CanondTap(servers.Canond):
    """canond with a `dnstap` table (sample N, file in its directory); None: off."""
    sample = None
    canonctl = "canonctl"

    def config(self):
        if self.sample is None:
            return
        with open(os.path.join(self.dir, "canond.toml"), "w") as f:
            f.write(f'dnstap = {{ file = "{self.dir}/dnstap.fstrm", sample = {self.sample} }}\n')

    def command(self):
        cmd = super().command()
        return cmd + (["--config", os.path.join(self.dir, "canond.toml")] if self.sample is not None else [])

    def dnstap_counts(self):
        r = subprocess.run([self.canonctl, "--socket", os.path.join(self.dir, "admin.sock"), "--json", "stats"],
                           capture_output=True, text=True, timeout=30)
        try:
            return json.loads(r.stdout).get("dnstap")
        except ValueError:
            return None


class KnotdTap(servers.Knotd):
    """knotd with mod-dnstap logging every query and response to a file; off: plain knotd."""
    tap = False

    def config(self):
        text = servers.knot_conf(self.dir, self.zones, listen=f"127.0.0.1@{self.port}", log=self.log_level)
        if self.tap:
            module = (f'mod-dnstap:\n  - id: tap\n    sink: "{self.dir}/dnstap.tap"\n'
                      "    log-queries: on\n    log-responses: on\n")
            text = text.replace("template:\n", module + "template:\n", 1)
            text = text.replace("    semantic-checks: off\n", "    semantic-checks: off\n"
                                "    global-module: mod-dnstap/tap\n", 1)
        with open(os.path.join(self.dir, "knot.conf"), "w") as f:
            f.write(text)


def knot_dnstap_available():
    return any(os.path.exists(os.path.join(d, "dnstap.so")) for d in
               ("/usr/lib/x86_64-linux-gnu/knot/modules-3.2", "/usr/lib/knot/modules-3.2"))


class Bench:
    def __init__(self, a, work):
        self.a, self.work = a, work
        self.zone = os.path.join(work, "example.com.zone")
        self.queries = os.path.join(work, "queries.txt")
        self.rows = []
        self.started = 0
        self.configs = [("canond", "off"), ("canond", "1/100"), ("canond", "1/1")]
        if not a.no_knotd and shutil.which("knotd"):
            self.configs += [("knotd", "off")] + ([("knotd", "all")] if knot_dnstap_available() else [])

    def make(self, name, tap, binary=None):
        zones, probes = [(daemon.ORIGIN, self.zone)], [(daemon.ORIGIN, "SOA")]
        if name == "canond":
            s = CanondTap(zones, self.work, probes, SERVER_CPU)
            s.binary = binary or self.a.canond
            s.canonctl = self.a.canonctl
            s.sample = {"off": None, "1/100": 100, "1/1": 1}[tap]
        else:
            s = KnotdTap(zones, self.work, probes, SERVER_CPU)
            s.tap = tap == "all"
        return s

    def start(self, name, tap, callgrind_out=None, binary=None):
        s = self.make(name, tap, binary)
        self.started += 1
        RUNNING.append(s)
        s.start(600 if callgrind_out else 120, f"{name}-{tap.replace('/', 'in')}-{self.started}", callgrind_out)
        return s

    def stop(self, s):
        if s in RUNNING:
            RUNNING.remove(s)
        s.stop(30)

    def add(self, row):
        self.rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def tap_fields(self, s):
        if isinstance(s, CanondTap) and s.sample is not None:
            c = s.dnstap_counts() or {}
            return {k: c.get(k) for k in ("sampled", "written", "dropped_ring_full", "dropped_too_big", "lost")}
        return {}

    def callgrind(self, name, tap):
        cg = os.path.join(self.work, "cg")
        os.makedirs(cg, exist_ok=True)
        prefix = os.path.join(cg, f"{name}-{tap.replace('/', 'in')}")
        log(f"callgrind: {name} dnstap {tap}")
        s = self.start(name, tap, prefix, self.a.canond_valgrind if name == "canond" else None)
        time.sleep(1)
        for p in range(self.a.cg_passes):
            ir, answered, _ = measure.zero_dump(s, self.queries, prefix, os.path.join(self.work, "cg.dnsperf"))
            self.add({"measure": "cg", "server": name, "tap": tap, "pass": p + 1, "ir": ir, "answered": answered,
                      **self.tap_fields(s)})
        self.stop(s)

    def timed(self, kind, rep, name, tap):
        s = self.start(name, tap)
        time.sleep(0.5)
        out = os.path.join(self.work, f"{kind}-{name}-{tap.replace('/', 'in')}-{rep}.dnsperf")
        if kind == "rate":
            st = measure.fixed_rate(s, self.queries, self.a.secs, self.a.rate, out)
            row = {"answered": st["answered"], "lost": st["lost"], "cpu_ticks": st["cpu_ticks"],
                   "others": round(st["others"], 2)}
        else:
            st = measure.max_qps(s, self.queries, self.a.secs, out)
            row = {"qps": st["qps"], "lost": st["lost"], "generator_cpu": st["generator_cpu"],
                   "others": round(st["others"], 2)}
        time.sleep(0.2)  # the writer's last batch
        self.add({"measure": kind, "server": name, "tap": tap, "rep": rep, **row, **self.tap_fields(s)})
        self.stop(s)


def median(values):
    return statistics.median(values) if values else None


def report(a, b):
    rows = b.rows
    def pick(measure_, name, tap):
        return [r for r in rows if r["measure"] == measure_ and r["server"] == name and r["tap"] == tap]
    lines = ["# What dnstap costs canond", "",
             f"`bench/dnstap/run` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {a.commit}):",
             f"bench/daemon's alias-rich mix ({a.names} names, {a.qcount} queries), one worker, every server",
             "thread on CPU 1 (canond's dnstap writer and knotd's fstrm thread share the worker's core),",
             "dnsperf on CPU 0. dnstap: both messages (auth-query, auth-response) to a file.",
             f"Medians of {a.runs} runs per server for qps and CPU, servers alternated (each rep starting one later),",
             "each run against a fresh server; `/ off`: the median of each rep's ratio to the same server's off",
             f"run of that rep. Instructions: median of {a.cg_passes} callgrind passes, every thread of the server counted.",
             "",
             "| server | dnstap | max qps | / off | CPU µs per answer at "
             f"{a.rate // 1000}k qps | / off | instructions per answer | / off |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    def value(r):
        if r["measure"] == "max":
            return r["qps"]
        if r["measure"] == "rate":
            return r["cpu_ticks"] / servers.CLK_TCK * 1e6 / r["answered"] if r["answered"] else None
        return r["ir"] / r["answered"] if r["answered"] else None

    def ratio(measure_, name, tap):
        # The median of each rep's ratio to the same server's off run in that
        # rep (callgrind: of the medians): the drift of a shared machine
        # between reps cancels out.
        if measure_ == "cg":
            v = median([value(r) for r in pick("cg", name, tap)])
            w = median([value(r) for r in pick("cg", name, "off")])
            return f"{v / w:.2f}" if v and w else "-"
        off = {r["rep"]: value(r) for r in pick(measure_, name, "off")}
        rs = [value(r) / off[r["rep"]] for r in pick(measure_, name, tap) if off.get(r["rep"]) and value(r)]
        return f"{median(rs):.2f}" if rs else "-"

    for name, tap in b.configs:
        qps = median([value(r) for r in pick("max", name, tap)])
        cpu = median([v for v in (value(r) for r in pick("rate", name, tap)) if v])
        cg = median([v for v in (value(r) for r in pick("cg", name, tap)) if v])
        label = {"off": "off", "1/100": "sample = 100", "1/1": "sample = 1", "all": "mod-dnstap (every query)"}[tap]
        lines.append(f"| {name} | {label} | {qps or 0:,.0f} | {ratio('max', name, tap)} | {cpu or 0:.2f} | "
                     f"{ratio('rate', name, tap)} | {cg or 0:,.0f} | {ratio('cg', name, tap)} |")
    lines += ["", "Runs, one line each (qps; CPU µs per answer; instructions per answer; canond's dnstap counts",
              "after the run, since its server started: messages written, samples dropped because the ring",
              "was full); `others`: cores the rest of the machine used during each timed run:", ""]
    lines += ["| server | dnstap | measure | runs | written | dropped (ring full) | others |",
              "|---|---|---|---|---:|---:|---|"]
    for name, tap in b.configs:
        for kind in ("max", "rate", "cg"):
            rs = pick(kind, name, tap)
            if not rs:
                continue
            if kind == "max":
                vals = ", ".join(f"{r['qps']:,.0f}" for r in rs)
            elif kind == "rate":
                vals = ", ".join(f"{r['cpu_ticks'] / servers.CLK_TCK * 1e6 / max(1, r['answered']):.2f}" for r in rs)
            else:
                vals = ", ".join(f"{r['ir'] / max(1, r['answered']):,.0f}" for r in rs)
            written = ", ".join(str(r.get("written", "-")) for r in rs) if name == "canond" and tap != "off" else "-"
            dropped = ", ".join(str(r.get("dropped_ring_full", "-")) for r in rs) if name == "canond" and tap != "off" else "-"
            others = ", ".join(f"{r['others']:.2f}" for r in rs) if kind != "cg" else "-"
            lines.append(f"| {name} | {tap} | {kind} | {vals} | {written} | {dropped} | {others} |")
    lines += ["", f"Versions: {a.versions}. Machine: {os.cpu_count()} CPUs, shared with other work (noisy: "
              "compare within a column, and prefer the instruction counts)."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canond", required=True)
    ap.add_argument("--canond-valgrind")
    ap.add_argument("--canonctl", required=True)
    ap.add_argument("--genzone", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cg-passes", type=int, default=3)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--names", type=int, default=20000)
    ap.add_argument("--qcount", type=int, default=20000)
    ap.add_argument("--rate", type=int, default=20000)
    ap.add_argument("--no-knotd", action="store_true")
    ap.add_argument("--commit", default="unknown")
    a = ap.parse_args()
    a.canond_valgrind = a.canond_valgrind or a.canond
    for key in ("canond", "canond_valgrind", "canonctl", "genzone"):  # the servers run in their own dirs
        setattr(a, key, os.path.abspath(getattr(a, key)))
    v = servers.versions(a.canond)
    a.versions = "; ".join(v.get(k, "?") for k in ("canond", "knotd", "dnsperf", "valgrind"))
    work = tempfile.mkdtemp(prefix="canon-dnstap-bench.")
    b = Bench(a, work)
    try:
        log(f"zone: canon-genzone, {a.names} names; {a.qcount} queries")
        subprocess.run([a.genzone, "--origin", daemon.ORIGIN, "--seed", "1", "--names", str(a.names),
                        "--mix", daemon.MIX, "-o", b.zone], check=True)
        subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(daemon.__file__)),
                                                     "daemon_workload.py"),
                        b.zone, daemon.ORIGIN, str(a.qcount), b.queries, "--seed", "1"],
                       stdout=subprocess.DEVNULL, check=True)
        for name, tap in b.configs:
            b.callgrind(name, tap)
        for rep in range(1, a.runs + 1):
            # Each rep starts one configuration later: none is always first
            # after a quiet spell or always last before one.
            order = b.configs[(rep - 1) % len(b.configs):] + b.configs[:(rep - 1) % len(b.configs)]
            for kind in ("max", "rate"):
                for name, tap in order:
                    log(f"{kind} rep {rep}: {name} dnstap {tap}")
                    b.timed(kind, rep, name, tap)
        raw = os.path.join(paths.ROOT, "bench/results/work/dnstap-raw.jsonl")
        os.makedirs(os.path.dirname(raw), exist_ok=True)
        with open(raw, "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in b.rows))
        text = report(a, b)
        with open(a.out, "w") as f:
            f.write(text)
        print(text)
        log(f"wrote {a.out} (raw figures: {raw})")
    finally:
        while RUNNING:
            RUNNING.pop().stop(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
