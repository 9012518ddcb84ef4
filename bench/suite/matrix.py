#!/usr/bin/env python3
"""The benchmark matrix: canond, knotd and nsd side by side over workloads
and zone sizes, one JSON file (read by bench/suite/report.py).

    bench/suite/matrix.py --build DIR [--canond-valgrind BIN] [--quick]
        [--sizes 1000,100000,...] [--servers canond,knotd,nsd]
        [--workloads a_hit,chain1,...] [--runs N] [--seconds S] [--rate QPS]
        [--out FILE] [--command TEXT] [--keep-work]

Usually started by `bench/run` (full) or `bench/run --quick`. Servers run
one worker each, pinned to CPU 1; dnsperf/resperf run pinned to CPU 0; all
traffic goes to 127.0.0.1. At each size every server loads the same zone
(one after the other, so each load has CPU 1 to itself) and stays up while
the cells of that size run; within a cell the servers alternate (A B C, A
B C, ...). Callgrind runs come last, one server at a time. What cannot run
is listed in "skipped" with the reason; the JSON is rewritten after every
step, so an interrupted run leaves what it measured.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import dpdk_results
import measure
import paths  # noqa: F401  (tests/system on sys.path)
import plan
import servers  # tests/system/servers.py
import workloads

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SERVER_CPU = "1"
RUNNING = []  # servers started and not yet stopped: stopped by PID on any exit
QUIET = measure.QuietWait(0)


def log(msg):
    print(f"== {msg}", file=sys.stderr, flush=True)


def native_wait(size):
    return 60 + size * 3e-5      # 1M names: 90 s, 10M: 360 s


def valgrind_wait(size):
    return min(1800, 180 + size * 6e-3)  # 100K names: 780 s


class Results:
    def __init__(self, path, meta, names, wl, count):
        self.path = path
        self.data = {"meta": meta, "servers": names,
                     "workloads": {w: {"description": workloads.WORKLOADS[w],
                                       "zone_mix": f"canon-genzone --origin {workloads.ORIGIN} --seed 1 "
                                                   f"--names SIZE --mix {workloads.ZONE_MIX} "
                                                   "(one zone per size, shared by every workload)",
                                       "queries": count} for w in wl},
                     "skipped": [], "zones": [], "qps": [], "latency": [], "cpu": [],
                     "instructions": [], "resperf": [], "dpdk": None}

    def add(self, key, row):
        self.data[key].append(row)
        self.save()

    def skip(self, server, workload, size, what, reason):
        log(f"skipped: {server} {workload} {size} {what}: {reason}")
        self.add("skipped", {"server": server, "workload": workload, "size": size, "what": what,
                             "reason": reason})

    def note(self, text):
        self.data["meta"]["notes"].append(text)
        self.save()

    def save(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
            f.write("\n")
        os.replace(tmp, self.path)


def stop_all():
    while RUNNING:
        s = RUNNING.pop()
        try:
            s.stop()
        except Exception as e:  # keep stopping the others
            log(f"stopping {s.name}: {e}")


def start(server, tag, wait_s, callgrind_out=None):
    RUNNING.append(server)
    try:
        return server.start(wait_s, tag, callgrind_out)
    except Exception:
        RUNNING.remove(server)
        server.stop()
        raise


def stop(server, wait_s=20):
    if server in RUNNING:
        RUNNING.remove(server)
    server.stop(wait_s)


def meta(args, mode):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20, cwd=ROOT).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    commit = out(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode != 0:
        commit += "+dirty"
    cpu_model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "command": args.command or "bench/suite/matrix.py " + " ".join(sys.argv[1:]), "mode": mode,
            "cpu_model": cpu_model, "cpus": os.cpu_count(), "kernel": platform.release(),
            "versions": servers.versions(args.canond), "generator_cpus": measure.GENERATOR_CPU,
            "server_cpus": SERVER_CPU, "runs": args.runs, "seconds": args.seconds, "notes": []}


def prepare(args, sizes, wl, work):
    """Zones and query files per size: {size: {"zone", "probe", "files", "cg_files"}}."""
    out = {}
    for size in sizes:
        zone = os.path.join(work, f"zone-{size}.zone")
        t0 = time.monotonic()
        workloads.make_zone(args.genzone, size, zone)
        pools = workloads.classify(zone)
        log(f"zone {size} names: made and classified in {time.monotonic() - t0:.1f} s "
            f"({', '.join(f'{k} {len(v)}' for k, v in pools.items())})")
        files, cg_files, errors = {}, {}, {}
        for w in wl:
            path = os.path.join(work, f"q-{w}-{size}.txt")
            try:
                lines = workloads.write_queries(w, pools, args.queries, path)
            except ValueError as e:
                errors[w] = str(e)
                continue
            files[w] = path
            cg = os.path.join(work, f"cg-{w}-{size}.txt")
            with open(cg, "w") as f:
                f.write("\n".join(lines[:args.cg_queries]) + "\n")
            cg_files[w] = cg
        hit = workloads.query_lines("a_hit", pools, 1)[0].split()
        out[size] = {"zone": zone, "probe": (hit[0], hit[1]), "files": files, "cg_files": cg_files,
                     "errors": errors}
    return out


def check_answers(res, up, data, size):
    """The first queries of each workload, to every server: rcodes and answer counts must agree."""
    for w, path in data["files"].items():
        with open(path) as f:
            qs = [l.split() for _, l in zip(range(5), f)]
        seen = {}
        for s in up:
            seen[s.name] = [servers.dns_query(s.port, n, t, timeout=2) for n, t in qs]
        if len({json.dumps(v) for v in seen.values()}) > 1:
            res.note(f"{w} at {size} names: the servers' (rcode, answer count) for the first queries differ: "
                     + "; ".join(f"{k} {v}" for k, v in seen.items()))


TIMED = []  # (what, server, workload, size, run, cores the rest of the machine used)


def disturbed(res, what, server, w, size, rep, others):
    TIMED.append((what, server, w, size, rep + 1, others))


def disturbed_note(res):
    bad = [t for t in TIMED if t[5] >= 0.2]
    if not TIMED:
        return
    text = (f"others: in {len(bad)} of {len(TIMED)} timed dnsperf runs the rest of the machine used >= 0.2 cores "
            f"(median over all runs {statistics.median(t[5] for t in TIMED):.2f}, max {max(t[5] for t in TIMED):.2f}; "
            "all busy time from /proc/stat minus the server's and the generator's)")
    if bad:
        worst = sorted(bad, key=lambda t: -t[5])[:5]
        text += "; worst: " + ", ".join(f"{t[0]} {t[1]} {t[2]} {t[3]} run {t[4]} {t[5]:.2f}" for t in worst)
    res.note(text)


def native_size(args, res, p, size, data, work):
    """Every native measure at one size, the servers side by side."""
    up = []
    for name in args.servers:
        s = servers.make(name, work, data["zone"], workloads.ORIGIN, data["probe"], args.canond,
                         int(SERVER_CPU))
        log(f"{name}: loading {size} names")
        try:
            load = start(s, f"native-{size}", native_wait(size))
        except Exception as e:
            res.skip(name, "*", size, "load", f"did not load within the bounded wait: {e}")
            continue
        time.sleep(1)  # the loader's last frees
        res.add("zones", {"server": name, "size": size, "load_seconds": round(load, 3),
                          "rss_kib": servers.rss_kib(s.proc.pid)})
        up.append(s)
    if not up:
        return
    check_answers(res, up, data, size)
    raw = os.path.join(work, "raw")
    os.makedirs(raw, exist_ok=True)

    for w in p["qps"].get(size, []):
        if w not in data["files"]:
            res.skip("*", w, size, "qps", data["errors"].get(w, "no query file"))
            continue
        runs = {s.name: [] for s in up}
        for rep in range(args.runs):
            for s in up:
                QUIET()
                if not s.alive():
                    res.skip(s.name, w, size, "qps", f"run {rep + 1}: the server is no longer running: {s.tail()}")
                    continue
                try:
                    r = measure.max_qps(s, data["files"][w], args.seconds,
                                        os.path.join(raw, f"qps-{s.name}-{w}-{size}-{rep}.txt"))
                except Exception as e:
                    res.skip(s.name, w, size, "qps", f"run {rep + 1}: {e}")
                    continue
                runs[s.name].append(r)
                log(f"qps {s.name} {w} {size} run {rep + 1}: {r['qps']:.0f} (lost {r['lost']}, "
                    f"generator CPU {r['generator_cpu']:.2f}, others {r['others']:.2f} cores)")
                disturbed(res, "qps", s.name, w, size, rep, r["others"])
        for name, rs in runs.items():
            if not rs:
                continue
            q = [r["qps"] for r in rs]
            gen = [r["generator_cpu"] for r in rs]
            res.add("qps", {"server": name, "workload": w, "size": size, "runs": [round(x, 1) for x in q],
                            "median": round(statistics.median(q), 1), "min": round(min(q), 1), "max": round(max(q), 1),
                            "lost": [r["lost"] for r in rs],
                            "generator_bound": statistics.median(gen) >= measure.GENERATOR_BOUND,
                            "generator_cpu": gen})

    for w in p["rate"].get(size, []):
        if w not in data["files"]:
            res.skip("*", w, size, "cpu", data["errors"].get(w, "no query file"))
            continue
        pooled = {s.name: {"answered": 0, "ticks": 0, "lat": []} for s in up}
        for rep in range(args.runs):
            for s in up:
                QUIET()
                if not s.alive():
                    res.skip(s.name, w, size, "cpu", f"run {rep + 1}: the server is no longer running: {s.tail()}")
                    continue
                try:
                    r = measure.fixed_rate(s, data["files"][w], args.seconds, args.rate,
                                           os.path.join(raw, f"rate-{s.name}-{w}-{size}-{rep}.txt"))
                except Exception as e:
                    res.skip(s.name, w, size, "cpu", f"run {rep + 1}: {e}")
                    continue
                acc = pooled[s.name]
                acc["answered"] += r["answered"]
                acc["ticks"] += r["cpu_ticks"]
                acc["lat"].extend(r["latencies_us"])
                log(f"rate {s.name} {w} {size} run {rep + 1}: {r['answered']} answered, "
                    f"{r['cpu_ticks']} ticks, lost {r['lost']}, others {r['others']:.2f} cores")
                disturbed(res, "cpu/latency", s.name, w, size, rep, r["others"])
        for name, acc in pooled.items():
            if not acc["answered"]:
                continue
            cpu_s = acc["ticks"] / servers.CLK_TCK
            res.add("cpu", {"server": name, "workload": w, "size": size, "offered_qps": args.rate,
                            "answered": acc["answered"], "cpu_seconds": round(cpu_s, 3),
                            "us_per_answer": round(cpu_s / acc["answered"] * 1e6, 3)})
            pct, cdf = measure.percentiles(acc["lat"])
            if pct:
                res.add("latency", {"server": name, "workload": w, "size": size, "offered_qps": args.rate,
                                    "percentiles_us": pct, "cdf": cdf})

    for w in p["resperf"].get(size, []):
        if w not in data["files"]:
            continue
        if not shutil.which("resperf"):
            res.skip("*", w, size, "resperf", "resperf is not installed")
            continue
        for s in up:
            try:
                r = measure.resperf(s, data["files"][w], args.ramp, args.resperf_max, raw)
            except Exception as e:
                res.skip(s.name, w, size, "resperf", str(e))
                continue
            log(f"resperf {s.name} {w} {size}: {r['max_qps_before_loss']:.0f} "
                f"(generator CPU {r['generator_cpu']:.2f})")
            if r["fell_behind"]:
                res.note(f"resperf against {s.name} ({w}, {size} names) fell behind its ramp at {r['fell_behind']} qps "
                         f"offered (generator CPU {r['generator_cpu']:.2f}): its maximum is bounded by the generator")
            res.add("resperf", {"server": s.name, "workload": w, "size": size,
                                "max_qps_before_loss": r["max_qps_before_loss"]})
    for s in up:
        stop(s)


def callgrind_size(args, res, size, wl, data, work):
    """Instructions per answer, one server at a time under callgrind."""
    cg_dir = os.path.join(work, "cg")
    os.makedirs(cg_dir, exist_ok=True)
    wl = [w for w in wl if w in data["cg_files"]]
    for name in args.servers:
        binary = args.canond_valgrind if name == "canond" else None
        mk = lambda: servers.make(name, work, data["zone"], workloads.ORIGIN, data["probe"],  # noqa: E731
                                  binary or args.canond, int(SERVER_CPU))
        if name != "nsd":
            s = mk()
            prefix = os.path.join(cg_dir, f"{name}-{size}")
            log(f"{name} under callgrind: loading {size} names")
            try:
                start(s, f"cg-{size}", valgrind_wait(size), prefix)
            except Exception as e:
                for w in wl:
                    res.skip(name, w, size, "instructions", f"did not answer under callgrind: {e}")
                continue
            time.sleep(1)
            for w in wl:
                try:
                    ir, answered, _ = measure.zero_dump(s, data["cg_files"][w], prefix,
                                                     os.path.join(cg_dir, f"{name}-{w}-{size}.dnsperf"))
                except Exception as e:
                    res.skip(name, w, size, "instructions", str(e))
                    continue
                log(f"instructions {name} {w} {size}: {ir / answered:.0f} per answer")
                res.add("instructions", {"server": name, "workload": w, "size": size,
                                         "per_answer": round(ir / answered, 1), "answered": answered,
                                         "method": "zero-dump"})
            stop(s, 120)
            continue
        # nsd: a run with no pass (start-up, load, shutdown), then one run per workload
        # with one pass; the difference of the totals at exit is the pass's cost.
        totals = {}
        for w in [None] + wl:
            tag = w or "base"
            s = mk()
            prefix = os.path.join(cg_dir, f"{name}-{size}-{tag}")
            log(f"{name} under callgrind ({tag}): loading {size} names")
            try:
                start(s, f"cg-{size}-{tag}", valgrind_wait(size), prefix)
                time.sleep(1)
                answered = 0
                if w:
                    answered = measure.callgrind_pass(s, data["cg_files"][w],
                                                      os.path.join(cg_dir, f"{name}-{w}-{size}.dnsperf"))
                stop(s, 180)
                dumps = [os.path.join(cg_dir, f) for f in os.listdir(cg_dir)
                         if f.startswith(os.path.basename(prefix) + ".")]
                if not dumps:
                    raise RuntimeError("no callgrind output at exit")
                totals[tag] = (measure.summary_total(dumps), answered)
            except Exception as e:
                stop(s, 60)
                if w is None:
                    for x in wl:
                        res.skip(name, x, size, "instructions", f"baseline run under callgrind failed: {e}")
                    break
                res.skip(name, w, size, "instructions", str(e))
                continue
            if w:
                ir = totals[tag][0] - totals["base"][0]
                log(f"instructions {name} {w} {size}: {ir / answered:.0f} per answer")
                res.add("instructions", {"server": name, "workload": w, "size": size,
                                         "per_answer": round(ir / answered, 1), "answered": answered,
                                         "method": "difference"})


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-release")
    ap.add_argument("--canond", help="canond binary (default BUILD/tools/canond/canond)")
    ap.add_argument("--canond-valgrind", help="canond binary for callgrind (default --canond)")
    ap.add_argument("--genzone", help="canon-genzone (default BUILD/tools/canon-genzone)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes")
    ap.add_argument("--servers", default="canond,knotd,nsd")
    ap.add_argument("--workloads", default=",".join(workloads.WORKLOADS))
    ap.add_argument("--runs", type=int)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--rate", type=int, default=20000, help="offered qps for cpu and latency")
    ap.add_argument("--queries", type=int, default=100000, help="queries per workload file")
    ap.add_argument("--cg-queries", type=int, help="queries of the callgrind pass")
    ap.add_argument("--ramp", type=int, help="resperf ramp seconds")
    ap.add_argument("--resperf-max", type=int, default=300000)
    ap.add_argument("--out")
    ap.add_argument("--command", help="the command line to record in meta")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--quiet-wait", type=int, help="seconds in all to wait for an idle machine before timed runs "
                    "(default 0 with --quick, else 300)")
    ap.add_argument("--keep-work", action="store_true")
    a = ap.parse_args()
    q = a.quick
    a.sizes = [int(float(x)) for x in (a.sizes or ("1000,100000" if q else "1000,100000,1000000,10000000")).split(",")]
    a.servers = [x for x in a.servers.split(",") if x]
    a.workloads = [x for x in a.workloads.split(",") if x]
    for s in a.servers:
        if s not in servers.CLASSES:
            ap.error(f"unknown server '{s}' (known: {', '.join(servers.CLASSES)})")
    for w in a.workloads:
        if w not in workloads.WORKLOADS:
            ap.error(f"unknown workload '{w}' (known: {', '.join(workloads.WORKLOADS)})")
    a.runs = a.runs or (1 if q else 3)
    a.seconds = a.seconds or (3 if q else 10)
    a.cg_queries = a.cg_queries or (5000 if q else 20000)
    a.ramp = a.ramp or (10 if q else 30)
    a.quiet_wait = a.quiet_wait if a.quiet_wait is not None else (0 if q else 300)
    a.out = a.out or os.path.join(ROOT, "bench/results/work/suite-quick.json" if q else "bench/results/suite.json")
    build = a.build if os.path.isabs(a.build) else os.path.join(ROOT, a.build)
    a.canond = a.canond or os.path.join(build, "tools/canond/canond")
    a.canond_valgrind = a.canond_valgrind or a.canond
    a.genzone = a.genzone or os.path.join(build, "tools/canon-genzone")
    return a


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for tool in ("dnsperf", "taskset", "/usr/bin/time") + tuple(s for s in ("knotd", "nsd") if s in args.servers):
        if not shutil.which(tool):
            sys.exit(f"matrix: {tool} is missing (tools/install-deps)")
    if (os.cpu_count() or 1) < 2:
        sys.exit("matrix: needs 2 CPUs (server on CPU 1, generator on CPU 0)")
    QUIET.budget = args.quiet_wait
    p = plan.make(args.sizes, args.workloads, args.quick)
    mode = "quick" if args.quick else "full"
    res = Results(args.out, meta(args, mode), args.servers, args.workloads, args.queries)
    m = res.data["meta"]
    m["notes"] += [
        f"plan: qps {json.dumps(p['qps'])}; cpu+latency {json.dumps(p['rate'])}; resperf {json.dumps(p['resperf'])};"
        f" instructions {json.dumps(p['instructions'])}",
        "qps: dnsperf -l SECONDS -q 100 -c 1 (one socket), servers alternated within each run; "
        "generator_cpu is dnsperf's (user+system)/elapsed on CPU 0 from /usr/bin/time, generator_bound when the "
        "median is >= 0.95",
        f"cpu and latency come from the same runs: dnsperf -Q {args.rate} -v, {args.runs} run(s) of {args.seconds} s "
        "per server, alternated; cpu = utime+stime of every thread of every server process (/proc/PID/stat, "
        f"{servers.CLK_TCK} ticks/s) over the answered queries of all runs; latency percentiles (nearest rank) and "
        "the CDF over every answered query of all runs",
        "zones: load_seconds from the server's start to its first correct answer (an a_hit name), each server "
        "loading alone on CPU 1; rss_kib the largest VmRSS of the server's processes 1 s later",
        f"instructions: callgrind, one pass of {args.cg_queries} queries (dnsperf -n 1 -c 1 -q 20), user-space "
        "instructions of every thread over the answered count; canond and knotd zero-dump (callgrind_control -z, "
        "pass, -d), nsd difference (totals at exit of a run with one pass minus a run with none)",
        f"resperf: -m {args.resperf_max} -r {args.ramp} -c 0 -R, pinned to CPU 0; max_qps_before_loss is its "
        "'Maximum throughput' (the best 0.5 s interval's response rate); resperf is as generator-bound as dnsperf here",
        f"load average at the start: {' '.join(open('/proc/loadavg').read().split()[:3])}",
    ]
    if args.canond_valgrind != args.canond:
        m["notes"].append(f"canond under callgrind: {os.path.relpath(args.canond_valgrind, ROOT)} "
                          "(-Dnative=false: valgrind cannot decode the -march=native build's AVX-512)")
    res.save()
    work = tempfile.mkdtemp(prefix="canon-suite.")
    t_start = time.monotonic()
    try:
        need = sorted(set(p["sizes"]) | set(p["instructions"]))
        data = prepare(args, need, args.workloads, work)
        for size in need:
            for w, e in data[size]["errors"].items():
                res.skip("*", w, size, "*", e)
        for size in p["sizes"]:
            native_size(args, res, p, size, data[size], work)
            stop_all()
        if args.no_callgrind:
            res.skip("*", "*", None, "instructions", "--no-callgrind")
        elif not (shutil.which("valgrind") and shutil.which("callgrind_control")):
            res.skip("*", "*", None, "instructions", "valgrind/callgrind_control are not installed")
        else:
            for size, wl in sorted(p["instructions"].items()):
                callgrind_size(args, res, size, wl, data[size], work)
                stop_all()
        disturbed_note(res)
        m["notes"].append(f"quiet wait: {QUIET.spent:.0f} s of {QUIET.budget} s spent waiting for an idle machine "
                          "before timed runs")
        # bench/run runs bench/dpdk-veth and bench/dpdk-memif after this and merges their figures
        # (dpdk_results.py merge); alone, the matrix records their committed reports as earlier runs.
        res.data["dpdk"] = dpdk_results.collect()
        for row in dpdk_results.skipped_rows(res.data["dpdk"]):
            res.skip(row["server"], row["workload"], row["size"], row["what"], row["reason"])
        m["notes"].append(f"wall time {time.monotonic() - t_start:.0f} s")
        res.save()
        log(f"wrote {args.out} ({time.monotonic() - t_start:.0f} s)")
    finally:
        stop_all()
        if args.keep_work:
            log(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
