"""canond's DPDK backend and knotd's XDP mode, from the reports of
bench/dpdk-memif and bench/dpdk-veth (markdown, parsed here), with where each
figure comes from: measured in this bench/run invocation, or an earlier run's
report (its date and commit).

bench/run runs both scripts after the matrix (unless --no-dpdk, or not root)
and then merges their figures into the suite's JSON:

    dpdk_results.py merge SUITE.json --started EPOCH
        [--veth FILE --veth-status ok|failed|skipped --veth-reason TEXT --veth-log FILE]
        [--memif FILE --memif-status ... --memif-reason ... --memif-log ...]

A figure is "measured in this run" when the script succeeded (status ok), its
report was written after EPOCH (the start of bench/run: file mtime) and has
the figures. Otherwise the figures come from the committed report
(bench/results/dpdk-veth.md, dpdk-memif.md), flagged with that run's date and
commit, and the reason this run has none goes to "skipped". matrix.py alone
(no merge) records the committed reports the same way, as not run.
"""
import argparse
import datetime
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMITTED = {"memif": "bench/results/dpdk-memif.md", "veth": "bench/results/dpdk-veth.md"}
SCRIPT = {"memif": "bench/dpdk-memif", "veth": "bench/dpdk-veth"}
NOT_RUN = "bench/suite/matrix.py does not run it; bench/run does (as root, unless --no-dpdk)"


def _num(text):
    text = text.replace(",", "").strip()
    m = re.match(r"([\d.]+)\s*([kM]?)", text)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6}[m.group(2)]


def _run_line(text):
    m = re.search(r"Run (\d{4}-\d\d-\d\d \d\d:\d\d UTC), commit (\w+)", text)
    return f"{m.group(1)}, commit {m.group(2)}" if m else "date unknown"


def memif(path):
    """Medians of the summary table: A testpmd macswap, B canond one A name, C the alias-rich mix."""
    with open(path) as f:
        text = f.read()
    rows = {}
    for m in re.finditer(r"^\| ([ABC]) \| ([^|]+) \| (\d+) \| ([\d.]+ [kM]?) \|", text, re.M):
        rows[m.group(1)] = (m.group(2).strip(), _num(m.group(4)))
    if "A" not in rows or "B" not in rows:
        return None
    out = {"memif_qps": rows["B"][1], "testpmd_macswap_qps": rows["A"][1],
           "ratio": round(rows["B"][1] / rows["A"][1], 3) if rows["A"][1] else None,
           "memif_mix_qps": rows["C"][1] if "C" in rows else None,
           "memif_run": _run_line(text), "quick": "**--quick:" in text}
    return out


def veth(path):
    """Median answered qps at full offered rate per variant, the clean-rate line, the workload."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"Answered qps at full offered rate, median of (\d+) round\(s\): (.*)", text)
    if not m:
        return None
    variants = {}
    for name, value in re.findall(r"([^;:]+?) \*\*([\d,]+)\*\*", m.group(2)):
        variants[name.strip()] = _num(value)
    xdp, kxdp = variants.get("canond DPDK net_af_xdp"), variants.get("knotd XDP")
    out = {"canond_af_xdp_qps": xdp, "knotd_xdp_qps": kxdp,
           "ratio": round(xdp / kxdp, 3) if xdp and kxdp else None, "answered_qps_median": variants,
           "rounds": int(m.group(1)), "run": _run_line(text),
           "generator": "kxdpgun from a network namespace over a veth pair"}
    m = re.search(r"Highest offered rate answered with ≤ 0\.1 % loss \(median\): (.*)", text)
    if m:
        # "NAME 123,456" per variant; "NAME ≥ 123,456" when the steps never reached a loss (a lower bound)
        out["clean_rate_qps_median"] = {
            n.strip() + (" (lower bound: no step lost)" if ge else ""): _num(v)
            for n, ge, v in re.findall(r"([^;]+?) (≥ )?([\d,]+)(?:;|$| \()", m.group(1))}
    m = re.search(r"^\*\*Workload\*\*: (.*)$", text, re.M)
    if m:
        out["workload"] = m.group(1).strip()
    if "**--quick:" in text:
        out["quick"] = True
    return out


def _rel(path):
    a = os.path.abspath(path)
    return os.path.relpath(a, ROOT) if a.startswith(ROOT + os.sep) else path


def _parse(kind, path):
    try:
        return (memif if kind == "memif" else veth)(path)
    except (OSError, ValueError):
        return None


def _pick(kind, live=None, status=None, reason="", log=None, started=None):
    """(figures, provenance) for one script: this run's report when it counts, else the committed one."""
    prov = {"script": SCRIPT[kind], "status": status or "not run", "reason": reason or "",
            "measured_in_this_run": False, "file": None, "run": None}
    if log:
        prov["log"] = _rel(log)
    if live and status == "ok":
        fresh = os.path.exists(live) and (started is None or os.path.getmtime(live) >= started)
        figures = _parse(kind, live) if fresh else None
        if figures:
            prov.update(measured_in_this_run=True, status="measured", reason="", file=_rel(live),
                        run=figures.get("memif_run") or figures.get("run"))
            return figures, prov
        prov["status"] = "failed"
        prov["reason"] = (f"{_rel(live)} has no figures" if fresh else
                          f"{_rel(live)} was not written by this run")
    committed = os.path.join(ROOT, COMMITTED[kind])
    figures = _parse(kind, committed) if os.path.exists(committed) else None
    if figures:
        prov.update(file=COMMITTED[kind], run=figures.get("memif_run") or figures.get("run"))
    return figures, prov


