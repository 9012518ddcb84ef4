#!/usr/bin/env python3
"""The matrix's zone and query mix, written for bench/dpdk-veth (bench/run
hands them over with --zone/--queries/--workload).

    veth_inputs.py --genzone BIN --size 100000 --dir DIR [--count 20000]
                   [--workloads a_hit,chain1,...]

DIR/zone-SIZE.zone is the matrix's zone of that size (the same canon-genzone
command as matrix.py's prepare(): workloads.zone_command). DIR/q-mix-SIZE.txt
holds COUNT 'name TYPE' lines: the workloads in equal parts, interleaved (one
query of each in turn), each workload's queries drawn as the matrix draws its
own file (workloads.query_lines, seed 1: the first COUNT/N lines of the
matrix's q-WORKLOAD-SIZE.txt). Prints one JSON object: zone, queries, origin
and a one-line description for the report. Deterministic.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--genzone", required=True)
    ap.add_argument("--size", type=int, default=100000)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--workloads", default=",".join(workloads.WORKLOADS))
    a = ap.parse_args()
    wl = [w for w in a.workloads.split(",") if w]
    for w in wl:
        if w not in workloads.WORKLOADS:
            ap.error(f"unknown workload '{w}' (known: {', '.join(workloads.WORKLOADS)})")
    if not wl or a.count < len(wl):
        ap.error("--count must be at least the number of workloads")
    os.makedirs(a.dir, exist_ok=True)
    zone = os.path.join(a.dir, f"zone-{a.size}.zone")
    workloads.make_zone(a.genzone, a.size, zone)
    pools = workloads.classify(zone)
    each = a.count // len(wl)
    per, used = {}, []
    for w in wl:
        try:
            per[w] = workloads.query_lines(w, pools, each)
            used.append(w)
        except ValueError as e:      # a tiny zone may lack a kind of name: leave it out, say so
            print(f"veth_inputs.py: {e}", file=sys.stderr)
    if not used:
        sys.exit("veth_inputs.py: no workload has names in this zone")
    queries = os.path.join(a.dir, f"q-mix-{a.size}.txt")
    with open(queries, "w") as f:
        for i in range(each):
            for w in used:
                f.write(per[w][i] + "\n")
    cmd = " ".join(workloads.zone_command("canon-genzone", a.size, "FILE")[1:-2])
    if len(used) == 1:
        mix = (f"the suite's {used[0]} workload (the first {each:,} lines of the matrix's query file for it, "
               "bench/suite/veth_inputs.py)")
    else:
        mix = (f"the suite's workloads {', '.join(used)} in equal parts, interleaved, each drawn as the matrix "
               "draws its query file (bench/suite/veth_inputs.py)")
    text = (f"the suite's zone of {a.size:,} names (`canon-genzone {cmd}`, as bench/suite/matrix.py makes it) "
            f"and {each * len(used):,} queries: {mix}")
    print(json.dumps({"zone": zone, "queries": queries, "origin": workloads.ORIGIN, "size": a.size,
                      "workloads": used, "count": each * len(used), "description": text}))


if __name__ == "__main__":
    main()
