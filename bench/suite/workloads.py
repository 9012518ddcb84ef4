"""The suite's workloads: one zone per size, one query file per query mix.

Every size gets a single zone from canon-genzone with every kind of name the
mixes need (plain A, AAAA, TXT, MX with in-zone targets, CNAME chains of 1, 3
and 8 links, DNAMEs), so each server loads it once and all workloads run
against the same data. The query files are drawn from that zone by a
streaming pass over it (no whole-zone dict: a 10M-name zone stays cheap):

    a_hit       A on plain A names
    chain1/3/8  A on the heads of CNAME chains of 1, 3, 8 links (each ends at an A)
    dname       A on www./mail. below a DNAME owner (synthesised CNAME + A)
    mx          MX on MX names; the target is an in-zone A name (additional section)
    nxdomain20  a_hit names, 20 % replaced by absent names (NXDOMAIN)
    case0x20    a_hit names with every letter's case drawn at random

Deterministic for the same zone, count and seed.
"""
import random
import subprocess

ORIGIN = "example.com."
ZONE_MIX = "a=60,aaaa=4,txt=4,mx=8,chain1=6,chain3=6,chain8=8,dname=4"

WORKLOADS = {
    "a_hit": "A queries for plain A names (all hits)",
    "chain1": "A queries for the heads of CNAME chains of 1 link ending at an A name",
    "chain3": "A queries for the heads of CNAME chains of 3 links ending at an A name",
    "chain8": "A queries for the heads of CNAME chains of 8 links ending at an A name",
    "dname": "A queries for www./mail. names below a DNAME owner (DNAME, synthesised CNAME, A)",
    "mx": "MX queries whose targets are in-zone A names (A in the additional section)",
    "nxdomain20": "a_hit names with 20 % of the queries for absent names (NXDOMAIN)",
    "case0x20": "a_hit names with every letter's case drawn at random (0x20 mixing)",
}

POOL_CAP = 500_000  # names kept per pool (reservoir sample): bounds memory at 10M names


def zone_command(genzone, size, path):
    return [genzone, "--origin", ORIGIN, "--seed", "1", "--names", str(size), "--mix", ZONE_MIX,
            "-o", path]


def make_zone(genzone, size, path):
    subprocess.run(zone_command(genzone, size, path), check=True, stdout=subprocess.DEVNULL)


class _Pool:
    """A uniform sample of at most POOL_CAP names (reservoir)."""

    def __init__(self, rng):
        self.items, self.seen, self.rng = [], 0, rng

    def add(self, item):
        self.seen += 1
        if len(self.items) < POOL_CAP:
            self.items.append(item)
        else:
            j = self.rng.randrange(self.seen)
            if j < POOL_CAP:
                self.items[j] = item


def classify(zone_path, seed=1):
    """Pools of relative owner names by kind, from one pass over the zone.

    canon-genzone writes a chain as consecutive lines 'l CNAME l+1', ...,
    'l+k A', so a run of CNAMEs each pointing at the next line's owner, ended
    by the A of the last target, is one chain of k links."""
    rng = random.Random(seed)
    pools = {k: _Pool(rng) for k in ("a", "mx", "chain1", "chain3", "chain8", "dname")}
    head, links, expect = None, 0, None   # the CNAME run being read
    with open(zone_path) as f:
        for line in f:
            if not line or line[0] in ";$\n":
                continue
            p = line.split(None, 4)
            if len(p) < 4 or p[1] != "IN":
                continue
            owner, rtype, rdata = p[0], p[2], p[3]
            if rtype == "CNAME":
                if head is not None and owner == expect:
                    links += 1
                else:
                    head, links = owner, 1
                expect = rdata
                continue
            ends_chain = head is not None and owner == expect and rtype == "A"
            if ends_chain and f"chain{links}" in pools:
                pools[f"chain{links}"].add(head)
            head, expect = None, None
            if rtype == "A" and "." not in owner and owner not in ("@", "ns1", "ns2") and not ends_chain:
                pools["a"].add(owner)
            elif rtype == "MX":
                pools["mx"].add(owner)
            elif rtype == "DNAME":
                pools["dname"].add(owner)
    out = {}
    for k, p in pools.items():
        p.items.sort()
        out[k] = p.items
    return out


def _fq(label):
    return f"{label}.{ORIGIN}"


def _absent(rng):
    # '-' never appears in canon-genzone's labels, so this name is never in the zone
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(letters) for _ in range(rng.randrange(7, 15))) + "-nx." + ORIGIN


def _mixed_case(name, rng):
    return "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c for c in name)


def query_lines(kind, pools, count, seed=1):
    """COUNT 'name TYPE' lines of workload KIND."""
    rng = random.Random(f"{kind}/{seed}")
    need = {"a_hit": "a", "nxdomain20": "a", "case0x20": "a", "mx": "mx", "dname": "dname",
            "chain1": "chain1", "chain3": "chain3", "chain8": "chain8"}[kind]
    pool = pools[need]
    if not pool:
        raise ValueError(f"the zone has no names for workload '{kind}' (pool '{need}' is empty)")
    lines = []
    for _ in range(count):
        name = rng.choice(pool)
        if kind == "mx":
            lines.append(f"{_fq(name)} MX")
        elif kind == "dname":
            lines.append(f"{rng.choice(('www.', 'mail.'))}{_fq(name)} A")
        elif kind == "nxdomain20":
            lines.append(f"{_absent(rng)} A" if rng.random() < 0.2 else f"{_fq(name)} A")
        elif kind == "case0x20":
            lines.append(f"{_mixed_case(_fq(name), rng)} A")
        else:
            lines.append(f"{_fq(name)} A")
    return lines


def write_queries(kind, pools, count, path, seed=1):
    lines = query_lines(kind, pools, count, seed)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines
