#!/usr/bin/env python3
"""Renders bench/run's results as markdown on stdout.

usage: zones_report.py RESULTS_DIR MEASURE_ENV

RESULTS_DIR holds bench-trie.json and bench-compile.json (Google Benchmark
--benchmark_out); MEASURE_ENV holds the key=value lines bench/run recorded
(canon-checkzone and peer figures). Medians are used when the runs have
aggregates; a single repetition is shown as is.
"""
import json
import os
import platform
import statistics
import sys
import time


CV = {}  # run_name -> its coefficient-of-variation aggregate, when there is one


def load_runs(path):
    """run_name -> the benchmark entry to show (median aggregate, else the runs' median)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:  # none ran (--quick's filter matched none)
        return {}, {}
    with open(path) as f:
        doc = json.load(f)
    medians, singles = {}, {}
    for b in doc.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = b
            elif b.get("aggregate_name") == "cv":
                CV[name] = b
        else:
            singles.setdefault(name, []).append(b)
    runs = dict(medians)
    for name, entries in singles.items():
        if name not in runs:
            entries.sort(key=lambda e: e.get("real_time", 0))
            runs[name] = entries[len(entries) // 2]
    return runs, doc.get("context", {})


def find(runs, prefix):
    """The entry whose run name starts with prefix (sizes are followed by /real_time etc.)."""
    for name, entry in runs.items():
        if name == prefix or name.startswith(prefix + "/"):
            return entry
    return None


def with_cv(entry, key, digits=1):
    """'201.6 ±4%': the median and how much the repetitions spread."""
    if not entry or entry.get(key) is None:
        return "–"
    cv = CV.get(entry.get("run_name", entry["name"]), {}).get(key)
    return fmt(entry[key], digits) + (f" ±{cv * 100:.0f}%" if cv is not None else "")


def fmt(value, digits=1):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def size_label(n):
    return {1000: "1K", 100000: "100K", 1000000: "1M"}.get(n, str(n))


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            env[key] = value
    return env


def wall_seconds(text):
    """'0:01.34' or '1:02:03' from /usr/bin/time -v."""
    if not text:
        return None
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def num(env, key):
    try:
        return float(env[key])
    except (KeyError, ValueError):
        return None


def main():
    results, env_path = sys.argv[1], sys.argv[2]
    env = read_env(env_path)
    trie, context = load_runs(os.path.join(results, "bench-trie.json"))
    compile_runs, compile_context = load_runs(os.path.join(results, "bench-compile.json"))
    context = context or compile_context
    sizes = [1000, 100000, 1000000]
    big = int(env.get("big", "1000000"))
    out = []
    p = out.append

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mode = "--quick" if env.get("quick") == "1" else "full"
    if env.get("micro") == "1":
        mode += " --micro"
    p("# Zone benchmarks\n")
    p(f"`bench/run` ({mode}), {time.strftime('%Y-%m-%d %H:%M %Z')}, commit {env.get('commit', '?')}; "
      f"release build, native={env.get('native', '?')}; {cpu}, {os.cpu_count()} CPUs, "
      f"Linux {platform.release()}; benchmarks pinned to CPU 1; "
      f"median of {env.get('reps', '?')} repetition(s), ±coefficient of variation. "
      f"Load average at start: {', '.join(f'{x:.1f}' for x in context.get('load_avg', []))}. "
      f"Raw JSON: `bench-trie.json`, `bench-compile.json` (not committed).\n")
    if context.get("library_build_type") == "debug":
        p("Google Benchmark's own library reports a debug build (Debian package); it only "
          "times the loop, so the figures are unaffected.\n")

    # ---- lookups ----
    p("## Name lookup (bench-trie): ns per query\n")
    p("Names one random label below example.com.; queries pre-generated and shuffled. "
      "*miss*: absent name, closest encloser = apex; *encloser*: `www.` below a stored name. "
      "Hash map: `std::unordered_map<std::string, uint32_t>`, same keys and order; its "
      "closest encloser strips a label per lookup until one hits.\n")
    p("| query | structure | " + " | ".join(size_label(n) for n in sizes) + " |")
    p("|---|---|" + "---:|" * len(sizes))
    for query in ("hit", "miss", "encloser"):
        for bench, label in (("BM_trie_find", "trie, single"),
                             ("BM_trie_burst32", "trie, burst of 32"),
                             ("BM_hash_find", "hash map, single")):
            cells = []
            for n in sizes:
                cells.append(with_cv(find(trie, f"{bench}/{query}/{n}"), "ns_per_query"))
            p(f"| {query} | {label} | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        e = find(trie, f"BM_trie_find/hit/{n}")
        cells.append(fmt(e.get("bytes_per_name") if e else None))
    p("| | trie bytes per name | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        e = find(trie, f"BM_trie_build/{n}")
        cells.append(fmt(e["real_time"], 1) + " ms" if e else "–")
    p("| | trie build from sorted keys | " + " | ".join(cells) + " |\n")
    one, many = find(trie, "BM_memory_chase/chains:1"), find(trie, "BM_memory_chase/chains:16")
    if one and many:
        p(f"This machine's memory (BM_memory_chase, random loads over 64 MiB): "
          f"{with_cv(one, 'ns_per_query')} ns per dependent load (a cache miss), "
          f"{with_cv(many, 'ns_per_query')} ns per load with 16 chains overlapped.\n")

    # ---- compile ----
    p("## Compile (bench-compile): canon-genzone single-A zones\n")
    p("Wall time (load + compile, as CompileStats splits it) and CPU time of the thread; "
      "records/s over wall time.\n")
    p("| names | wall ms | CPU ms | load ms | compile ms | records/s | bytes/record | "
      "snapshot MB (10^6) |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        e = find(compile_runs, f"BM_compile/{n}")
        if not e:
            continue
        ms = lambda s: None if s is None else s * 1e3
        p(f"| {size_label(n)} | {with_cv(e, 'real_time')} | {fmt(e['cpu_time'])} | "
          f"{fmt(ms(e.get('load_s')))} | "
          f"{fmt(ms(e.get('compile_s')))} | {fmt(e.get('records_per_second'), 0)} | "
          f"{fmt(e.get('bytes_per_record'))} | {fmt(e.get('snapshot_MB'))} |")
    p("")

    # ---- memory against peers ----
    if env.get("micro") != "1":
        mb = lambda kb: None if kb is None else kb / 1024
        canon_peak = num(env, "canon_maxrss_kb")
        canon_base = num(env, "canon_base_kb")
        p(f"## One zone of {size_label(big)} single-A names: canon and its peers\n")
        p(f"canon: `canon-checkzone --stats` (load, check, compile, exit) under /usr/bin/time -v: "
          f"{env.get('canon_stats', '')}. Peers: the same file, `zonefile-load: whole`, no journal "
          f"(knotd); `database: \"\"` (nsd); RSS read from /proc once the SOA answers "
          f"(largest process of the server). *Base*: the same program with a 1K-name zone.\n")
        p("| program | time to load s | peak RSS MiB | RSS after load MiB | base MiB | "
          "peak above base MiB |")
        p("|---|---:|---:|---:|---:|---:|")
        peak_above = {}
        if canon_peak is not None:
            above = canon_peak - (canon_base or 0)
            peak_above["canon"] = above
            p(f"| canon-checkzone | {fmt(wall_seconds(env.get('canon_wall')), 2)} | "
              f"{fmt(mb(canon_peak))} | (exits) | {fmt(mb(canon_base))} | {fmt(mb(above))} |")
        for server in ("knotd", "nsd"):
            hwm = num(env, f"{server}_hwm_kb")
            if hwm is None:
                p(f"| {server} | not measured | | | | |")
                continue
            base = num(env, f"{server}_base_hwm_kb")
            above = hwm - (base or 0)
            peak_above[server] = above
            p(f"| {server} | {fmt(num(env, f'{server}_load_s'), 2)} | {fmt(mb(hwm))} | "
              f"{fmt(mb(num(env, f'{server}_rss_kb')))} | {fmt(mb(base))} | {fmt(mb(above))} |")
        snap = find(compile_runs, f"BM_compile/{big}")
        if snap:
            p(f"| canon snapshot (served data) | | | {fmt(snap.get('snapshot_MB') * 1e6 / 2**20)} "
              f"| | |")
        p("")
        if "canon" in peak_above:
            ratios = [f"{s} / canon = {peak_above[s] / peak_above['canon']:.2f}"
                      for s in ("knotd", "nsd") if s in peak_above and peak_above["canon"] > 0]
            if ratios:
                p("Peak memory above base, ratio: " + "; ".join(ratios) + ".\n")

    # ---- engine ----
    engine_path = os.path.join(results, "bench-engine.json")
    engine = load_runs(engine_path)[0] if os.path.exists(engine_path) else []
    if engine:
        p(f"## Engine (bench-engine): query to response in memory, bursts of 32, {size_label(big)} names\n")
        p("Engine::answer_burst over 4096 distinct queries per kind in shuffled order: parse, "
          "batched trie walk, prepared chain or DNAME substitution, answer written in place.\n")
        p("| query | ns per query | target |")
        p("|---|---:|---:|")
        targets = {"a_hit": "≤ 50", "chain3": "≤ 100", "dname": "≤ 150", "nxdomain": "≤ 60"}
        for kind in ("a_hit", "chain3", "dname", "nxdomain"):
            e = find(engine, f"BM_answer/{kind}")
            value = e.get("ns_per_query") if e else None
            if value is not None and value < 1e-3:
                value *= 1e9  # kInvert rates come back in seconds
            p(f"| {kind} | {fmt(value)} | {targets[kind]} |")
        p("")

    # ---- targets ----
    p("## Targets (issue #2), reported, not asserted\n")
    p("| target | measured |")
    p("|---|---|")
    def ns(bench):
        e = find(trie, bench)
        return e.get("ns_per_query") if e else None
    p(f"| trie hit, 1M names, single ≤ 100 ns | {fmt(ns('BM_trie_find/hit/1000000'))} ns |")
    p(f"| trie hit, 1M names, burst of 32 ≤ 40 ns/query | {fmt(ns('BM_trie_burst32/hit/1000000'))} ns |")
    e = find(compile_runs, "BM_compile/1000000") or {}
    total = e.get("load_s", 0) + e.get("compile_s", 0) if e else None
    p(f"| compile 1M records (parse + check + compile) ≤ 2 s | {fmt(total, 2)} s |")
    p(f"| snapshot ≤ 100 bytes per single-A record | {fmt(e.get('bytes_per_record'))} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
