"""One measurement against one running server: dnsperf (max qps, or a fixed
rate with per-query latencies and server CPU), resperf (a ramp), callgrind
(instructions per answer). The load generator runs under `taskset -c 0`.

Methods are bench/daemon's: generator CPU from /usr/bin/time (U+S over the
elapsed time: >= 0.95 means dnsperf's own core was the ceiling); server CPU
as utime+stime of every thread of every process of the server, from
/proc/PID/stat before and after; callgrind counters zeroed once the server
answers, one fixed pass (`dnsperf -n 1 -c 1 -q 20`), every process dumped
and the new dumps' `summary:` lines summed (nsd, whose forked server process
callgrind_control cannot reach: totals at exit of a run with one pass minus
those of a run with none).
"""
import glob
import math
import os
import re
import subprocess
import time

import paths  # noqa: F401  (tests/system on sys.path)
import latency  # dnsperf -v parsing, percentiles
import servers  # tests/system/servers.py

GENERATOR_CPU = "0"
GENERATOR_BOUND = 0.95


def dnsperf_stats(text):
    """dnsperf's summary: sent, completed, lost, qps, mean response size (bytes),
    mean latency (s) and the response codes as it prints them."""
    out = {"sent": 0, "completed": 0, "lost": 0, "qps": 0.0, "resp_size": 0, "avg_latency": 0.0, "rcodes": ""}
    for key, pattern in (("sent", r"Queries sent:\s+(\d+)"), ("completed", r"Queries completed:\s+(\d+)"),
                         ("lost", r"Queries lost:\s+(\d+)"), ("qps", r"Queries per second:\s+([\d.]+)"),
                         ("resp_size", r"Average packet size:.*response (\d+)"),
                         ("avg_latency", r"Average Latency \(s\):\s+([\d.]+)"),
                         ("rcodes", r"Response codes:\s+(.*)")):
        m = re.search(pattern, text)
        if m:
            v = m.group(1).strip()
            out[key] = v if key == "rcodes" else float(v) if "." in v else int(v)
    return out


