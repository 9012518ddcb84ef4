#!/usr/bin/env python3
"""bench/daemon's measurement: canond beside knotd and nsd on the alias-rich
mix, one worker each, every server thread on CPU 1, dnsperf on CPU 0.

    daemon.py --canond BIN [--canond-valgrind BIN] --genzone BIN --out FILE
              [--quick] [--names N] [--servers "canond knotd nsd"] [--quiet-wait S]
              [--meta key=value]...

Started by bench/daemon (which builds the binaries); the servers, their
configurations and the measurements are the suite's (tests/system/servers.py,
bench/suite/measure.py), the section of FILE is daemon_report.py's:
  (a) instructions per answer under callgrind: canond and knotd zero-dump,
      nsd the difference of two runs (1 and 1+R passes) at exit;
  (b) server CPU per answer at a fixed offered rate (dnsperf -Q 20000), split
      into user and kernel time by perf cpu-clock samples when perf works;
  (c) max qps (dnsperf -q 100); (b) and (c) each against a server started
      afresh and alone, median of 3 runs, servers alternated.
The raw figures stay in bench/results/work/daemon[-quick]-raw/ with report.sh,
the command that writes the section again from them.
"""
import argparse
import glob
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import paths  # noqa: F401  (tests/system on sys.path)
import daemon_report
import measure
import servers  # tests/system/servers.py

ROOT = paths.ROOT
ORIGIN = "example.com."
MIX = "a=40,aaaa=12,mx=12,txt=10,chain1=6,chain2=6,chain3=6,dname=1"
RATE = 20000
SERVER_CPU = 1
SERVER_WAIT = 120    # s for a native server to answer
VG_WAIT = 600        # s for a server under valgrind to answer
RUNNING = []         # servers started and not yet stopped: stopped by PID on any exit


