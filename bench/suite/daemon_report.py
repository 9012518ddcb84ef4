#!/usr/bin/env python3
"""Markdown for bench/results/daemon.md, one section per script.

    daemon_report.py daemon FILE --results R.jsonl --workload W.json [--top T]
                     [--probes DIR] [--meta key=value]...
    daemon_report.py swap FILE --results R.json [--meta key=value]...

Each script owns one section of FILE, between '<!-- bench/daemon -->' /
'<!-- /bench/daemon -->' (or the bench/swap-latency pair); a section is
replaced in place, or appended when absent, and the rest of the file is kept.
The section is also printed on stdout.
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import time

TITLE = "# canond beside knotd and nsd\n\nWritten by `bench/daemon` and `bench/swap-latency`; each script rewrites only its own section.\n"


def write_section(path, tag, body):
    begin, end = f"<!-- {tag} -->", f"<!-- /{tag} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}\n"
    text = open(path).read() if os.path.exists(path) else TITLE
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    os.replace(tmp, path)
    print(body)


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def machine():
    return f"{os.cpu_count()} CPUs ({cpu_model()}), Linux {platform.release()}"


def short_name(fn):
    """'???:ns::f(args) const [binary]' -> 'ns::f'; keeps '(anonymous namespace)'."""
    fn = re.sub(r"\s+\[[^\]]*\]$", "", fn.strip())
    fn = re.sub(r"^(\?\?\?|[^:]*\.[cSh]):", "", fn)
    fn = fn.replace("(anonymous namespace)", "{anon}")
    depth, out = 0, []
    for ch in fn:          # drop parameter lists and template arguments
        if ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    name = "".join(out).replace("{anon}", "(anon)").strip()
    return re.sub(r"\s*const$", "", name)


def top_functions(path):
    """(instructions, percent, name) by self cost from callgrind_annotate, without
    the frames active at the dump (reported with their inclusive cost, >= 99 %)."""
    if not os.path.exists(path):
        return []
    rows, seen = [], False
    for line in open(path, errors="replace"):
        if "file:function" in line:
            seen = True
            continue
        m = re.match(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)$", line)
        if not seen or not m or "PROGRAM TOTALS" in line:
            continue
        ir, pct = int(m.group(1).replace(",", "")), float(m.group(2))
        if pct >= 99.0:
            continue
        rows.append((ir, pct, short_name(m.group(3))))
    return rows


def median_run(rs, key):
    """The run whose key is the median (the lower middle for an even count)."""
    ordered = sorted(rs, key=key)
    return ordered[(len(ordered) - 1) // 2]


def run_cell(r, value, fmt):
    return fmt.format(value) + ("†" if r.get("other", 0) > 0.2 else "")


def limit(r):
    gen = r.get("gen_cpu", 0) >= 0.95
    srv = r["cpu_s"] / r["wall_s"] >= 0.95 if r.get("wall_s") else False
    return "both" if gen and srv else "dnsperf" if gen else "server" if srv else "neither"


def split(r, part):
    """User or kernel µs per answer from the run's perf kernel share ('-' without perf)."""
    k = r.get("kernel_share", -1)
    if k is None or k < 0 or not r["completed"]:
        return "-"
    us = r["cpu_s"] * 1e6 / r["completed"]
    return f"{us * (k if part == 'kernel' else 1 - k):.2f}"


def ratio(a, b, fmt="{:.1f}"):
    return fmt.format(a / b) if b else "-"


def median(xs):
    return statistics.median(xs) if xs else 0


