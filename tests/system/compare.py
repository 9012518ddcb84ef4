"""Responses reduced to what the contract decides, compared section by section."""
import dns.flags
import dns.rcode
import dns.rdataclass
import dns.rdatatype

SECTIONS = ("answer", "authority", "additional")


class View:
    """A response as compared: rcode, AA, TC, EDNS presence and each section
    as an order-insensitive set of RRs (owner lower-cased, type, class, ttl,
    rdata text). The sections are kept as lists in message order, because
    some rules cut a chain at a given link; equality ignores the order."""

    def __init__(self, msg, wire_length=0):
        self.msg = msg
        self.wire_length = wire_length
        self.rcode = msg.rcode()
        self.aa = bool(msg.flags & dns.flags.AA)
        self.tc = bool(msg.flags & dns.flags.TC)
        self.edns = (msg.edns, bool(msg.ednsflags & dns.flags.DO)) if msg.edns >= 0 else None
        self.sections = {s: rrs_of(getattr(msg, s)) for s in SECTIONS}

    def copy(self):
        other = View.__new__(View)
        other.msg, other.wire_length = self.msg, self.wire_length
        other.rcode, other.aa, other.tc, other.edns = self.rcode, self.aa, self.tc, self.edns
        other.sections = {s: list(v) for s, v in self.sections.items()}
        return other

    @property
    def answer(self):
        return self.sections["answer"]

    @property
    def authority(self):
        return self.sections["authority"]

    @property
    def additional(self):
        return self.sections["additional"]

    def key(self):
        return (self.rcode, self.aa, self.tc, self.edns,
                tuple(frozenset(self.sections[s]) for s in SECTIONS))

    def __eq__(self, other):
        return self.key() == other.key()

    def __hash__(self):
        return hash(self.key())


def rrs_of(rrsets):
    out = []
    for rrset in rrsets:
        for rd in rrset:
            rr = rr_tuple(rrset.name, rrset.rdtype, rrset.rdclass, rrset.ttl, rd)
            if rr not in out:
                out.append(rr)
    return out


def rr_tuple(name, rdtype, rdclass, ttl, rdata):
    return (name.to_text().lower(), dns.rdatatype.to_text(rdtype),
            dns.rdataclass.to_text(rdclass), ttl, rdata.to_text())


def differences(a, b):
    """Human-readable list of the fields where views a and b differ."""
    out = []
    if a.rcode != b.rcode:
        out.append(f"rcode {dns.rcode.to_text(a.rcode)} vs {dns.rcode.to_text(b.rcode)}")
    if a.aa != b.aa:
        out.append(f"AA {int(a.aa)} vs {int(b.aa)}")
    if a.tc != b.tc:
        out.append(f"TC {int(a.tc)} vs {int(b.tc)}")
    if a.edns != b.edns:
        out.append(f"EDNS (version, DO) {a.edns} vs {b.edns}")
    for s in SECTIONS:
        sa, sb = set(a.sections[s]), set(b.sections[s])
        only_a, only_b = sa - sb, sb - sa
        if only_a or only_b:
            out.append(f"{s}: canon-only {sorted(map(rr_text, only_a))}, peer-only {sorted(map(rr_text, only_b))}")
    return out


def rr_text(rr):
    return " ".join(str(x) for x in rr)


def render(msg):
    """A response in dig-like text, sections only."""
    if msg is None:
        return "    (no response)"
    lines = [f"    rcode {dns.rcode.to_text(msg.rcode())} flags {dns.flags.to_text(msg.flags)}"
             f" edns {msg.edns}"]
    for s in SECTIONS:
        rrsets = getattr(msg, s)
        lines.append(f"    ;{s.upper()}")
        for rrset in rrsets:
            for line in rrset.to_text().splitlines():
                lines.append("      " + line)
    return "\n".join(lines)
