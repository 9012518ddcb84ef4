#!/usr/bin/env python3
"""The alias-rich workload of bench/daemon: a dnsperf query file drawn from a
zone made by canon-genzone (--mix with a, aaaa, mx, txt, chain1..3, dname).

    daemon_workload.py ZONE ORIGIN COUNT QUERIES_OUT [--seed S]

Reads ZONE, classifies its owner names and writes COUNT 'name TYPE' lines:

    A on A names                 28 %
    AAAA on AAAA names           12 %
    MX on MX names (targets in zone, additional A)  12 %
    TXT on TXT names             10 %
    A on CNAME-chain heads       24 %  (1, 2 and 3 links, a third each)
    A under a DNAME              4 %   (www./mail. below a DNAME owner)
    A on absent names (NXDOMAIN) 10 %

Prints one line of JSON describing the zone and the mix for the report, with
the first query of each kind ("samples").
Deterministic for the same zone, count and seed.
"""
import json
import random
import sys

MIX = [("a", 28), ("aaaa", 12), ("mx", 12), ("txt", 10),
       ("chain1", 8), ("chain2", 8), ("chain3", 8), ("dname", 4), ("nxdomain", 10)]


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    zone, origin, count, out = argv[1], argv[2], int(argv[3]), argv[4]
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1
    origin = origin.rstrip(".") + "."

    owners = {}          # owner label -> list of (type, rdata)
    types = {}
    for line in open(zone):
        if not line.strip() or line[0] in ";$":
            continue
        f = line.split()
        if len(f) < 4 or f[1] != "IN":
            continue
        owners.setdefault(f[0], []).append((f[2], f[3:]))
        types[f[2]] = types.get(f[2], 0) + 1

    def fq(label):
        return origin if label == "@" else label + "." + origin

    cname_target = {o: r[0][1][0] for o, r in owners.items() if r[0][0] == "CNAME"}
    targeted = set(cname_target.values())
    chains = {1: [], 2: [], 3: []}
    for head in cname_target:
        if head in targeted:
            continue          # not a head
        n, cur = 0, head
        while cur in cname_target and n < 20:
            cur, n = cname_target[cur], n + 1
        if n in chains and "A" in (t for t, _ in owners.get(cur, [])):
            chains[n].append(head)
    pools = {
        "a": [o for o, r in owners.items() if r[0][0] == "A" and "." not in o
              and o not in ("@", "ns1", "ns2") and o not in targeted],
        "aaaa": [o for o, r in owners.items() if r[0][0] == "AAAA"],
        "mx": [o for o, r in owners.items() if r[0][0] == "MX"],
        "txt": [o for o, r in owners.items() if r[0][0] == "TXT"],
        "chain1": chains[1], "chain2": chains[2], "chain3": chains[3],
        "dname": [p + o for o, r in owners.items() if r[0][0] == "DNAME"
                  for p in ("www.", "mail.")],
    }
    qtype = {"aaaa": "AAAA", "mx": "MX", "txt": "TXT"}
    for kind, _ in MIX:
        if kind != "nxdomain" and not pools[kind]:
            sys.exit(f"daemon_workload: the zone has no names for '{kind}'")
    for p in pools.values():
        p.sort()

    rng = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    existing = set(owners)
    dname_owners = {o for o, r in owners.items() if r[0][0] == "DNAME"}
    letters = "abcdefghijklmnopqrstuvwxyz"
    samples = {}
    with open(out, "w") as f:
        for i in range(count):
            kind = rng.choice(kinds)
            kind_of_line = kind
            if kind == "nxdomain":
                while True:
                    label = "".join(rng.choice(letters) for _ in range(rng.randrange(7, 15)))
                    if label not in existing and label not in dname_owners:
                        break
                line = f"{label}-nx.{origin} A"
            else:
                line = f"{fq(rng.choice(pools[kind]))} {qtype.get(kind, 'A')}"
            f.write(line + "\n")
            samples.setdefault(kind_of_line, line)
    print(json.dumps({"records": types, "chains": {k: len(v) for k, v in chains.items()},
                      "dnames": len(dname_owners), "mix": dict(MIX), "queries": count,
                      "samples": samples}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