def daemon(args, meta):
    rows = [json.loads(l) for l in open(args.results) if l.strip()]
    wl = json.load(open(args.workload))
    servers = ["canond", "knotd", "nsd"]
    by = lambda m, s: [r for r in rows if r["measure"] == m and r["server"] == s]
    quick = meta.get("quick") == "1"
    out = []
    w = out.append
    w("## bench/daemon: instructions, CPU and qps per answered query" + (" (quick run)" if quick else ""))
    w("")
    w(f"Run {meta.get('date') or time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {meta.get('commit')}, "
      f"`{meta.get('command').strip()}`; {machine()}; waited {meta.get('quiet', '-')} for the machine to go idle.")
    w(f"Versions: {meta.get('versions')}.")
    w("")
    rec = wl["records"]
    w(f"**Zone** example.com.: `canon-genzone --origin example.com. --seed 1 --names {meta['names']} "
      f"--mix {meta['mix']}` → " + ", ".join(f"{n} {t}" for t, n in sorted(rec.items(), key=lambda x: -x[1]))
      + f" records; CNAME chain heads with 1/2/3 links: {wl['chains']['1']}/{wl['chains']['2']}/{wl['chains']['3']}; "
      f"{wl['dnames']} DNAMEs (each with www./mail. A names under its target); MX targets are A names of the zone.")
    mix = wl["mix"]
    w(f"**Queries** ({wl['queries']} lines, `bench/suite/daemon_workload.py`, seed 1; no EDNS): "
      f"A on A names {mix['a']} %, AAAA {mix['aaaa']} %, MX {mix['mx']} %, TXT {mix['txt']} %, "
      f"A on CNAME-chain heads {mix['chain1'] + mix['chain2'] + mix['chain3']} % (1, 2, 3 links equally), "
      f"A below a DNAME {mix['dname']} %, NXDOMAIN {mix['nxdomain']} %.")
    w("**Servers**, one UDP worker each, every thread pinned to CPU 1 (`taskset -c 1`, and "
      "`taskset -a -pc 1 PID` on every process once it answers: knotd re-pins its workers itself); "
      "dnsperf on CPU 0 (`taskset -c 0`). canond: `--workers 1 --cpus 1` (socket backend); "
      "knotd: `udp-workers: 1`, `tcp-workers: 1`, `background-workers: 1`; "
      "nsd: `server-count: 1`, `rrl-ratelimit: 0`, `minimal-responses: yes` (no NS/glue added to positive "
      "answers, like knotd and canond; nsd then also leaves out the MX target's address, see the sizes below).")
    w("")

    # (a)
    cg = {s: (by("cg", s) or [None])[0] for s in servers}
    per = {s: (cg[s]["ir"] / cg[s]["completed"] if cg[s] and cg[s]["completed"] else 0) for s in servers}
    w("### (a) User-space instructions per answered query (callgrind)")
    w("")
    w("| server | instructions (all threads) | answered | lost | per answer | ÷ canond | method |")
    w("|---|---:|---:|---:|---:|---:|---|")
    for s in servers:
        r = cg[s]
        if not r:
            w(f"| {s} | - | - | - | - | - | not run |")
            continue
        w(f"| {s} | {r['ir']:,} | {r['completed']:,} | {r['lost']} | {per[s]:,.0f} | "
          f"{ratio(per[s], per['canond'])} | {r.get('method', '')} |")
    w("")
    w("*zero-dump*: `callgrind_control -z` on every process once the server answers, one pass of "
      f"`dnsperf -n {meta['cg_runs']} -c 1 -q 20`, `callgrind_control -d`, the new dumps' `summary:` lines "
      "summed (all threads: `--separate-threads=no`). *difference* (nsd): nsd forks its server process and "
      "valgrind's gdbserver, which callgrind_control talks to, does not follow a fork, so nsd runs twice under "
      f"callgrind, with 1 and {1 + int(meta['cg_runs'])} passes, is stopped, and the difference of the totals of all "
      "its processes' final dumps over the difference of the answered counts is its cost per answer "
      "(start-up, zone loading and shutdown cancel out).")
    w("")
    w(f"canond under callgrind: {meta.get('vg_build', 'the same build')}; (b) and (c) run {meta.get('build', '')}.")
    w("")
    if per["canond"]:
        ok700 = per["canond"] <= 700
        oktenth = per["knotd"] and per["canond"] <= per["knotd"] / 10
        w(f"Target for canond: ≤ 700 per answer ({'met' if ok700 else 'NOT met'}: {per['canond']:,.0f}) and "
          f"≤ a tenth of knotd's ({'met' if oktenth else 'NOT met'}: knotd/canond = {ratio(per['knotd'], per['canond'])}).")
        w("")
    top = top_functions(args.top) if args.top else []
    if top and cg["canond"]:
        n = cg["canond"]["completed"]
        w("canond's instructions by function (self cost, `callgrind_annotate --inclusive=no` on the dump above; "
          "the thread's entry frames, still active at the dump, are left out — callgrind reports them inclusive):")
        w("")
        w("| function | instructions | per answer | share |")
        w("|---|---:|---:|---:|")
        for ir, pct, fn in top[:10]:
            w(f"| `{fn}` | {ir:,} | {ir / n:,.0f} | {pct:.1f} % |")
        rest = cg["canond"]["ir"] - sum(t[0] for t in top[:10])
        w(f"| everything else | {rest:,} | {rest / n:,.0f} | {100.0 * rest / cg['canond']['ir']:.1f} % |")
        w("")

    # (b)
    rate = meta.get("rate")
    w(f"### (b) Server CPU time per answered query at {int(rate):,} qps offered")
    w("")
    w(f"`dnsperf -Q {rate} -l {meta['secs']}`; utime+stime of every thread of every process of the server "
      f"(/proc/PID/stat, {os.sysconf('SC_CLK_TCK')} ticks/s) before and after, over the answered queries; "
      f"median of {meta['reps']} run(s), servers alternated.")
    w("")
    w("Each run has its server started afresh and alone (the kernel scales a process's utime/stime split over "
      "its whole life). Per server the median run (by CPU per answer) is shown, split into user and kernel time "
      "by `perf record -e cpu-clock -F 1000` samples of the server during the run (/proc's tick-sampled "
      "utime/stime split is skewed for a thread that wakes for every packet); *runs* lists every run, † marking "
      "one where other processes used more than 0.2 cores.")
    w("")
    w("| server | answered | lost | server CPU s | µs CPU per answer | user µs | kernel µs | runs (µs) | ÷ canond | other load |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    us = {}
    mid = {}
    for s in servers:
        rs = [r for r in by("rate", s) if r["completed"]]
        if rs:
            mid[s] = median_run(rs, lambda r: r["cpu_s"] / r["completed"])
            us[s] = mid[s]["cpu_s"] * 1e6 / mid[s]["completed"]
    for s in servers:
        if s not in mid:
            continue
        m, rs = mid[s], [r for r in by("rate", s) if r["completed"]]
        w(f"| {s} | {m['completed']:,} | {sum(r['lost'] for r in by('rate', s))} | {m['cpu_s']:.2f} | {us[s]:.2f} | "
          f"{split(m, 'user')} | {split(m, 'kernel')} | "
          f"{', '.join(run_cell(r, r['cpu_s'] * 1e6 / r['completed'], '{:.2f}') for r in rs)} | "
          f"{ratio(us[s], us.get('canond', 0), '{:.2f}')} | {m.get('other', 0):.2f} |")
    w("")

    shares = [r["kernel_share"] for r in rows if r["measure"] == "rate" and r.get("kernel_share", -1) >= 0]
    if shares and median(shares) > 0.5:
        w(f"Kernel time is {100 * median(shares):.0f} % of the servers' CPU here (median): at this rate a worker "
          "sleeps between packets, so each answer pays a wake-up and its own receive/send system calls, which "
          "user-space efficiency ((a)) does not touch.")
        w("")

    # (c)
    w(f"### (c) Maximum qps")
    w("")
    w(f"`dnsperf -l {meta['secs']} -q 100`, median of {meta['reps']} run(s), servers alternated "
      "(canond, knotd, nsd, canond, ...). *dnsperf CPU* is the generator's user+sys over wall time "
      "(1.00 = its core is saturated); *server CPU* is the server's share of its core over the run.")
    w("")
    w("| server | qps (median run) | runs | lost | dnsperf CPU | server CPU | held back by | µs CPU per answer | user µs | kernel µs | ÷ canond (qps) | other load |")
    w("|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    qps = {}
    for s in servers:
        rs = [r for r in by("max", s) if r["completed"]]
        if not rs:
            continue
        m = median_run(rs, lambda r: r["qps"])
        qps[s] = m["qps"]
    for s in servers:
        rs = [r for r in by("max", s) if r["completed"]]
        if not rs:
            continue
        m = median_run(rs, lambda r: r["qps"])
        w(f"| {s} | {m['qps']:,.0f} | {', '.join(run_cell(r, r['qps'], '{:,.0f}') for r in rs)} | "
          f"{sum(r['lost'] for r in rs)} | {m['gen_cpu']:.2f} | {m['cpu_s'] / m['wall_s']:.2f} | {limit(m)} | "
          f"{m['cpu_s'] * 1e6 / m['completed']:.2f} | {split(m, 'user')} | {split(m, 'kernel')} | "
          f"{ratio(qps[s], qps.get('canond', 0), '{:.2f}')} | {m.get('other', 0):.2f} |")
    w("")
    w("*held back by*: dnsperf when its core was ≥ 95 % busy, the server when its own core was; "
      "a server held back only by dnsperf could answer more than this.")
    w("")
    vals = [v for v in qps.values() if v]
    if vals and max(vals) <= 1.10 * min(vals):
        w(f"**The three are within 10 % of each other: the generator is the ceiling here**, not the servers "
          "(dnsperf saturates its own core near 110–150k qps on this machine); compare (a) and (b), not these qps.")
    elif vals:
        gen = median([r["gen_cpu"] for r in rows if r["measure"] == "max"])
        w(f"The qps differ by more than 10 %; dnsperf's median CPU share was {gen:.2f} of its core"
          + (" (saturated: the fastest server may still be held back by the generator)." if gen > 0.9 else "."))
    w("")

    others = [r.get("other", 0) for r in rows if r["measure"] in ("rate", "max")]
    w("*other load*: CPU the rest of the machine used during the run, in cores "
      "(/proc/stat busy time minus the server's and dnsperf's); above ~0.1 the run shared the machine.")
    busy = [r for r in rows if r["measure"] in ("rate", "max") and r.get("other", 0) > 0.2]
    if busy:
        w("")
        w(f"**Warning: in {len(busy)} of {len(others)} runs of (b)/(c) other processes used more than 0.2 cores "
          f"(up to {max(others):.2f}; marked †): those runs are disturbed — (a) is not (instruction counts).**")
    w("")

    # consistency
    w("### Same answers?")
    w("")
    w("Response codes and mean response size from dnsperf (first fixed-rate run), and each server's answer to the first query of the file:")
    w("")
    w("| server | response codes | mean response bytes | first query's answer |")
    w("|---|---|---:|---|")
    for s in servers:
        rs = by("rate", s)
        probe = ""
        if args.probes:
            pf = os.path.join(args.probes, f"probe-{s}")
            if os.path.exists(pf):
                probe = " ".join(open(pf).read().split())[:80]
        if rs:
            w(f"| {s} | {rs[0]['rcodes']} | {rs[0]['resp_size']} | `{probe}` |")
    w("")
    samples = [r for r in rows if r["measure"] == "sample"]
    if samples:
        kinds = list(dict.fromkeys(r["kind"] for r in samples))
        present = [s for s in servers if any(r["server"] == s for r in samples)]
        w("One query of each kind, `kdig +noedns` (as dnsperf sends them): response bytes, and whether the "
          "answer sections are the same (sorted records compared):")
        w("")
        w("| kind | query | " + " | ".join(f"{s} bytes" for s in present) + " | rcode | answers |")
        w("|---|---|" + "---:|" * len(present) + "---|---|")
        for k in kinds:
            rs = {r["server"]: r for r in samples if r["kind"] == k}
            same = len({rs[s]["answer"] for s in present if s in rs}) == 1
            rcodes = "/".join(dict.fromkeys(rs[s]["rcode"] for s in present if s in rs))
            w(f"| {k} | `{next(iter(rs.values()))['query']}` | "
              + " | ".join(str(rs[s]["size"]) if s in rs else "-" for s in present)
              + f" | {rcodes} | {'same' if same else '**differ**'} |")
        w("")
    th = {r["server"]: r["psr"] for r in rows if r["measure"] == "threads"}
    if th:
        w("Threads and the CPU each last ran on (`ps -L -o comm,psr`), the three servers up before (b): "
          + "; ".join(f"{s}: {th[s]}" for s in servers if s in th) + ".")
        w("")

    w("### Commands")
    w("")
    w("```")
    w(f"{meta['command'].strip()}")
    w(f"canon-genzone --origin example.com. --seed 1 --names {meta['names']} --mix {meta['mix']} -o example.com.zone")
    w(f"python3 bench/suite/daemon_workload.py example.com.zone example.com. {meta['qcount']} queries.txt --seed 1")
    w("# servers (each started pinned: taskset -c 1 ...; then taskset -a -pc 1 PID for every process)")
    w("canond --zone example.com.=example.com.zone --listen 127.0.0.1:PORT --workers 1 --cpus 1 --admin-socket DIR/admin.sock")
    w("knotd -c knot.conf      # udp-workers: 1, tcp-workers: 1, background-workers: 1")
    w("nsd -d -c nsd.conf      # server-count: 1, rrl-ratelimit: 0, minimal-responses: yes")
    w("# (a) each server alone, started under")
    w("valgrind --tool=callgrind --separate-threads=no --callgrind-out-file=cg/NAME.%p SERVER...")
    w("callgrind_control -z PID   # every process of the server, once it answers")
    w(f"taskset -c 0 dnsperf -s 127.0.0.1 -p PORT -d queries.txt -n {meta['cg_runs']} -c 1 -q 20 -t 10")
    w("callgrind_control -d PID   # then: sum of the new dumps' 'summary:' lines / 'Queries completed'")
    w("# (b), (c) natively, servers alternated, each started afresh for each run")
    w(f"taskset -c 0 dnsperf -s 127.0.0.1 -p PORT -d queries.txt -Q {rate} -l {meta['secs']}")
    w(f"taskset -c 0 dnsperf -s 127.0.0.1 -p PORT -d queries.txt -l {meta['secs']} -q 100")
    w(f"taskset -c 0 perf record -e cpu-clock -F 1000 -p PIDS -- sleep {meta['secs']}   # beside each run: the user/kernel split")
    w("```")
    write_section(args.file, "bench/daemon", "\n".join(out))


def pct_row(run, label, d):
    if not d or not d.get("n"):
        return f"| {run} | {label} | 0 | - | - | - | - | - | - |"
    return (f"| {run} | {label} | {d['n']:,} | {d['p50']:.0f} | {d['p90']:.0f} | {d['p99']:.0f} | "
            f"{d['p999']:.0f} | {d['max']:.0f} | {d['mean']:.0f} |")


RUN_TEXT = {
    "baseline": "no swap",
    "swaps": "swaps; canond's worker on CPU 1 (--cpus 1), its control thread unpinned",
    "swaps-cpu1": "swaps; every canond thread on CPU 1 (taskset -a): the compile shares the worker's core",
    "swaps-cpu1-nice": "as swaps-cpu1, every thread but the worker at nice 19",
}


def swap(args, meta):
    runs = json.load(open(args.results))["runs"]
    out = []
    w = out.append
    w(f"## bench/swap-latency: answering while a {int(meta['names']):,}-name zone is swapped")
    w("")
    w(f"Run {meta.get('date') or time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {meta.get('commit')}, "
      f"`{meta['command'].strip()}`; {machine()}; waited {meta.get('quiet', '-')} for the machine to go idle.")
    w(f"Versions: {meta.get('versions')}.")
    w("")
    w(f"Zone: `canon-genzone --origin example.com. --seed 1 --names {meta['names']}` ({int(meta['records']):,} records, "
      f"single-A names); queries: its `--queries` file ({int(meta['qcount']):,} lines, 10 % absent names). "
      f"canond `--workers 1 --cpus 1`; dnsperf on CPU 0 at `-Q {meta['rate']} -l {meta['secs']} -t 2 -v -S 1`. "
      f"In the swap runs, `canonctl zone-load example.com.=FILE` (the same file: a full load, compile "
      f"and publish) {meta['swaps']} times, every {meta['every']} s from t = {meta['first']} s; "
      "the baseline run is the same without swaps.")
    w("")
    w("| run | what | sent | answered | lost | qps | canond CPU | dnsperf CPU | other load |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        w(f"| {r['name']} | {RUN_TEXT.get(r['name'], '')} | {r['sent']:,} | {r['completed']:,} | "
          f"**{r['lost']}** | {r['qps']:,.0f} | {r.get('canond_cpu', 0):.2f} | {r.get('gen_cpu', 0):.2f} | "
          f"{r.get('other', 0):.2f} |")
    w("")
    w("CPU columns in cores over the run (/proc: canond's utime+stime, all threads; dnsperf's from /usr/bin/time; "
      "*other load*: the rest of the machine, busy time in /proc/stat minus those two — above ~0.1 the run shared "
      "the machine with something else).")
    others = [r.get("other", 0) for r in runs]
    if others and max(others) > 0.2:
        w("")
        w(f"**Warning: other processes used up to {max(others):.2f} cores during these runs: the tail "
          "latencies below include their preemptions.**")
    w("")
    lost = sum(r["lost"] for r in runs)
    w(f"Queries lost over all runs: **{lost}** ({'none, as required' if lost == 0 else 'NOT zero'}).")
    w("")
    w("Latency per answered query as dnsperf measured it, in µs (send to answer, generator included):")
    w("")
    w("| run | queries | n | p50 | p90 | p99 | p99.9 | max | mean |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        w(pct_row(r["name"], "whole run", r["all"]))
        if r["windows"]:
            w(pct_row(r["name"], "inside swap windows", r["inside"]))
            w(pct_row(r["name"], "outside swap windows", r["outside"]))
    w("")
    w(f"A swap window runs from just before `canonctl zone-load` is started to {meta['tail']} s after it "
      "returns. Queries are placed in time by dnsperf's `-S 1` stamps: the `-v` lines (one per answer, "
      "in arrival order) between two stamps are spread evenly over that second.")
    w("")
    w("| run | swap | canonctl wall s | load s | compile s | generation | answers inside | p99 µs | max µs |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        for i, s in enumerate(r["windows"], 1):
            w(f"| {r['name']} | {i} | {s['wall']:.2f} | {s.get('load_seconds', '-')} | "
              f"{s.get('compile_seconds', '-')} | {s.get('generation', '-')} | {s.get('n', 0):,} | "
              f"{s.get('p99', 0):.0f} | {s.get('max', 0):.0f} |")
    w("")
    w("p99 / max latency (µs) second by second; **bold**: a second a swap window overlaps; "
      "† : other processes used more than 0.2 cores that second:")
    w("")
    for r in runs:
        cells = []
        for p in r.get("per_second", []):
            cell = f"{p['p99']:.0f}/{p['max']:.0f}"
            cell = f"**{cell}**" if p["swap"] else cell
            cells.append(cell + ("†" if (p.get("other") or 0) > 0.2 else ""))
        w(f"- {r['name']}: " + " ".join(cells))
    w("")
    if meta.get("rss"):
        w(f"canond resident memory, VmRSS / VmHWM in MiB: {meta['rss']}.")
        w("")
    if meta.get("threads"):
        w(f"canond's threads and the CPU each last ran on (`ps -L -o comm,psr`): {meta['threads']}.")
        w("")
    w("```")
    for c in meta["commands"].split(" ;; "):
        w(c)
    w("```")
    write_section(args.file, "bench/swap-latency", "\n".join(out))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["daemon", "swap"])
    ap.add_argument("file")
    ap.add_argument("--results", required=True)
    ap.add_argument("--workload")
    ap.add_argument("--top")
    ap.add_argument("--probes")
    ap.add_argument("--meta", action="append", default=[])
    args = ap.parse_args(argv)
    meta = dict(m.split("=", 1) for m in args.meta)
    (daemon if args.kind == "daemon" else swap)(args, meta)


if __name__ == "__main__":
    sys.exit(main())
