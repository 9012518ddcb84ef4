"""The deterministic query set: every owner name of the zones and names derived
from them (below DNAMEs, matched by wildcards, below delegations, missing,
outside the served zones, too long after DNAME substitution), times several
types, with and without EDNS, some in mixed case."""
import random

import dns.message
import dns.name
import dns.rdatatype

from zones import LONG_TARGET

TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "DS", "ANY"]
EDNS_TYPES = ["A", "AAAA", "TXT", "MX", "NS", "ANY"]
CASE_TYPES = ["A", "CNAME", "MX"]

# Names that are no owner in the zones, each for a reason.
DERIVED = [
    # below DNAMEs
    "x.old.example.com", "y.old.example.com", "w.old.example.com", "a.b.old.example.com",
    "X.Old.Example.Com", "x.dd.example.com", "w.dd.example.com", "zz.dd.example.com",
    "cdn.tonet.example.com", "edge.tonet.example.com", "nothere.tonet.example.com",
    "b2.tonet.example.com", "back.tonet.example.com", "x.back.tonet.example.com",
    "x.toalias.example.com", "x.dnx.example.com", "x.dout.example.com",
    "q.longd.example.com", "ab.cd.longd.example.com",
    ("p" * 40) + "." + ("q" * 40) + ".longd.example.com",   # YXDOMAIN: 82 + 182 > 255
    ("r" * 63) + ".longd.example.com",                      # 64 + 182 = 246: fits
    "www.tochild.example.com", "up.tochild.example.com", "ns1.tochild.example.com",
    "x.back.example.net", "w.back.example.net",
    # wildcards
    "foo.wild.example.com", "a.b.wild.example.com", "x.sub.wild.example.com",
    "foo.wc.example.com", "foo.wcx.example.com", "foo.wcc.example.com",
    "foo.wcd.example.com", "Mixed.WILD.example.com", "x.ent2.example.com",
    "y.ent2.example.com", "z.y.ent2.example.com", "q." + LONG_TARGET[:-1],
    "other.went.example.com", "a.b.went.example.com", "*.went.example.com",
    "host.*.went.example.com", "towent.example.com",
    # empty non-terminals and missing names
    "b.ent.example.com", "ent.example.com", "_tcp.example.com", "_udp.example.com",
    "nothere.example.com", "a.nothere.example.com", "nothere.example.net",
    "ns1.nothere.example.net", "y.new.example.com", "a.x.new.example.com",
    "sub.host.example.com", "c0.example.com",
    # below delegations
    "www.ext.example.com", "a.b.ext.example.com", "ns.ext.example.com",
    "www.child.example.com", "nothere.child.example.com", "a.up.child.example.com",
    # outside every served zone
    "example.org", "www.example.org", "com", "net", "xample.com",
]


def mixed_case(name, seed):
    rng = random.Random(seed)
    return "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c.lower() for c in name)


class Query:
    def __init__(self, index, name, rdtype, edns, do=False, version=0):
        self.index = index
        self.name = name
        self.rdtype = rdtype
        self.edns = edns
        self.do = do
        self.version = version
        self.payload = 1232 if edns else 512
        if edns:
            m = dns.message.make_query(name, rdtype, use_edns=version, payload=1232, want_dnssec=do)
        else:
            m = dns.message.make_query(name, rdtype, use_edns=False)
        m.id = (index * 7919 + 1) & 0xFFFF
        self.message = m
        self.wire = m.to_wire()
        self.qname = dns.name.from_text(name)
        self.qtype = dns.rdatatype.from_text(rdtype)

    def key(self, name=None, rdtype=None):
        """Identifies the query for rules that consult canon's answer to a
        sibling query: same EDNS use, maybe another name or type (DO does not
        change an answer from unsigned zones)."""
        return ((name or self.name).lower().rstrip("."), rdtype or self.rdtype, self.edns,
                self.version)

    def cli(self):
        """The canon-query options asking the same question."""
        opts = ["--edns=1232"] if self.edns else []
        opts += ["--do"] if self.do else []
        opts += [f"--edns-version={self.version}"] if self.version else []
        return " ".join(opts + [f"'{self.name}'", self.rdtype])

    def label(self):
        extra = (" +edns" if self.edns else "") + (" +do" if self.do else "")
        extra += f" +ednsversion={self.version}" if self.version else ""
        return f"#{self.index} {self.name} {self.rdtype}{extra}"


def owner_names(model):
    """Every owner name of the zones, in presentation form without the dot."""
    names = []
    for origin, zone in model.items():
        for rel in sorted(zone.nodes.keys()):
            names.append(rel.derelativize(zone.origin).to_text(omit_final_dot=True))
    return names


def generate(model):
    names = []
    for n in owner_names(model) + DERIVED:
        if n.lower() not in {x.lower() for x in names}:
            names.append(n)
    plan = []
    for n in names:
        for t in TYPES:
            plan.append((n, t, False, False))
    for n in names:
        for t in EDNS_TYPES:
            plan.append((n, t, True, False))
    for i, n in enumerate(names):
        for t in CASE_TYPES:
            plan.append((mixed_case(n, i * 31 + len(t)), t, i % 2 == 0, i % 4 == 0))
    qs = [Query(i, n, t, e, d) for i, (n, t, e, d) in enumerate(plan)]
    # RFC 6891 §6.1.3: an unknown EDNS version gets BADVERS.
    for n in ("example.com", "www.example.com", "nothere.example.com", "x.old.example.com",
              "example.org"):
        qs.append(Query(len(qs), n, "A", True, version=1))
    return qs