def log(msg):
    print(f"== {msg}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args, work):
        self.a, self.work = args, work
        self.zone = os.path.join(work, "example.com.zone")
        self.queries = os.path.join(work, "queries.txt")
        self.rows = []
        self.started = 0

    def add(self, row):
        self.rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def start(self, name, mode, binary=None, callgrind_out=None):
        """NAME started pinned to CPU 1, waited for (its zone's SOA) and re-pinned."""
        s = servers.CLASSES[name]([(ORIGIN, self.zone)], self.work, [(ORIGIN, "SOA")], SERVER_CPU)
        if name == "canond":
            s.binary = binary or self.a.canond
        self.started += 1
        RUNNING.append(s)
        s.start(VG_WAIT if callgrind_out else SERVER_WAIT, f"{mode}-{self.started}", callgrind_out)
        log(f"{name} ({mode}) answers on 127.0.0.1:{s.port} (pid {s.proc.pid})")
        return s

    def stop(self, s, wait_s=10):
        if s in RUNNING:
            RUNNING.remove(s)
        s.stop(wait_s)

    def out(self, name):
        return os.path.join(self.work, name)

    # (a) ------------------------------------------------------------------------------------
    def callgrind(self, name):
        cg = self.out("cg")
        os.makedirs(cg, exist_ok=True)
        if name != "nsd":
            log(f"(a) {name} under callgrind")
            s = self.start(name, "callgrind", self.a.canond_valgrind, os.path.join(cg, name))
            time.sleep(1)
            dp = self.out(f"cg-{name}.dnsperf")
            ir, _, dumps = measure.zero_dump(s, self.queries, os.path.join(cg, name), dp, self.a.cg_runs)
            self.add({"measure": "cg", "server": name, "ir": ir, "method": "zero-dump", **dnsperf_fields(dp)})
            if name == "canond":  # where canond's instructions go
                with open(self.out("canond-top.txt"), "w") as f:
                    subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100"] + dumps,
                                   stdout=f, stderr=subprocess.DEVNULL)
            self.stop(s)
            return
        # nsd forks its server process, which callgrind_control cannot reach: two runs with
        # 1 and 1+R passes, stopped, the difference of the totals at exit over the answered.
        totals, answered = {}, {}
        for runs in (1, 1 + self.a.cg_runs):
            log(f"(a) {name} under callgrind, {runs} pass(es), then stopped")
            prefix = os.path.join(cg, f"{name}-{runs}")
            s = self.start(name, "callgrind", callgrind_out=prefix)
            time.sleep(1)
            answered[runs] = measure.callgrind_pass(s, self.queries, self.out(f"cg-{name}-{runs}.dnsperf"), runs)
            self.stop(s, 120)
            totals[runs] = measure.summary_total(glob.glob(prefix + ".*"))
        big = 1 + self.a.cg_runs
        fields = dnsperf_fields(self.out(f"cg-{name}-{big}.dnsperf"))
        fields["completed"] = answered[big] - answered[1]
        self.add({"measure": "cg", "server": name, "ir": totals[big] - totals[1], "method": "difference",
                  "totals": f"{totals[1]}/{totals[big]}", **fields})

    # before (b): all up at once --------------------------------------------------------------
    def side_by_side(self, names):
        up = {n: self.start(n, "native") for n in names}
        probe = open(self.queries).readline().split()[:2]
        for n, s in up.items():
            threads = []
            for p in s.pids():
                r = subprocess.run(["ps", "-L", "-o", "comm=,psr=", "-p", str(p)], capture_output=True, text=True)
                threads += ["@".join(l.split()) for l in r.stdout.splitlines() if l.strip()]
            self.add({"measure": "threads", "server": n, "psr": " ".join(threads)})
            with open(self.out(f"probe-{n}"), "w") as f:
                f.write(kdig(s.port, *probe, "+short").stdout)
        with open(self.out("workload.json")) as f:
            samples = json.load(f)["samples"]
        for kind, q in samples.items():
            qname, qtype = q.split()
            for n, s in up.items():
                text = kdig(s.port, qname, qtype, "+noedns").stdout
                self.add({"measure": "sample", "server": n, "kind": kind, "query": f"{qname} {qtype}",
                          **sample_fields(text)})
        for s in up.values():
            self.stop(s)

    # (b), (c) ----------------------------------------------------------------------------------
    def timed(self, kind, rep, name, options, quiet):
        s = self.start(name, "native")
        time.sleep(0.5)
        quiet()
        dp = self.out(f"{kind}-{name}-{rep}.dnsperf")
        perf = None
        if self.a.perf:
            perf = subprocess.Popen(["taskset", "-c", measure.GENERATOR_CPU, "perf", "record", "-q", "-e", "cpu-clock",
                                     "-F", "1000", "-p", ",".join(map(str, s.pids())), "-o", dp + ".perf", "--",
                                     "sleep", str(self.a.secs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            st = measure.dnsperf_run(s, self.queries, options, dp, self.a.secs + 60)
        finally:
            if perf:
                try:
                    perf.wait(timeout=self.a.secs + 30)
                except subprocess.TimeoutExpired:
                    servers.stop_tree(perf.pid, perf, 5)
        hz = servers.CLK_TCK
        self.add({"measure": kind, "server": name, "rep": rep,
                  "cpu_s": round((st["utime"] + st["stime"]) / hz, 3),
                  "kernel_share": kernel_share(dp + ".perf") if perf else -1,
                  "user_s": round(st["utime"] / hz, 3), "sys_s": round(st["stime"] / hz, 3),
                  "wall_s": round(st["wall"], 3), "gen_cpu": round(st["generator_cpu"], 3),
                  "other": round(st["others"], 2), **{k: st[k] for k in DNSPERF_KEYS}})
        self.stop(s)


DNSPERF_KEYS = ("sent", "completed", "lost", "qps", "resp_size", "avg_latency", "rcodes")


def dnsperf_fields(path):
    with open(path, errors="replace") as f:
        st = measure.dnsperf_stats(f.read())
    return {k: st[k] for k in DNSPERF_KEYS}


def kdig(port, name, qtype, *opts):
    return subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+timeout=2", "+retry=1", *opts, name, qtype],
                          capture_output=True, text=True, timeout=30)


def sample_fields(text):
    """Response bytes, rcode and a digest of the sorted answer section of one kdig output."""
    size = next((int(l.split("Received ")[1].split()[0]) for l in text.splitlines() if "Received " in l), 0)
    rcode = next((l.split("status: ")[1].split(";")[0].split()[0] for l in text.splitlines() if "status: " in l), "")
    answer, on = [], False
    for line in text.splitlines():
        if line.startswith(";; ANSWER SECTION:"):
            on = True
        elif on and not line.strip():
            on = False
        elif on:
            answer.append(line + "\n")
    return {"size": size, "rcode": rcode,
            "answer": hashlib.md5("".join(sorted(answer)).encode()).hexdigest()[:12]}


def kernel_share(perf_data):
    """Kernel samples over all samples of a perf recording, or -1."""
    r = subprocess.run(["perf", "report", "-i", perf_data, "--stdio", "--sort", "dso"], capture_output=True,
                       text=True)
    k = u = 0.0
    for line in r.stdout.splitlines():
        f = line.split()
        if line.startswith("#") or len(f) < 2 or not f[0].endswith("%"):
            continue
        v = float(f[0].rstrip("%"))
        if "kernel" in f[1]:
            k += v
        else:
            u += v
    return round(k / (k + u), 4) if k + u > 0 else -1


def perf_works(work):
    if not shutil.which("perf"):
        return False
    return subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "1000", "-o",
                           os.path.join(work, "probe.perf"), "--", "true"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canond", required=True)
    ap.add_argument("--canond-valgrind")
    ap.add_argument("--genzone", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--names", type=int, default=20000)
    ap.add_argument("--servers", default="canond knotd nsd")
    ap.add_argument("--quiet-wait", type=int)
    ap.add_argument("--meta", action="append", default=[], help="key=value for the report")
    a = ap.parse_args()
    a.servers = a.servers.replace(",", " ").split()
    for s in a.servers:
        if s not in servers.CLASSES:
            ap.error(f"unknown server '{s}'")
    a.canond_valgrind = a.canond_valgrind or a.canond
    q = a.quick
    a.qcount, a.cg_runs, a.reps, a.secs = (10000, 1, 1, 5) if q else (20000, 2, 3, 10)
    a.quiet_wait = a.quiet_wait if a.quiet_wait is not None else (30 if q else 300)
    return a


def main():
    a = parse_args()
    work = tempfile.mkdtemp(prefix="canon-daemon.")
    b = Bench(a, work)
    quiet = measure.QuietWait(a.quiet_wait)
    try:
        log(f"zone: canon-genzone, {a.names} names; {a.qcount} queries")
        subprocess.run([a.genzone, "--origin", ORIGIN, "--seed", "1", "--names", str(a.names), "--mix", MIX,
                        "-o", b.zone], check=True)
        with open(b.out("workload.json"), "w") as f:
            subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                         "daemon_workload.py"),
                            b.zone, ORIGIN, str(a.qcount), b.queries, "--seed", "1"], stdout=f, check=True)
        a.perf = perf_works(work)
        for name in a.servers:
            b.callgrind(name)
        b.side_by_side(a.servers)
        for kind, options in (("rate", ["-Q", str(RATE), "-l", str(a.secs)]), ("max", ["-l", str(a.secs), "-q", "100"])):
            for rep in range(1, a.reps + 1):
                for name in a.servers:
                    log(f"({'b' if kind == 'rate' else 'c'}) {name}, rep {rep}: dnsperf {' '.join(options)}")
                    b.timed(kind, rep, name, options, quiet)
        write(a, b, quiet)
    finally:
        while RUNNING:
            RUNNING.pop().stop()
        shutil.rmtree(work, ignore_errors=True)


