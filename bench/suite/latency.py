#!/usr/bin/env python3
"""Latency percentiles from a `dnsperf -v -S 1` run, inside and outside windows.

    latency.py DNSPERF_OUTPUT [--windows W.jsonl] [--tail S] [--name NAME]

dnsperf 2.10 -v prints one line per answered query, in the order the answers
arrive: '> RCODE NAME TYPE SECONDS' ('> T NAME TYPE' for a query that timed
out, '> I ...' for one interrupted at the end); -S 1 prints 'EPOCH.USEC: QPS'
once a second, between those lines. The query lines between two stamps are
given times spread evenly over that second (the first second ends at the
first stamp; lines after the last stamp continue at the last second's rate).

--load: 'EPOCH BUSY_TICKS SERVER_TICKS GENERATOR_TICKS' samples, one a second:
each second of the run then also gets the CPU the rest of the machine used.

W.jsonl: one JSON object per window with "start" and "end" (epoch seconds) and
anything else (kept in the output). A query is inside a window when its time
falls in [start, end + tail]. Prints one JSON object.
"""
import argparse
import bisect
import json
import re
import sys

STAMP = re.compile(r"^(\d+\.\d+): ([\d.]+)$")


def pcts(us):
    if not us:
        return {"n": 0}
    us = sorted(us)
    n = len(us)

    def p(q):  # nearest rank
        return us[min(n - 1, max(0, int(-(-q * n // 1)) - 1))]
    return {"n": n, "p50": p(0.50), "p90": p(0.90), "p99": p(0.99), "p999": p(0.999),
            "max": us[-1], "mean": sum(us) / n}


def parse(path):
    events = []   # ("q", latency_us) | ("t",) | ("s", epoch)
    stats = {}
    for line in open(path, errors="replace"):
        if line.startswith("> "):
            f = line.split()
            if f[1] == "T":
                events.append(("t",))
            elif f[1] == "I":
                continue
            elif len(f) >= 5:
                try:
                    events.append(("q", float(f[-1]) * 1e6))
                except ValueError:
                    pass
            continue
        m = STAMP.match(line.strip())
        if m:
            events.append(("s", float(m.group(1))))
            continue
        for key, field in (("sent", "Queries sent:"), ("completed", "Queries completed:"),
                           ("lost", "Queries lost:"), ("qps", "Queries per second:")):
            if line.strip().startswith(field):
                stats[key] = float(line.split(":", 1)[1].split()[0])
    return events, stats


def timeline(events):
    """(time, kind, latency) per query event, times interpolated between stamps."""
    stamps = [i for i, e in enumerate(events) if e[0] == "s"]
    if not stamps:
        raise SystemExit("latency: no -S stamps in the dnsperf output (run it with -S 1)")
    out = []
    bounds = [-1] + stamps + [len(events)]
    times = [events[stamps[0]][1] - 1.0] + [events[i][1] for i in stamps]
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k] + 1, bounds[k + 1]
        seg = [events[i] for i in range(lo, hi) if events[i][0] != "s"]
        if not seg:
            continue
        if k < len(times) - 1:
            t0, t1 = times[k], times[k + 1]
            step = (t1 - t0) / len(seg)
        else:  # after the last stamp: the last second's pace
            t0 = times[-1]
            prev = max(1, sum(1 for i in range(bounds[k - 1] + 1, bounds[k]) if events[i][0] != "s"))
            step = (times[-1] - times[-2]) / prev if len(times) > 1 else 1.0 / 20000
        for j, e in enumerate(seg):
            out.append((t0 + (j + 0.5) * step, e[0], e[1] if e[0] == "q" else None))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--windows")
    ap.add_argument("--tail", type=float, default=0.25)
    ap.add_argument("--name", default="run")
    ap.add_argument("--load", help="samples 'EPOCH BUSY SERVER GENERATOR' (ticks), one a second")
    ap.add_argument("--hz", type=float, default=100.0)
    args = ap.parse_args()
    events, stats = parse(args.output)
    tl = timeline(events)
    windows = []
    if args.windows:
        windows = [json.loads(l) for l in open(args.windows) if l.strip()]
    spans = sorted((w["start"], w["end"] + args.tail, i) for i, w in enumerate(windows))
    starts = [s[0] for s in spans]
    every, inside, outside = [], [], []
    per_window = [[] for _ in windows]
    lost_inside = 0
    for t, kind, lat in tl:
        k = bisect.bisect_right(starts, t) - 1
        win = spans[k][2] if k >= 0 and t <= spans[k][1] else None
        if kind == "t":
            lost_inside += win is not None
            continue
        every.append(lat)
        if win is None:
            outside.append(lat)
        else:
            inside.append(lat)
            per_window[win].append(lat)
    # p99 and max per second of the run; a second is marked when a window overlaps it
    seconds = {}
    t_first = tl[0][0] if tl else 0
    for t, kind, lat in tl:
        if kind == "q":
            seconds.setdefault(int(t - t_first), []).append(lat)
    per_second = []
    for sec in sorted(seconds):
        lo, hi = t_first + sec, t_first + sec + 1
        d = pcts(seconds[sec])
        per_second.append({"second": sec, "n": d["n"], "p99": d["p99"], "max": d["max"],
                           "swap": any(s < hi and e > lo for s, e, _ in spans)})
    if args.load:  # the rest of the machine's CPU (cores) during each second
        samples = []
        for line in open(args.load):
            f = line.split()
            if len(f) == 4:
                try:
                    samples.append(tuple(float(x) for x in f))
                except ValueError:
                    pass
        rates = []  # (midpoint, other cores)
        for a, b in zip(samples, samples[1:]):
            dt = b[0] - a[0]
            if dt > 0:
                other = ((b[1] - a[1]) - (b[2] - a[2]) - max(0.0, b[3] - a[3])) / args.hz / dt
                rates.append(((a[0] + b[0]) / 2, max(0.0, other)))
        for p in per_second:
            lo = t_first + p["second"]
            near = [o for m, o in rates if lo - 0.5 <= m < lo + 1.5]
            p["other"] = sum(near) / len(near) if near else None
    for w, lats in zip(windows, per_window):
        w.update(pcts(lats))
        w["wall"] = w["end"] - w["start"]
    result = {"name": args.name,
              "sent": int(stats.get("sent", 0)), "completed": int(stats.get("completed", 0)),
              "lost": int(stats.get("lost", 0)), "qps": stats.get("qps", 0.0),
              "timeouts_inside": lost_inside,
              "first": tl[0][0] if tl else 0, "last": tl[-1][0] if tl else 0,
              "all": pcts(every), "inside": pcts(inside), "outside": pcts(outside),
              "windows": windows, "tail": args.tail, "per_second": per_second}
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
