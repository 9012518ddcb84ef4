"""canond's DPDK backend and knotd's XDP mode, from the last results of
bench/dpdk-memif and bench/dpdk-veth (bench/results/dpdk-memif.md,
dpdk-veth.md). Those need a memif link or a veth pair and a network
namespace, root, a DPDK build and minutes of their own; the suite does not
rerun them but records their figures with their source and date.
"""
import os
import re


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
           "memif_run": _run_line(text)}
    return out


def veth(path):
    """Median answered qps at full offered rate per variant, and the clean-rate line."""
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
           "ratio": round(xdp / kxdp, 3) if xdp and kxdp else None, "answered_qps_median": variants, "rounds": int(m.group(1)), "run": _run_line(text),
           "generator": "kxdpgun from a network namespace over a veth pair"}
    m = re.search(r"Highest offered rate answered with ≤ 0\.1 % loss \(median\): (.*)", text)
    if m:
        out["clean_rate_qps_median"] = {n.strip(): _num(v) for n, v in
                                        re.findall(r"([^;]+?) ([\d,]+)(?:;|$| \()", m.group(1))}
    return out


def collect(results_dir):
    """The suite's "dpdk" object, or None when neither result file is there."""
    mpath = os.path.join(results_dir, "dpdk-memif.md")
    vpath = os.path.join(results_dir, "dpdk-veth.md")
    out = {"memif_qps": None, "testpmd_macswap_qps": None, "ratio": None, "veth": None, "source": ""}
    sources = []
    if os.path.exists(mpath):
        m = memif(mpath)
        if m:
            out.update({k: m[k] for k in ("memif_qps", "testpmd_macswap_qps", "ratio")})
            sources.append(f"bench/results/dpdk-memif.md (bench/dpdk-memif, run {m['memif_run']})")
    if os.path.exists(vpath):
        v = veth(vpath)
        if v:
            out["veth"] = v
            sources.append(f"bench/results/dpdk-veth.md (bench/dpdk-veth, run {v['run']})")
    if not sources:
        return None
    out["source"] = "parsed from the last committed results, not rerun by the suite: " + "; ".join(sources)
    return out


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(collect(sys.argv[1] if len(sys.argv) > 1 else "bench/results"), indent=1))