def busy_ticks():
    """CPU ticks spent busy on the whole machine (all CPUs), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


class QuietWait:
    """Before a timed run, wait until the rest of the machine is idle (< 0.15
    cores busy over 0.5 s), within a total budget of BUDGET_S seconds for the
    whole suite (bench/daemon's --quiet-wait)."""

    def __init__(self, budget_s):
        self.budget, self.spent = budget_s, 0.0

    def __call__(self):
        while self.spent < self.budget:
            b0 = busy_ticks()
            time.sleep(0.5)
            self.spent += 0.5
            if (busy_ticks() - b0) / servers.CLK_TCK / 0.5 < 0.15:
                return


class Others:
    """Cores the rest of the machine used during a run: all busy time minus the
    server's and the generator's (a 2-core machine shared with anything else
    makes a run noisy; bench/daemon's 'other')."""

    def __init__(self, server):
        self.server = server
        self.t0, self.b0, self.s0 = time.monotonic(), busy_ticks(), servers.cpu_ticks(server.proc.pid)

    def cores(self, generator_cpu):
        wall = time.monotonic() - self.t0
        busy = busy_ticks() - self.b0
        srv = servers.cpu_ticks(self.server.proc.pid) - self.s0
        return max(0.0, ((busy - srv) / servers.CLK_TCK - generator_cpu * wall) / wall) if wall > 0 else 0.0


def _timed(cmd, out_path, timeout_s):
    """Runs CMD on the generator CPU under /usr/bin/time; returns (output, generator CPU share)."""
    time_path = out_path + ".time"
    full = ["/usr/bin/time", "-f", "%U %S %e", "-o", time_path, "taskset", "-c", GENERATOR_CPU] + cmd
    with open(out_path, "w") as f:
        r = subprocess.run(full, stdout=f, stderr=subprocess.STDOUT, timeout=timeout_s)
    with open(out_path, errors="replace") as f:
        text = f.read()
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({r.returncode}): {text[-500:]}")
    gen = 0.0
    try:
        with open(time_path) as f:
            u, s, e = (float(x) for x in f.read().split()[-3:])
        gen = (u + s) / e if e > 0 else 0.0
    except (OSError, ValueError):
        pass
    return text, gen


def dnsperf_run(server, queries, options, out_path, timeout_s):
    """dnsperf on the generator CPU against SERVER with OPTIONS: its summary
    (dnsperf_stats), the generator's CPU share, the server's CPU ticks (utime,
    stime: every thread of every process), the wall time and the cores the
    rest of the machine used meanwhile."""
    cmd = ["dnsperf", "-s", "127.0.0.1", "-p", str(server.port), "-d", queries] + list(options)
    others = Others(server)
    u0, s0 = servers.cpu_split(server.proc.pid)
    t0 = time.monotonic()
    text, gen = _timed(cmd, out_path, timeout_s)
    wall = time.monotonic() - t0
    u1, s1 = servers.cpu_split(server.proc.pid)
    st = dnsperf_stats(text)
    st.update({"generator_cpu": gen, "utime": u1 - u0, "stime": s1 - s0, "wall": wall,
               "others": others.cores(gen)})
    return st


def max_qps(server, queries, seconds, out_path):
    """dnsperf at full speed (-q 100 outstanding) for SECONDS."""
    st = dnsperf_run(server, queries, ["-l", str(seconds), "-q", "100", "-t", "2"], out_path, seconds + 60)
    gen = st["generator_cpu"]
    return {"qps": st["qps"], "lost": st["lost"], "generator_cpu": round(gen, 3),
            "generator_bound": gen >= GENERATOR_BOUND, "others": st["others"]}


def fixed_rate(server, queries, seconds, rate, out_path):
    """dnsperf -Q RATE -v: per-query latencies (µs) and the server's CPU ticks."""
    st = dnsperf_run(server, queries, ["-l", str(seconds), "-Q", str(rate), "-q", "1000", "-t", "2", "-v"],
                     out_path, seconds + 60)
    events, _ = latency.parse(out_path)
    lat = [e[1] for e in events if e[0] == "q"]
    return {"answered": st["completed"], "lost": st["lost"], "cpu_ticks": st["utime"] + st["stime"],
            "latencies_us": lat, "generator_cpu": st["generator_cpu"], "others": st["others"]}


def percentiles(lat):
    p = latency.pcts(lat)
    if not p.get("n"):
        return {}, []
    ordered = sorted(lat)
    n = len(ordered)
    fractions = [i / 50 for i in range(1, 50)] + [0.99, 0.995, 0.999, 1.0]
    cdf = []
    for q in sorted(set(fractions)):
        us = ordered[min(n - 1, max(0, math.ceil(q * n) - 1))]
        cdf.append([round(us, 1), q])
    return ({"50": round(p["p50"], 1), "90": round(p["p90"], 1), "99": round(p["p99"], 1),
             "99.9": round(p["p999"], 1)}, cdf)


def resperf(server, queries, ramp_s, max_rate, out_dir):
    """resperf ramp from 0 to MAX_RATE over RAMP_S; resperf's 'Maximum
    throughput' (the highest response rate of a 0.5 s interval). No -L: on a
    short ramp the queries in flight at the end of an interval already count
    as lost there. 'fell_behind': resperf could not send at its target rate
    (its own core was the ceiling) and ended the ramp early."""
    out_path = os.path.join(out_dir, f"resperf-{server.name}.txt")
    cmd = ["resperf", "-s", "127.0.0.1", "-p", str(server.port), "-d", queries, "-R", "-m", str(max_rate),
           "-r", str(ramp_s), "-c", "0", "-t", "2", "-P", out_path + ".plot"]
    text, gen = _timed(cmd, out_path, ramp_s + 120)
    m = re.search(r"Maximum throughput:\s+([\d.]+)", text)
    if not m:
        raise RuntimeError(f"resperf printed no maximum throughput: {text[-400:]}")
    fell = re.search(r"Fell behind by \d+ queries, ending test at (\d+) qps", text)
    return {"max_qps_before_loss": float(m.group(1)), "generator_cpu": gen,
            "fell_behind": int(fell.group(1)) if fell else None}


# ---- callgrind ------------------------------------------------------------------------------

def callgrind_control(what, pid):
    r = subprocess.run(["callgrind_control", f"-{what}", str(pid)], capture_output=True, text=True,
                       timeout=120)
    if "OK" not in r.stdout + r.stderr:
        raise RuntimeError(f"callgrind_control -{what} {pid} failed: {(r.stdout + r.stderr)[-300:]}")


def summary_total(files):
    total = 0
    for path in files:
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("summary:"):
                    total += int(line.split()[1])
    return total


def callgrind_pass(server, queries, out_path, passes=1):
    """PASSES passes over QUERIES, one query in flight at a time; returns the answered count."""
    cmd = ["dnsperf", "-s", "127.0.0.1", "-p", str(server.port), "-d", queries, "-n", str(passes), "-c", "1",
           "-q", "20", "-t", "10"]
    text, _ = _timed(cmd, out_path, 1800)
    answered = dnsperf_stats(text)["completed"]
    if answered <= 0:
        raise RuntimeError(f"{server.name} answered nothing under callgrind")
    return answered


def zero_dump(server, queries, prefix, out_path, passes=1):
    """Instructions of PASSES passes over QUERIES on a server already running
    under callgrind: (instructions, answered, the dump files read)."""
    pids = server.pids()
    for p in pids:
        callgrind_control("z", p)
    answered = callgrind_pass(server, queries, out_path, passes)
    before = set(glob.glob(prefix + ".*"))
    for p in pids:
        callgrind_control("d", p)
    new = sorted(set(glob.glob(prefix + ".*")) - before)
    if not new:
        raise RuntimeError(f"no callgrind dump appeared for {server.name}")
    return summary_total(new), answered, new