def write(a, b, quiet):
    """The raw figures and the report section."""
    # the raw figures stay beside the results (git-ignored), with the command that
    # turns them into the section again
    raw = os.path.join(ROOT, "bench/results/work", "daemon-quick-raw" if a.quick else "daemon-raw")
    shutil.rmtree(raw, ignore_errors=True)
    os.makedirs(raw)
    with open(os.path.join(raw, "results.jsonl"), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in b.rows))
    for f in ["workload.json", "canond-top.txt"] + [os.path.basename(p) for p in glob.glob(b.out("probe-*"))]:
        if os.path.exists(b.out(f)):
            shutil.copy(b.out(f), raw)
        else:
            open(os.path.join(raw, f), "w").close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip() or "unknown"
    if subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode != 0:
        commit += "+dirty"
    v = servers.versions(a.canond)
    meta = [f"commit={commit}", f"quiet={quiet.spent:.0f}s of {a.quiet_wait}s",
            f"versions={v['canond']}; {v['knotd']}; {v['nsd']}; {v['dnsperf']}; {v['valgrind']}",
            f"names={a.names}", f"mix={MIX}", f"qcount={a.qcount}", f"cg_runs={a.cg_runs}", f"reps={a.reps}",
            f"secs={a.secs}", f"rate={RATE}", f"quick={int(a.quick)}",
            f"date={time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"] + a.meta
    cmd = [sys.executable, "bench/suite/daemon_report.py", "daemon", a.out,
           "--results", os.path.join(raw, "results.jsonl"), "--workload", os.path.join(raw, "workload.json"),
           "--top", os.path.join(raw, "canond-top.txt"), "--probes", raw] + [x for m in meta for x in ("--meta", m)]
    with open(os.path.join(raw, "report.sh"), "w") as f:
        f.write(shlex.join(["python3"] + cmd[1:]) + "\n")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    daemon_report.main(cmd[2:])
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
