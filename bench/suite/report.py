#!/usr/bin/env python3
"""Markdown and PNG plots from a benchmark suite results file.

    report.py RESULTS.json [--out bench/results/REPORT.md] [--plots bench/results/plots]

RESULTS.json is the file bench/run writes; bench/suite/example_results.json is
a synthetic one that documents its schema. The defaults are the repository's
bench/results, wherever this runs from; the report links the plots by relative
paths.

Every list of the file may be empty and dpdk may be null: a section without
data says "not measured in this run". Ratios are written so that above 1 means
canond is better: costs (instructions, CPU, latency, load time, memory) as
peer ÷ canond, rates (qps) as canond ÷ peer.

Needs matplotlib (Debian: apt-get install python3-matplotlib); it draws with
the Agg backend, no display.
"""
import argparse
import json
import math
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = "canond"
PEERS = ("knotd", "nsd")
REF_SIZE = 100_000
CHAIN_LENGTHS = (("a_hit", 0), ("chain1", 1), ("chain3", 3), ("chain8", 8))
INSTR_TARGET = 10.0   # canond needs >= 10x fewer instructions per answer than each peer
FLAT_WITHIN = 0.10    # chain8 qps within 10 % of a_hit's
GB = "‡"              # marks a generator-bound qps cell
PLOT_NAMES = {"qps_vs_size.png", "qps_vs_chain.png", "latency_cdf.png", "instructions.png"}