def _source(prov):
    if prov["measured_in_this_run"]:
        return f"{prov['script']}: measured in this run ({prov['file']}, run {prov['run']})"
    status = "not part of this run" if prov["status"] == "not run" else f"{prov['status']} in this run"
    s = f"{prov['script']}: {status}" + (f" ({prov['reason']})" if prov["reason"] else "")
    if prov["file"]:
        s += f"; figures from an earlier run ({prov['run']}): {prov['file']}"
    else:
        s += "; no earlier figures"
    return s


def build(memif_args=None, veth_args=None):
    """The suite's "dpdk" object, or None when there are no figures at all. *_args: keyword
    arguments of _pick (live, status, reason, log, started); None: not run."""
    m, mprov = _pick("memif", **(memif_args or {}))
    v, vprov = _pick("veth", **(veth_args or {}))
    if not m and not v and not (memif_args or veth_args):
        return None
    out = {"memif_qps": None, "testpmd_macswap_qps": None, "ratio": None, "veth": None, "source": ""}
    if m:
        out.update({k: m[k] for k in ("memif_qps", "testpmd_macswap_qps", "ratio")})
        if m.get("memif_mix_qps") is not None:
            out["memif_mix_qps"] = m["memif_mix_qps"]
    if v:
        out["veth"] = v
    out["provenance"] = {"memif": mprov, "veth": vprov}
    out["source"] = "; ".join(_source(p) for p in (mprov, vprov))
    return out


def collect():
    """matrix.py alone: the committed reports, flagged as earlier runs."""
    return build({"reason": NOT_RUN}, {"reason": NOT_RUN})


def skipped_rows(d):
    """Rows for the suite's "skipped": what this run did not measure and why."""
    rows = [{"server": "canond-dpdk, knotd-xdp", "workload": "*", "size": None,
             "what": "matrix cells (qps, cpu, latency, instructions)",
             "reason": "dnsperf and callgrind drive the kernel's UDP path; the DPDK backend and knotd's XDP mode are "
                       "measured by bench/dpdk-veth and bench/dpdk-memif (DPDK section)"}]
    prov = (d or {}).get("provenance") or {}
    for kind, server, what in (("veth", "canond-dpdk, knotd-xdp", "veth qps (bench/dpdk-veth)"),
                               ("memif", "canond-dpdk", "memif qps and ÷ testpmd (bench/dpdk-memif)")):
        p = prov.get(kind)
        if not p or p.get("measured_in_this_run"):
            continue
        reason = f"{p['status']}: {p['reason']}" if p.get("reason") else p.get("status", "not run")
        reason += (f"; the DPDK section shows an earlier run's figures ({p['run']})" if p.get("file")
                   else "; no earlier figures")
        if p.get("log"):
            reason += f"; log {p['log']}"
        rows.append({"server": server, "workload": "*", "size": None, "what": what, "reason": reason})
    return rows


def merge(args):
    with open(args.suite) as f:
        data = json.load(f)

    def one(kind):
        live, status = getattr(args, kind), getattr(args, kind + "_status")
        if status is None:
            return None
        return {"live": live, "status": status, "reason": getattr(args, kind + "_reason") or "",
                "log": getattr(args, kind + "_log"), "started": args.started}

    d = build(one("memif"), one("veth"))
    data["dpdk"] = d
    data["skipped"] = [s for s in data.get("skipped", [])
                       if not any(x in str(s.get("server")) for x in ("canond-dpdk", "knotd-xdp"))]
    data["skipped"] += skipped_rows(d)
    notes = data.setdefault("meta", {}).setdefault("notes", [])
    notes[:] = [n for n in notes if not str(n).startswith("dpdk: ")]  # a merge replaces the last one's
    notes.append(
        "dpdk: " + (d["source"] if d else "no figures") +
        f" (bench/run started {datetime.datetime.utcfromtimestamp(args.started):%Y-%m-%d %H:%M:%S} UTC)")
    tmp = args.suite + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.suite)
    for kind in ("veth", "memif"):
        p = (d or {}).get("provenance", {}).get(kind, {})
        print(f"dpdk_results: {kind}: " + (_source(p) if p else "no figures"), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    mp = sub.add_parser("merge", help="put the DPDK figures into a suite JSON")
    mp.add_argument("suite")
    mp.add_argument("--started", type=float, required=True, help="bench/run's start (seconds since the epoch)")
    for kind in ("veth", "memif"):
        mp.add_argument(f"--{kind}", help=f"the report bench/{'dpdk-' + kind} wrote in this run")
        mp.add_argument(f"--{kind}-status", choices=("ok", "failed", "skipped"))
        mp.add_argument(f"--{kind}-reason")
        mp.add_argument(f"--{kind}-log")
    sub.add_parser("show", help="print what matrix.py records without a merge")
    a = ap.parse_args()
    if a.cmd == "merge":
        merge(a)
    else:
        print(json.dumps(collect(), indent=1))


if __name__ == "__main__":
    main()