def import_matplotlib():
    """pyplot with the Agg backend, or exit saying what to install. A pyenv or
    venv python3 first in PATH lacks Debian's module: run again under
    /usr/bin/python3 when that one has it."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        pass
    system = "/usr/bin/python3"
    if (os.path.realpath(sys.executable) != os.path.realpath(system) and os.access(system, os.X_OK)
            and not os.environ.get("CANON_REPORT_REEXEC")):
        os.environ["CANON_REPORT_REEXEC"] = "1"
        probe = subprocess.run([system, "-c", "import matplotlib"], capture_output=True)
        if probe.returncode == 0:
            print(f"report.py: {sys.executable} has no matplotlib; running under {system}", file=sys.stderr)
            os.execv(system, [system, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("report.py: cannot import matplotlib; install it with: apt-get install python3-matplotlib "
             "(tools/install-deps does), then run this under /usr/bin/python3")


# ---------------------------------------------------------------- formatting

def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def fint(x):
    return f"{x:,.0f}" if num(x) else "-"


def fus(x):
    """µs with precision that suits the magnitude."""
    if not num(x):
        return "-"
    if x < 10:
        return f"{x:.2f}"
    if x < 100:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def fsec(x):
    if not num(x):
        return "-"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:,.0f}"


def fcpu(x):
    return f"{x:.2f}" if num(x) else "-"


def fmib(kib):
    return f"{kib / 1024:,.1f}" if num(kib) else "-"


def fratio(x):
    return f"{x:.2f}" if num(x) else "-"


def div(a, b):
    return a / b if num(a) and num(b) and b else None


def size_label(n):
    if not num(n):
        return "all" if n is None else str(n)
    n = int(n)
    for unit, name in ((1_000_000, "M"), (1_000, "K")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{name}"
    return f"{n:,}"


def cell(x):
    """Free text inside a markdown table cell."""
    return "-" if x is None else str(x).replace("|", "\\|").replace("\n", " ")


def pct(x):
    return f"{x * 100:.1f} %"


# ---------------------------------------------------------------- data access

def rows_of(data, key, named=True):
    """The list under key, without entries that are not objects; a missing
    server or workload name becomes "?" (shown, not dropped)."""
    rows = data.get(key)
    rows = [dict(r) for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    if named:
        for r in rows:
            for k in ("server", "workload"):
                if r.get(k) is None:
                    r[k] = "?"
                elif not isinstance(r[k], str):
                    r[k] = str(r[k])
            if not num(r.get("size")):
                r["size"] = None
            for k in ("runs", "lost", "generator_cpu", "cdf"):
                if k in r and not isinstance(r[k], list):
                    r[k] = []
            if "percentiles_us" in r and not isinstance(r["percentiles_us"], dict):
                r["percentiles_us"] = {}
    return rows


class Results:
    def __init__(self, data):
        meta = data.get("meta")
        self.meta = meta if isinstance(meta, dict) else {}
        if not isinstance(self.meta.get("versions"), dict):
            self.meta["versions"] = {}
        notes = self.meta.get("notes")
        self.meta["notes"] = [notes] if isinstance(notes, str) else notes if isinstance(notes, list) else []
        info = data.get("workloads")
        self.workload_info = info if isinstance(info, dict) else {}
        self.skipped = rows_of(data, "skipped", named=False)
        self.zones = rows_of(data, "zones")
        for r in self.zones:
            r["workload"] = "zone"
        self.qps = rows_of(data, "qps")
        self.latency = rows_of(data, "latency")
        self.cpu = rows_of(data, "cpu")
        self.instructions = rows_of(data, "instructions")
        self.resperf = rows_of(data, "resperf")
        self.dpdk = data.get("dpdk")
        rows = self.zones + self.qps + self.latency + self.cpu + self.instructions + self.resperf
        servers = data.get("servers")
        self.servers = [str(s) for s in servers if s] if isinstance(servers, list) else []
        for r in rows:                      # servers seen in rows but not listed
            if r.get("server") and r["server"] not in self.servers:
                self.servers.append(r["server"])
        if REF in self.servers:             # the reference first
            self.servers.remove(REF)
            self.servers.insert(0, REF)
        self.workloads = list(self.workload_info)
        for r in rows[len(self.zones):]:
            w = r.get("workload")
            if w and w not in self.workloads:
                self.workloads.append(w)
        self.peers = [p for p in PEERS if p in self.servers]

    @staticmethod
    def index(rows):
        return {(r.get("server"), r.get("workload"), r.get("size")): r for r in rows}

    def sizes(self, rows, workload=None):
        return sorted({r.get("size") for r in rows if num(r.get("size"))
                       and (workload is None or r.get("workload") == workload)})

    def ref_size(self, rows, workload):
        """100K names when the workload has rows at that size, else its largest size."""
        sizes = self.sizes(rows, workload)
        if not sizes:
            return None
        return REF_SIZE if REF_SIZE in sizes else sizes[-1]

    def cells(self, rows):
        """(workload, size) pairs present, in workload order, then size."""
        order = {w: i for i, w in enumerate(self.workloads)}
        keys = {(r.get("workload"), r.get("size")) for r in rows}
        return sorted(keys, key=lambda k: (order.get(k[0], len(order)), k[1] if num(k[1]) else -1))

    def servers_in(self, rows):
        seen = {r.get("server") for r in rows}
        return [s for s in self.servers if s in seen]


# ---------------------------------------------------------------- analysis

def behind(res):
    """Every comparison where canond is worse than knotd or nsd: (text) lines."""
    out = []
    peers = res.peers

    def cost(kind, rows, key, fmt, unit=""):
        idx = res.index(rows)
        for wl, size in res.cells(rows):
            c = idx.get((REF, wl, size))
            if not c or not num(c.get(key)):
                continue
            for p in peers:
                r = idx.get((p, wl, size))
                if r and num(r.get(key)) and r[key] < c[key]:
                    where = f"{wl} at {size_label(size)} names" if wl != "zone" else f"{size_label(size)}-name zone"
                    out.append(f"{kind}, {where}: canond {fmt(c[key])}{unit}, "
                               f"{p} {fmt(r[key])}{unit} (canond needs {pct(c[key] / r[key] - 1)} more; "
                               f"{p} ÷ canond {fratio(r[key] / c[key])})")

    cost("Instructions per answer", res.instructions, "per_answer", fint)
    idx = res.index(res.qps)
    for wl, size in res.cells(res.qps):
        c = idx.get((REF, wl, size))
        if not c or not num(c.get("median")):
            continue
        for p in peers:
            r = idx.get((p, wl, size))
            if r and num(r.get("median")) and r["median"] > c["median"]:
                bound = [s for s, x in ((REF, c), (p, r)) if x.get("generator_bound")]
                note = (f"; generator-bound ({', '.join(bound)}): not resolvable" if bound else "")
                out.append(f"qps, {wl} at {size_label(size)} names: canond {fint(c['median'])}, "
                           f"{p} {fint(r['median'])} ({p} {pct(r['median'] / c['median'] - 1)} ahead; "
                           f"canond ÷ {p} {fratio(c['median'] / r['median'])}{note})")
    cost("CPU per answer", res.cpu, "us_per_answer", fcpu, " µs")
    lat = [dict(r, p99=(r.get("percentiles_us") or {}).get("99")) for r in res.latency]
    cost("p99 latency", lat, "p99", fus, " µs")
    cost("Zone load time", res.zones, "load_seconds", fsec, " s")
    cost("RSS after loading", res.zones, "rss_kib", fmib, " MiB")
    idx = res.index(res.resperf)
    for wl, size in res.cells(res.resperf):
        c = idx.get((REF, wl, size))
        if not c or not num(c.get("max_qps_before_loss")):
            continue
        for p in peers:
            r = idx.get((p, wl, size))
            if r and num(r.get("max_qps_before_loss")) and r["max_qps_before_loss"] > c["max_qps_before_loss"]:
                out.append(f"resperf max rate, {wl} at {size_label(size)} names: canond {fint(c['max_qps_before_loss'])}, "
                           f"{p} {fint(r['max_qps_before_loss'])} (canond ÷ {p} "
                           f"{fratio(c['max_qps_before_loss'] / r['max_qps_before_loss'])})")
    return out


def target_instructions(res):
    idx = res.index(res.instructions)
    worst, misses, checked = None, [], 0
    for wl, size in res.cells(res.instructions):
        c = idx.get((REF, wl, size))
        if not c or not num(c.get("per_answer")) or not c["per_answer"]:
            continue
        for p in res.peers:
            r = idx.get((p, wl, size))
            if not r or not num(r.get("per_answer")):
                continue
            checked += 1
            q = r["per_answer"] / c["per_answer"]
            if worst is None or q < worst[0]:
                worst = (q, wl, size, p)
            if q < INSTR_TARGET:
                misses.append(f"{wl}@{size_label(size)} {p} ÷ canond {q:.1f}")
    name = f"canond needs ≥ {INSTR_TARGET:g}× fewer instructions per answer than knotd and nsd, every workload and size"
    if not checked:
        return name, None, "no row has canond and a peer"
    detail = f"{checked} comparisons; lowest {worst[3]} ÷ canond = {worst[0]:.1f} ({worst[1]} at {size_label(worst[2])})"
    if misses:
        shown = ", ".join(misses[:8]) + (f", and {len(misses) - 8} more" if len(misses) > 8 else "")
        detail += f"; below {INSTR_TARGET:g}: {shown}"
    return name, not misses, detail


def qps_verdict(c, r):
    """canond's qps cell against a peer's: 'ahead', 'behind' or None (not resolvable).
    A generator-bound cell is a floor: the server would have answered more. So
    canond is ahead when its figure beats a peer that did not saturate the
    generator (that peer's figure is its own limit), and behind when a peer beats
    a canond that did not saturate it."""
    if c["median"] > r["median"] and not r.get("generator_bound"):
        return "ahead"
    if c["median"] <= r["median"] and not c.get("generator_bound"):
        return "behind"
    return None


def target_qps(res):
    idx = res.index(res.qps)
    behind_, ahead, unresolved, rows = [], 0, [], 0
    sizes = set()
    for wl, size in res.cells(res.qps):
        c = idx.get((REF, wl, size))
        if not c or not num(c.get("median")):
            continue
        peers = [(p, idx.get((p, wl, size))) for p in res.peers]
        peers = [(p, r) for p, r in peers if r and num(r.get("median"))]
        if not peers:
            continue
        rows += 1
        sizes.add(size)
        verdicts = {p: qps_verdict(c, r) for p, r in peers}
        lost = [f"{p} {fint(r['median'])}" for p, r in peers if verdicts[p] == "behind"]
        if lost:
            behind_.append(f"{wl}@{size_label(size)}: canond {fint(c['median'])} vs " + ", ".join(lost))
        elif all(v == "ahead" for v in verdicts.values()):
            ahead += 1
        else:
            bound = [s for s, r in [(REF, c)] + peers if r.get("generator_bound")]
            unresolved.append(f"{wl}@{size_label(size)} ({', '.join(bound)})")
    name = ("canond's median qps ahead of both knotd and nsd on every row the generator can resolve, "
            "at every zone size")
    if not rows:
        return name, None, "no qps row has canond and a peer"
    detail = (f"{rows} rows (workload × size) over sizes {', '.join(size_label(s) for s in sorted(x for x in sizes if num(x)))}; "
              f"ahead on {ahead} (a generator-bound canond counts as ahead of a peer that answered less "
              f"without saturating the generator)")
    if behind_:
        detail += f"; behind on {len(behind_)}: " + "; ".join(behind_)
    if unresolved:
        detail += f"; not resolvable (generator-bound cells) on {len(unresolved)}: " + ", ".join(unresolved)
    met = None if rows == len(unresolved) else not behind_
    return name, met, detail


def target_chain(res):
    idx = res.index(res.qps)
    name = (f"chain-length curve flat up to 8 links: canond's chain8 median qps within "
            f"{FLAT_WITHIN * 100:.0f} % of its a_hit (chain0) median qps at the same zone size")
    found, verdicts, parts = False, [], []
    for size in sorted({r.get("size") for r in res.qps if num(r.get("size"))}):
        a, c8 = idx.get((REF, "a_hit", size)), idx.get((REF, "chain8", size))
        if not a or not c8 or not num(a.get("median")) or not num(c8.get("median")) or not a["median"]:
            continue
        found = True
        q = c8["median"] / a["median"]
        curve = " → ".join(fint((idx.get((REF, w, size)) or {}).get("median")) for w, _ in CHAIN_LENGTHS)
        text = f"at {size_label(size)}: chain8 ÷ a_hit = {q:.3f} (0/1/3/8 links: {curve})"
        if a.get("generator_bound") and c8.get("generator_bound"):
            verdicts.append(None)
            text += ", both generator-bound: not resolvable"
        elif a.get("generator_bound") and q >= 1 - FLAT_WITHIN:
            verdicts.append(None)
            text += ", a_hit generator-bound (its true rate may be higher): not resolvable"
        else:
            verdicts.append(q >= 1 - FLAT_WITHIN)
        parts.append(text)
    if not found:
        return name, None, "canond has no a_hit and chain8 qps at a common size"
    met = False if False in verdicts else (None if None in verdicts else True)
    return name, met, "; ".join(parts) + chain_cost_growth(res)


def chain_cost_growth(res):
    """What an 8-link chain costs over a plain answer in instructions (the figure
    the generator cannot blur), per server, at the sizes that have both."""
    idx = res.index(res.instructions)
    out = []
    for size in sorted({r.get("size") for r in res.instructions if num(r.get("size"))}):
        growth = []
        for s in res.servers:
            a, c8 = idx.get((s, "a_hit", size)), idx.get((s, "chain8", size))
            if a and c8 and num(a.get("per_answer")) and num(c8.get("per_answer")) and a["per_answer"]:
                growth.append(f"{s} {c8['per_answer'] / a['per_answer']:.2f}")
        if growth:
            out.append(f"at {size_label(size)}: " + ", ".join(growth))
    return (". Instructions per answer, chain8 ÷ a_hit (not the target's measure, but one the generator "
            "cannot blur): " + "; ".join(out)) if out else ""


def verdict(met):
    return "**met**" if met is True else "**NOT met**" if met is False else "**not resolvable**"


# ---------------------------------------------------------------- sections

def header(res, w, results_path):
    m = res.meta
    mode = str(m.get("mode") or "unknown")
    w("# canond beside knotd and nsd: benchmark suite report")
    w("")
    if mode == "quick":
        w("> **⚠ QUICK RUN — NOT A MEASUREMENT TO QUOTE.** Fewer runs, shorter runs and fewer sizes than the "
          "full suite (`mode: quick`): use it to check that the suite works, not to compare servers.")
        w("")
    elif mode == "example":
        w("> **⚠ SYNTHETIC EXAMPLE — NOTHING HERE WAS MEASURED.** Rendered from a hand-written fixture "
          "(`mode: example`) that documents the results schema.")
        w("")
    elif mode != "full":
        w(f"> **⚠ mode `{mode}`**: not a full run.")
        w("")
    w(f"Written by `bench/suite/report.py` from `{results_path}`.")
    w("")
    w(f"- **Run**: {m.get('date', '-')}, commit {m.get('commit', '-')}, `{str(m.get('command', '-')).strip()}`, "
      f"mode **{mode}**.")
    w(f"- **Machine**: {m.get('cpus', '-')} CPUs ({m.get('cpu_model', '-')}), Linux {m.get('kernel', '-')}.")
    versions = m.get("versions") or {}
    if versions:
        w("- **Versions**: " + "; ".join(str(v) if str(k).lower() in str(v).lower() else f"{k} {v}"
                                         for k, v in versions.items()) + ".")
    w(f"- **Pinning**: load generator on CPU {m.get('generator_cpus', '-')}, every server thread on CPU "
      f"{m.get('server_cpus', '-')}.")
    w(f"- **Runs**: {m.get('runs', '-')} run(s) of {m.get('seconds', '-')} s per qps cell, servers alternated; "
      "the median run is reported with the min–max spread.")
    notes = m.get("notes") or []
    if notes:
        w("- **Notes**:")
        for n in notes:
            w(f"  - {n}")
    w("")
    if res.workload_info:
        w("**Workloads** (zone size = names in the zone):")
        w("")
        w("| workload | queries | what | zone |")
        w("|---|---:|---|---|")
        for name, info in res.workload_info.items():
            info = info if isinstance(info, dict) else {"description": info}
            w(f"| {cell(name)} | {fint(info.get('queries'))} | {cell(info.get('description'))} | "
              f"{cell(info.get('zone_mix'))} |")
        w("")


def summary(res, w):
    w("## Summary")
    w("")
    rows = res.instructions + res.qps + res.cpu + res.latency
    if not rows:
        w("Not measured in this run.")
        w("")
        return
    ins, qps, cpu = res.index(res.instructions), res.index(res.qps), res.index(res.cpu)
    lat = res.index(res.latency)
    peers = res.peers
    w(f"Each workload at the reference size ({size_label(REF_SIZE)} names when measured, else the workload's "
      "largest). canond's figure, then ratios written so that **above 1 means canond is better**: "
      "instructions, CPU and p99 as *peer ÷ canond* (how many times less canond needs), qps as "
      f"*canond ÷ peer* (how many times more canond answers). {GB} = generator-bound (dnsperf's core saturated: "
      "the figure is a floor for that server). Instructions: callgrind, user space; qps: median run; CPU: "
      "server CPU per answered query at the fixed offered rate; p99: at the fixed offered rate.")
    w("")
    head = ["workload", "size", "instructions/answer"] + [f"{p} ÷ canond" for p in peers]
    head += ["qps"] + [f"canond ÷ {p}" for p in peers]
    head += ["CPU µs/answer"] + [f"{p} ÷ canond" for p in peers]
    head += ["p99 µs"] + [f"{p} ÷ canond" for p in peers]
    w("| " + " | ".join(head) + " |")
    w("|---|---|" + "---:|" * (len(head) - 2))
    for wl in res.workloads:
        size = res.ref_size(rows, wl)
        if size is None:
            continue
        cells = [wl, size_label(size)]
        c = ins.get((REF, wl, size)) or {}
        cells.append(fint(c.get("per_answer")))
        cells += [fratio(div((ins.get((p, wl, size)) or {}).get("per_answer"), c.get("per_answer"))) for p in peers]
        c = qps.get((REF, wl, size)) or {}
        cells.append(fint(c.get("median")) + (GB if c.get("generator_bound") else ""))
        for p in peers:
            r = qps.get((p, wl, size)) or {}
            cells.append(fratio(div(c.get("median"), r.get("median"))) + (GB if r.get("generator_bound") else ""))
        c = cpu.get((REF, wl, size)) or {}
        cells.append(fcpu(c.get("us_per_answer")))
        cells += [fratio(div((cpu.get((p, wl, size)) or {}).get("us_per_answer"), c.get("us_per_answer")))
                  for p in peers]
        p99 = lambda s: ((lat.get((s, wl, size)) or {}).get("percentiles_us") or {}).get("99")
        cells.append(fus(p99(REF)))
        cells += [fratio(div(p99(p), p99(REF))) for p in peers]
        w("| " + " | ".join(cells) + " |")
    w("")
    w("### Where canon is behind")
    w("")
    lines = behind(res)
    if lines:
        w("Every measured comparison, at every size, where canond is worse than knotd or nsd:")
        w("")
        for line in lines:
            w(f"- {line}")
    else:
        w("Nowhere: canond is ahead of or level with knotd and nsd on every measured comparison.")
    w("")
    w("### Targets (issue 8)")
    w("")
    for name, met, detail in (target_instructions(res), target_qps(res), target_chain(res)):
        w(f"- {verdict(met)} — {name}: {detail}.")
    w("")
    w(f"*Not resolvable*: a row where a compared cell is generator-bound ({GB}) shows the generator's limit, not "
      "the server's, so it neither meets nor misses the target; it is left out of the check and listed. "
      f"*Flat* means canond's chain8 median qps is at least {(1 - FLAT_WITHIN) * 100:.0f} % of its a_hit "
      "median at the same size (a_hit's answer is the end of a 0-link chain).")
    w("")


def instructions_table(res, w, plots):
    w("## Instructions per answer")
    w("")
    if not res.instructions:
        w("Not measured in this run.")
        w("")
        return
    idx, servers = res.index(res.instructions), res.servers_in(res.instructions)
    others = [s for s in servers if s != REF]
    methods = sorted({f"{r.get('server')}: {r.get('method')}" for r in res.instructions if r.get("method")})
    w("User-space instructions the server executes per answered query under callgrind (all threads), "
      "*server ÷ canond* = how many times more than canond it needs. Methods: " + ", ".join(methods) + ". "
      "*zero-dump*: counters zeroed once the server answers, dumped after the queries; *difference*: two runs "
      "with different query counts, the difference of the totals over the difference of the answers "
      "(start-up and loading cancel out).")
    w("")
    head = ["workload", "size"] + servers + [f"{s} ÷ canond" for s in others]
    w("| " + " | ".join(head) + " |")
    w("|---|---|" + "---:|" * (len(head) - 2))
    for wl, size in res.cells(res.instructions):
        c = (idx.get((REF, wl, size)) or {}).get("per_answer")
        cells = [wl, size_label(size)] + [fint((idx.get((s, wl, size)) or {}).get("per_answer")) for s in servers]
        cells += [fratio(div((idx.get((s, wl, size)) or {}).get("per_answer"), c)) for s in others]
        w("| " + " | ".join(cells) + " |")
    w("")
    link(w, plots, "instructions.png", "Instructions per answer by workload")


def qps_table(res, w, plots):
    w("## Queries per second")
    w("")
    if not res.qps:
        w("Not measured in this run.")
        w("")
        return
    idx, servers = res.index(res.qps), res.servers_in(res.qps)
    others = [s for s in servers if s != REF]
    m = res.meta
    w(f"dnsperf on CPU {m.get('generator_cpus', '-')}, the server on CPU {m.get('server_cpus', '-')}; "
      f"{m.get('runs', '-')} run(s) of {m.get('seconds', '-')} s per cell. Each cell: median answered qps "
      f"(min–max of the runs); {GB} = generator-bound (dnsperf's core saturated, so the figure is a floor for the "
      "server and the row cannot rank the servers); *lost N*: queries without an answer, summed over the runs. "
      "*canond ÷ server* above 1: canond answers more.")
    w("")
    head = ["workload", "size"] + servers + [f"canond ÷ {s}" for s in others]
    w("| " + " | ".join(head) + " |")
    w("|---|---|" + "---:|" * (len(head) - 2))
    for wl, size in res.cells(res.qps):
        c = idx.get((REF, wl, size)) or {}
        cells = [wl, size_label(size)]
        for s in servers:
            r = idx.get((s, wl, size))
            if not r:
                cells.append("-")
                continue
            text = f"{fint(r.get('median'))} ({fint(r.get('min'))}–{fint(r.get('max'))})"
            lost = sum(x for x in (r.get("lost") or []) if num(x))
            if lost:
                text += f" lost {lost:,}"
            cells.append(text + (GB if r.get("generator_bound") else ""))
        cells += [fratio(div(c.get("median"), (idx.get((s, wl, size)) or {}).get("median"))) for s in others]
        w("| " + " | ".join(cells) + " |")
    w("")
    w("Every run (qps per run in order; generator CPU = dnsperf's user+system share of its core per run, "
      "1.00 = saturated):")
    w("")
    w("| server | workload | size | runs | lost | generator CPU | generator-bound |")
    w("|---|---|---|---|---|---|---|")
    order = {s: i for i, s in enumerate(servers)}
    position = {k: i for i, k in enumerate(res.cells(res.qps))}
    for r in sorted(res.qps, key=lambda r: (position.get((r.get("workload"), r.get("size")), 0),
                                            order.get(r.get("server"), 99))):
        gen = ", ".join(f"{x:.2f}" for x in (r.get("generator_cpu") or []) if num(x)) or "-"
        w(f"| {r.get('server')} | {r.get('workload')} | {size_label(r.get('size'))} | "
          f"{', '.join(fint(x) for x in (r.get('runs') or [])) or '-'} | "
          f"{', '.join(fint(x) for x in (r.get('lost') or [])) or '-'} | {gen} | "
          f"{'yes' if r.get('generator_bound') else 'no'} |")
    w("")
    link(w, plots, "qps_vs_size.png", "a_hit qps against zone size")
    link(w, plots, "qps_vs_chain.png", "qps against CNAME chain length")


def cpu_table(res, w):
    w("## CPU per answered query at a fixed offered rate")
    w("")
    if not res.cpu:
        w("Not measured in this run.")
        w("")
        return
    idx, servers = res.index(res.cpu), res.servers_in(res.cpu)
    w("The server's user+system CPU time (every thread of every process) over the answered queries, with dnsperf "
      "offering a fixed rate well below every server's maximum, so each answer includes the wake-ups a real, "
      "not saturated, server pays. *÷ canond* above 1: that server needs more CPU per answer than canond.")
    w("")
    w("| workload | size | offered qps | server | answered | CPU s | µs per answer | ÷ canond |")
    w("|---|---|---:|---|---:|---:|---:|---:|")
    for wl, size in res.cells(res.cpu):
        c = (idx.get((REF, wl, size)) or {}).get("us_per_answer")
        for s in servers:
            r = idx.get((s, wl, size))
            if r:
                w(f"| {wl} | {size_label(size)} | {fint(r.get('offered_qps'))} | {s} | {fint(r.get('answered'))} | "
                  f"{fsec(r.get('cpu_seconds'))} | {fcpu(r.get('us_per_answer'))} | "
                  f"{fratio(div(r.get('us_per_answer'), c))} |")
    w("")


def latency_table(res, w, plots):
    w("## Latency")
    w("")
    if not res.latency:
        w("Not measured in this run.")
        w("")
        return
    idx, servers = res.index(res.latency), res.servers_in(res.latency)
    w("Response time per query, as dnsperf saw it, at the fixed offered rate (µs). *p99 ÷ canond* above 1: "
      "that server's p99 is longer than canond's.")
    w("")
    w("| workload | size | offered qps | server | p50 | p90 | p99 | p99.9 | p99 ÷ canond |")
    w("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for wl, size in res.cells(res.latency):
        c = ((idx.get((REF, wl, size)) or {}).get("percentiles_us") or {}).get("99")
        for s in servers:
            r = idx.get((s, wl, size))
            if not r:
                continue
            p = r.get("percentiles_us") or {}
            w(f"| {wl} | {size_label(size)} | {fint(r.get('offered_qps'))} | {s} | {fus(p.get('50'))} | "
              f"{fus(p.get('90'))} | {fus(p.get('99'))} | {fus(p.get('99.9'))} | {fratio(div(p.get('99'), c))} |")
    w("")
    link(w, plots, "latency_cdf.png", "Latency CDF, a_hit")


def zones_table(res, w):
    w("## Zone load time and memory")
    w("")
    if not res.zones:
        w("Not measured in this run.")
        w("")
        return
    idx = {(r.get("server"), r.get("size")): r for r in res.zones}
    servers = res.servers_in(res.zones)
    others = [s for s in servers if s != REF]
    w("Seconds from start to the first answer with the zone loaded, and the server's resident memory (all "
      "processes) after loading, MiB. *server ÷ canond* above 1: that server takes longer / more memory.")
    w("")
    head = ["size"] + [f"{s} load s" for s in servers] + [f"{s} ÷ canond" for s in others]
    head += [f"{s} RSS MiB" for s in servers] + [f"{s} ÷ canond" for s in others]
    w("| " + " | ".join(head) + " |")
    w("|---|" + "---:|" * (len(head) - 1))
    for size in sorted({r.get("size") for r in res.zones if num(r.get("size"))}):
        get = lambda s, k: (idx.get((s, size)) or {}).get(k)
        cells = [size_label(size)] + [fsec(get(s, "load_seconds")) for s in servers]
        cells += [fratio(div(get(s, "load_seconds"), get(REF, "load_seconds"))) for s in others]
        cells += [fmib(get(s, "rss_kib")) for s in servers]
        cells += [fratio(div(get(s, "rss_kib"), get(REF, "rss_kib"))) for s in others]
        w("| " + " | ".join(cells) + " |")
    w("")


def resperf_table(res, w):
    w("## resperf: highest rate before loss")
    w("")
    if not res.resperf:
        w("Not measured in this run.")
        w("")
        return
    idx, servers = res.index(res.resperf), res.servers_in(res.resperf)
    others = [s for s in servers if s != REF]
    w("resperf ramps the offered rate; the figure is the highest rate answered before queries start to be "
      "lost. *canond ÷ server* above 1: canond holds a higher rate.")
    w("")
    head = ["workload", "size"] + servers + [f"canond ÷ {s}" for s in others]
    w("| " + " | ".join(head) + " |")
    w("|---|---|" + "---:|" * (len(head) - 2))
    for wl, size in res.cells(res.resperf):
        c = (idx.get((REF, wl, size)) or {}).get("max_qps_before_loss")
        cells = [wl, size_label(size)]
        cells += [fint((idx.get((s, wl, size)) or {}).get("max_qps_before_loss")) for s in servers]
        cells += [fratio(div(c, (idx.get((s, wl, size)) or {}).get("max_qps_before_loss"))) for s in others]
        w("| " + " | ".join(cells) + " |")
    w("")


def flat_items(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat_items(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def fany(v):
    if isinstance(v, bool) or not num(v):
        return "-" if v is None else str(v)
    return f"{v:.2f}" if isinstance(v, float) and abs(v) < 100 else fint(v)


DPDK_KINDS = (("memif", "memif, bench/dpdk-memif"), ("veth", "veth, bench/dpdk-veth"))


def dpdk_when(prov, kind):
    """'measured in this run' or 'earlier run (date, commit)' for a figure of bench/dpdk-KIND."""
    p = prov.get(kind) if isinstance(prov, dict) else None
    if not isinstance(p, dict):
        return "-"
    if p.get("measured_in_this_run"):
        return "this run"
    return f"earlier run ({p.get('run') or 'date unknown'})" if p.get("file") else "not measured"


def dpdk_section(res, w):
    w("## DPDK")
    w("")
    d = res.dpdk
    if not isinstance(d, dict) or not d:
        w("Not measured in this run.")
        w("")
        return
    ratio = d.get("ratio")
    if not num(ratio):
        ratio = div(d.get("memif_qps"), d.get("testpmd_macswap_qps"))
    prov = d.get("provenance")
    if isinstance(prov, dict) and prov:
        for kind, label in DPDK_KINDS:
            p = prov.get(kind)
            if not isinstance(p, dict):
                continue
            if p.get("measured_in_this_run"):
                w(f"- **{label}**: measured in this run ({cell(p.get('file'))}, run {cell(p.get('run'))}).")
                continue
            status = p.get("status") or "not run"
            why = ("not part of this run" if status == "not run" else f"{status} in this run") + (
                f" ({p['reason']})" if p.get("reason") else "")
            where = (f"the figures are from an earlier run ({p.get('run') or 'date unknown'}, {p['file']})"
                     if p.get("file") else "no figures")
            w(f"- **{label}**: {why}; {where}.")
        w("")
    else:
        w(f"Source: {d.get('source', '-')}.")
        w("")
    w("| figure | value | measured |")
    w("|---|---:|---|")
    mw = dpdk_when(prov, "memif")
    w(f"| canond over memif, answered qps | {fint(d.get('memif_qps'))} | {mw} |")
    if num(d.get("memif_mix_qps")):
        w(f"| canond over memif, alias-rich mix, answered qps | {fint(d.get('memif_mix_qps'))} | {mw} |")
    w(f"| testpmd macswap over memif (echo ceiling), pps | {fint(d.get('testpmd_macswap_qps'))} | {mw} |")
    w(f"| canond ÷ testpmd (memif rate as a fraction of testpmd's on the same link) | {fratio(ratio)} | {mw} |")
    w("")
    veth = d.get("veth")
    if isinstance(veth, dict):
        veth_table(veth, dpdk_when(prov, "veth"), w)
    extra = {k: v for k, v in d.items()
             if k not in ("memif_qps", "memif_mix_qps", "testpmd_macswap_qps", "ratio", "veth", "source",
                          "provenance")}
    if extra:
        w("Other figures: " + "; ".join(f"{k} {fany(v)}" for k, v in flat_items(extra)) + ".")
        w("")


VETH_KNOTD_XDP = "knotd XDP"


def veth_table(veth, when, w):
    """bench/dpdk-veth's variants on one veth pair: answered qps at full offered
    rate, the highest loss-free step, and each against knotd's XDP mode."""
    answered = veth.get("answered_qps_median")
    if not isinstance(answered, dict) or not answered:  # older results: the two headline figures
        answered = {"canond DPDK net_af_xdp": veth.get("canond_af_xdp_qps"),
                    VETH_KNOTD_XDP: veth.get("knotd_xdp_qps")}
    clean = veth.get("clean_rate_qps_median") if isinstance(veth.get("clean_rate_qps_median"), dict) else {}
    rounds = f", median of {veth['rounds']} round(s)" if num(veth.get("rounds")) else ""
    w(f"veth pair, kxdpgun from a network namespace ({when}{rounds}); *clean rate*: the highest offered "
      "step answered with ≤ 0.1 % loss (0: none of the steps).")
    w("")
    w("| variant | answered qps, full offered rate | clean rate | ÷ knotd XDP |")
    w("|---|---:|---:|---:|")
    for name, qps in answered.items():
        w(f"| {cell(name)} | {fint(qps)} | {fint(clean.get(name))} | "
          f"{fratio(div(qps, answered.get(VETH_KNOTD_XDP)))} |")
    w("")
    if veth.get("workload"):
        w(f"veth workload: {veth['workload']}")
        w("")


def skipped_table(res, w):
    w("## Skipped")
    w("")
    if not res.skipped:
        w("Nothing was skipped in this run.")
        w("")
        return
    w("| server | workload | size | what | reason |")
    w("|---|---|---|---|---|")
    for s in res.skipped:
        w(f"| {cell(s.get('server'))} | {cell(s.get('workload'))} | {size_label(s.get('size'))} | "
          f"{cell(s.get('what'))} | {cell(s.get('reason'))} |")
    w("")


# ---------------------------------------------------------------- plots

COLOURS = {"canond": "#1f77b4", "knotd": "#d62728", "nsd": "#2ca02c", "canond-dpdk": "#17becf",
           "knotd-xdp": "#ff7f0e"}
MARKERS = {"canond": "o", "knotd": "s", "nsd": "^", "canond-dpdk": "D", "knotd-xdp": "v"}


def style(server, i):
    fallback = ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    return COLOURS.get(server, fallback[i % len(fallback)]), MARKERS.get(server, "x")


def title(res, text):
    mode = str(res.meta.get("mode") or "")
    if mode in ("quick", "example"):
        return f"{text}  [{mode.upper()}]"
    return text


def plot_lines(res, plt, path, points, xlabel, xscale, titletext, xticks=None, xticklabels=None):
    """One line per server: median qps with min–max bars; hollow markers where generator-bound.
    points: function (server) -> [(x, row)]."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
    drawn = False
    for i, s in enumerate(res.servers):
        pts = [(x, r) for x, r in points(s) if num(r.get("median"))]
        if not pts:
            continue
        drawn = True
        colour, marker = style(s, i)
        xs = [x for x, _ in pts]
        ys = [r["median"] for _, r in pts]
        lo = [max(0, r["median"] - r["min"]) if num(r.get("min")) else 0 for _, r in pts]
        hi = [max(0, r["max"] - r["median"]) if num(r.get("max")) else 0 for _, r in pts]
        ax.errorbar(xs, ys, yerr=[lo, hi], color=colour, marker=marker, capsize=3, label=s)
        gb = [(x, r["median"]) for x, r in pts if r.get("generator_bound")]
        if gb:
            ax.scatter([x for x, _ in gb], [y for _, y in gb], s=110, facecolors="none", edgecolors="black",
                       zorder=5, label=None)
    if not drawn:
        plt.close(fig)
        return False
    if any(r.get("generator_bound") for s in res.servers for _, r in points(s)):
        ax.scatter([], [], s=110, facecolors="none", edgecolors="black", label="generator-bound")
    ax.set_xscale(xscale)
    if xticks is not None:
        ax.set_xticks(xticks)
        ax.set_xticklabels(xticklabels)
        ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("answered qps (median, min–max)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v / 1000:,.0f}K"))
    ax.grid(True, alpha=0.3)
    ax.legend()
    ax.set_title(title(res, titletext))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def plots(res, plt, out_dir):
    """Draws what the data has; returns the names of the files written."""
    os.makedirs(out_dir, exist_ok=True)
    made = {}
    idx = res.index(res.qps)

    # qps against zone size, a_hit
    def by_size(s):
        return [(r["size"], r) for r in sorted((r for r in res.qps if r.get("server") == s
                and r.get("workload") == "a_hit" and num(r.get("size")) and r["size"] > 0), key=lambda r: r["size"])]
    sizes = [x for x in res.sizes(res.qps, "a_hit") if x > 0]   # a log axis
    if len(sizes) >= 1:
        made["qps_vs_size.png"] = plot_lines(
            res, plt, os.path.join(out_dir, "qps_vs_size.png"), by_size, "zone size (names)", "log",
            "a_hit: qps against zone size", sizes, [size_label(x) for x in sizes])

    # qps against chain length, at the reference size of chain8 (else a_hit)
    size = res.ref_size(res.qps, "chain8") or res.ref_size(res.qps, "a_hit")

    def by_chain(s):
        return [(n, idx[(s, wl, size)]) for wl, n in CHAIN_LENGTHS if (s, wl, size) in idx]
    if size is not None:
        made["qps_vs_chain.png"] = plot_lines(
            res, plt, os.path.join(out_dir, "qps_vs_chain.png"), by_chain, "CNAME chain links (0 = a_hit)",
            "linear", f"qps against chain length, {size_label(size)} names", [n for _, n in CHAIN_LENGTHS],
            [str(n) for _, n in CHAIN_LENGTHS])

    # latency CDF, a_hit at its reference size
    size = res.ref_size(res.latency, "a_hit")
    lat = res.index(res.latency)
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
    drawn = False
    for i, s in enumerate(res.servers):
        r = lat.get((s, "a_hit", size))
        pts = [(p[0], p[1]) for p in ((r or {}).get("cdf") or [])
               if isinstance(p, (list, tuple)) and len(p) == 2 and num(p[0]) and num(p[1]) and p[0] > 0]
        if not pts:
            continue
        drawn = True
        colour, _ = style(s, i)
        pts.sort()
        ax.plot([x for x, _ in pts], [y for _, y in pts], color=colour,
                label=f"{s} (p99 {fus(((r.get('percentiles_us') or {}).get('99')))} µs)")
    if drawn:
        ax.set_xscale("log")
        ax.set_xlabel("response time, µs (log)")
        ax.set_ylabel("fraction of answers")
        ax.set_ylim(0, 1.01)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="lower right")
        offered = (lat.get((REF, "a_hit", size)) or {}).get("offered_qps")
        ax.set_title(title(res, f"a_hit latency CDF, {size_label(size)} names"
                                + (f", {fint(offered)} qps offered" if num(offered) else "")))
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "latency_cdf.png"))
        made["latency_cdf.png"] = True
    plt.close(fig)

    # instructions per answer, grouped bars per workload at its reference size
    ins = res.index(res.instructions)
    groups = [(wl, res.ref_size(res.instructions, wl)) for wl in res.workloads]
    groups = [(wl, sz) for wl, sz in groups if sz is not None]
    servers = res.servers_in(res.instructions)
    if groups and servers:
        fig, ax = plt.subplots(figsize=(max(7.5, 1.1 * len(groups) + 2), 4.5), dpi=110)
        width = 0.8 / len(servers)
        for i, s in enumerate(servers):
            colour, _ = style(s, i)
            xs = [g + (i - (len(servers) - 1) / 2) * width for g in range(len(groups))]
            ys = [(ins.get((s, wl, sz)) or {}).get("per_answer") for wl, sz in groups]
            ax.bar([x for x, y in zip(xs, ys) if num(y)], [y for y in ys if num(y)], width, color=colour, label=s)
            if s == REF:
                continue
            for x, y, (wl, sz) in zip(xs, ys, groups):   # how many times canond's count
                q = div(y, (ins.get((REF, wl, sz)) or {}).get("per_answer"))
                if q is not None:
                    ax.annotate(f"{q:.1f}×", (x, y), ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([wl if sz == REF_SIZE else f"{wl}\n({size_label(sz)})" for wl, sz in groups],
                           rotation=20)
        ax.set_ylabel("instructions per answer (callgrind)")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend()
        ax.set_title(title(res, f"Instructions per answer ({size_label(REF_SIZE)} names unless marked; "
                                "labels: × canond's)"))
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "instructions.png"))
        made["instructions.png"] = True
        plt.close(fig)
    made = {k for k, v in made.items() if v}
    for name in PLOT_NAMES - made:      # an earlier run's plot would not match this report
        try:
            os.remove(os.path.join(out_dir, name))
        except FileNotFoundError:
            pass
    return made


def link(w, plots_info, name, alt):
    rel, made = plots_info
    if name in made:
        w(f"![{alt}]({rel}/{name})")
        w("")


# ---------------------------------------------------------------- main

def render(data, results_path, out, plots_dir, plt):
    res = Results(data)
    made = plots(res, plt, plots_dir)
    rel = os.path.relpath(plots_dir, os.path.dirname(os.path.abspath(out)) or ".").replace(os.sep, "/")
    info = (rel, made)
    lines = []
    w = lines.append
    header(res, w, results_path)
    summary(res, w)
    instructions_table(res, w, info)
    qps_table(res, w, info)
    cpu_table(res, w)
    latency_table(res, w, info)
    zones_table(res, w)
    resperf_table(res, w)
    dpdk_section(res, w)
    skipped_table(res, w)
    text = "\n".join(lines).rstrip("\n") + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, out)
    return text, made


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="results JSON (bench/run's output)")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "REPORT.md"),
                    help="markdown to write (default: bench/results/REPORT.md of the repository)")
    ap.add_argument("--plots", default=os.path.join(REPO, "bench", "results", "plots"),
                    help="directory for the PNG plots (default: bench/results/plots of the repository)")
    args = ap.parse_args()
    plt = import_matplotlib()
    out, plots_dir = args.out, args.plots
    try:
        with open(args.results) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"report.py: cannot read {args.results}: {e}")
    if not isinstance(data, dict):
        sys.exit(f"report.py: {args.results}: expected a JSON object with meta, servers, qps, ...")
    shown = os.path.relpath(os.path.abspath(args.results), REPO)
    if shown.startswith(".."):
        shown = args.results
    _, made = render(data, shown, out, plots_dir, plt)
    print(f"report.py: wrote {out} and {len(made)} plot(s) in {plots_dir}")


if __name__ == "__main__":
    main()
