"""Known, documented differences between canon and the reference servers.

The contract is DESIGN.md, "DNS behaviour (the contract)". Each Rule names the
peer(s) it is about, the part of the contract at stake, and why the answers
differ. A rule is a transformation: from canon's answer (the contract's) it
builds the answer the peer gives under the documented behaviour, or it
normalizes both sides when the difference carries no meaning. A difference is
explained only when some combination of a peer's rules turns canon's answer
into exactly the peer's answer; otherwise the test fails. Rules never skip a
query class: each checks its precondition on the answers themselves.
"""
import itertools

import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from compare import rr_tuple

NAME_TYPES = {"CNAME", "DNAME", "NS", "MX", "SRV", "SOA", "PTR"}
KNOT_MAX_CNAME = 5  # Knot DNS: CNAME_CHAIN_MAX, checked in follow_cname() (nameserver/internet.c)


class Context:
    """What rules may consult: the zone data (parsed by dnspython, never by
    canon) and canon's own answers to the other queries of the run."""

    def __init__(self, model, canon_udp, canon_full):
        self.zones = {dns.name.from_text(o): z for o, z in model.items()}
        self.canon_udp = canon_udp    # (name, type, edns, do) -> View
        self.canon_full = canon_full  # same key -> View of the TCP-size answer

    def canon_answer(self, q, name=None, rdtype=None):
        """canon's answer to a sibling query (another name or type), preferring
        one with the same EDNS use; an answer asked without (or with) EDNS
        stands in for the other when it is not truncated: the sections do not
        depend on EDNS below the UDP limit."""
        view = self.canon_udp.get(q.key(name, rdtype))
        if view is not None:
            return view
        key = q.key(name, rdtype)
        other = self.canon_udp.get(key[:2] + (not key[2],) + key[3:])
        if other is None or other.tc:
            return None
        other = other.copy()
        other.edns = (q.version, q.do) if q.edns else None
        return other

    def zone_of(self, name):
        best = None
        for origin in self.zones:
            if name.is_subdomain(origin) and (best is None or origin.is_subdomain(best)):
                best = origin
        return best

    def node_rrs(self, origin, owner, rdtype, as_owner=None):
        """The RRs of `rdtype` at `owner` in zone `origin`, as View tuples."""
        zone = self.zones[origin]
        node = zone.get_node(owner)
        if node is None:
            return []
        rds = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype))
        if rds is None:
            return []
        return [rr_tuple(as_owner or owner, rds.rdtype, rds.rdclass, rds.ttl, rd) for rd in rds]

    def cut_above(self, origin, name):
        """The delegation point of zone `origin` at or above `name`, if any."""
        n = name
        while n != origin and n.is_subdomain(origin):
            if self.node_rrs(origin, n, "NS"):
                return n
            n = n.parent()
        return None

    def addresses_in(self, origin, targets):
        out = []
        for t in targets:
            if t.is_subdomain(origin):
                out += self.node_rrs(origin, t, "A") + self.node_rrs(origin, t, "AAAA")
        return out


def cnames(rrs):
    return [rr for rr in rrs if rr[1] == "CNAME"]


def cut_answer_after(exp, rr):
    """Keeps the answer up to and including `rr`; empties the other sections."""
    answer = exp.sections["answer"]
    exp.sections["answer"] = answer[: answer.index(rr) + 1]
    exp.sections["authority"] = []
    exp.sections["additional"] = []
    exp.rcode = dns.rcode.NOERROR
    exp.tc = False


def owner_types(rrs):
    return {(rr[0], rr[1]) for rr in rrs}


class Rule:
    name = ""
    peers = ()
    contract = ""
    why = ""

    def apply(self, q, exp, peer, ctx):
        """Returns (expected, peer) transformed, or None when not applicable."""
        raise NotImplementedError


class PeerTruncatesMore(Rule):
    name = "peer-tc-fits-less"
    peers = ("knotd", "nsd")
    contract = "RFC 1035 §4.1.4 / RFC 2181 §9 (TC when a needed RRset does not fit)"
    why = ("canon compresses a CNAME synthesized from a DNAME by pointing at the DNAME's "
           "target, already in the answer; Knot and NSD compress it against the question "
           "only, so with long names their answer passes the UDP limit and they set TC "
           "where canon's whole answer fits. Checked: canon's answer is within the limit, "
           "and the peer's records are a part of canon's (whole RRsets, RFC 2181 §9).")

    def apply(self, q, exp, peer, ctx):
        if exp.tc or not peer.tc or exp.wire_length > udp_limit(q):
            return None
        if any(not set(peer.sections[s]) <= set(exp.sections[s]) for s in peer.sections):
            return None
        out = exp.copy()
        out.tc = True
        out.sections = {s: list(v) for s, v in peer.sections.items()}
        return out, peer


def udp_limit(q, canon_max=1232):
    return max(512, min(q.payload, canon_max)) if q.edns else 512


def truncation_is_legitimate(q, udp, full):
    """canon's TC answer holds whole RRsets of its full answer (RFC 2181 §9) and
    the first RRset it left out of answer/authority does not fit."""
    for s in ("answer", "authority", "additional"):
        if not set(udp.sections[s]) <= set(full.sections[s]):
            return False
    present = set(udp.sections["answer"]) | set(udp.sections["authority"])
    for section in (full.msg.answer, full.msg.authority):
        for rrset in section:
            if any(rr_tuple(rrset.name, rrset.rdtype, rrset.rdclass, rrset.ttl, rd) not in present
                   for rd in rrset):
                size = sum(2 + 10 + len(rd.to_digestable()) for rd in rrset)
                return udp.wire_length + size > udp_limit(q)
    return False


class AnyOneRRset(Rule):
    name = "any-picks-another-rrset"
    peers = ("knotd", "nsd")
    contract = "RFC 8482 §4.1 (ANY: one RRset, the server's choice)"
    why = ("canon, Knot and NSD all answer ANY with a single RRset, as RFC 8482 allows, "
           "but not always the same one (NSD gives the SOA at an apex). Checked: canon's "
           "RRset is exactly the RRset canon answers for that type; the peer is compared "
           "with canon's own answer for the type the peer picked.")

    def apply(self, q, exp, peer, ctx):
        if q.rdtype != "ANY":
            return None
        mine, theirs = owner_types(exp.answer), owner_types(peer.answer)
        qname = q.qname.to_text().lower()
        if len(mine) != 1 or len(theirs) != 1 or mine == theirs:
            return None
        (owner, rdtype), = mine
        (powner, ptype), = theirs
        if owner != qname or powner != qname:
            return None
        alt = ctx.canon_answer(q, rdtype=ptype)
        own = ctx.canon_answer(q, rdtype=rdtype)
        if alt is None or own is None:
            return None
        if set(exp.answer) != {rr for rr in own.answer if rr[0] == qname and rr[1] == rdtype}:
            return None  # canon's one RRset must be the whole RRset it gives for that type
        return alt.copy(), peer


class KnotChainLimit(Rule):
    name = "knot-cname-chain-5"
    peers = ("knotd",)
    contract = "chains chased up to 16 links"
    why = ("Knot DNS stops following a CNAME chain after 5 links (CNAME_CHAIN_MAX) and sends "
           "what it has (NOERROR, no authority); canon follows up to 16.")

    def apply(self, q, exp, peer, ctx):
        links = cnames(exp.answer)
        if len(links) <= KNOT_MAX_CNAME:
            return None
        exp = exp.copy()
        cut_answer_after(exp, links[KNOT_MAX_CNAME - 1])
        return exp, peer


class KnotZoneBound(Rule):
    name = "knot-chain-stays-in-zone"
    peers = ("knotd",)
    contract = "chains chased across every zone the engine serves"
    why = ("Knot DNS follows a CNAME (or a DNAME's synthesized CNAME) only inside the zone "
           "of the query name: at a target in another zone it stops (NOERROR), and at a "
           "target below one of that zone's delegations it adds the referral from that zone "
           "even when it serves the child too (solve_name(): KNOT_EOUTOFZONE ends the chain); "
           "canon chases across all served zones.")

    def apply(self, q, exp, peer, ctx):
        home = ctx.zone_of(q.qname)
        if home is None:
            return None
        for rr in cnames(exp.answer):
            target = dns.name.from_text(rr[4])
            if ctx.zone_of(target) == home:
                continue
            exp = exp.copy()
            cut_answer_after(exp, rr)
            cut = ctx.cut_above(home, target) if target.is_subdomain(home) else None
            if cut is not None:
                ns = ctx.node_rrs(home, cut, "NS")
                exp.sections["authority"] = ns
                exp.sections["additional"] = ctx.addresses_in(
                    home, [dns.name.from_text(rr[4]) for rr in ns])
            return exp, peer
        return None


class NsdAuthorityNs(Rule):
    name = "nsd-ns-in-authority"
    peers = ("nsd",)
    contract = "minimal responses: no NS set in the authority of positive answers"
    why = ("NSD (minimal-responses: no, its default) puts the NS RRset of the zone that "
           "holds the final answer in the authority section of every positive answer and "
           "the A/AAAA of those name servers that lie in that zone in the additional section.")

    def apply(self, q, exp, peer, ctx):
        if exp.rcode != dns.rcode.NOERROR or not exp.answer or exp.authority or not exp.aa:
            return None
        last_owner = dns.name.from_text(exp.answer[-1][0])
        zone = ctx.zone_of(last_owner)
        if zone is None:
            return None
        exp = exp.copy()
        ns = ctx.node_rrs(zone, zone, "NS")
        exp.sections["authority"] = ns
        have = owner_types(exp.answer) | owner_types(exp.additional)
        for rr in ctx.addresses_in(zone, [dns.name.from_text(r[4]) for r in ns]):
            if (rr[0], rr[1]) not in have and ctx.zone_of(dns.name.from_text(rr[0])) == zone:
                exp.sections["additional"].append(rr)
        return exp, peer


class NsdNoChainLimit(Rule):
    name = "nsd-chain-beyond-16"
    peers = ("nsd",)
    contract = "chains chased up to 16 links"
    why = ("NSD follows a CNAME chain longer than 16 links to its end; canon stops after 16 "
           "(canon-checkzone warns chain-too-long). Checked: NSD's answer is canon's 16 links "
           "followed by canon's own answer for the 16th link's target.")

    def apply(self, q, exp, peer, ctx):
        links = cnames(exp.answer)
        if len(links) != 16 or exp.authority or exp.rcode != dns.rcode.NOERROR:
            return None
        target = links[-1][4].rstrip(".")
        rest = ctx.canon_answer(q, name=target)
        if rest is None:
            return None
        exp = exp.copy()
        for s in ("answer", "authority", "additional"):
            exp.sections[s] = exp.sections[s] + [rr for rr in rest.sections[s] if rr not in exp.sections[s]]
        exp.rcode = rest.rcode
        return exp, peer


class RdataNameCase(Rule):
    name = "rdata-name-case"
    peers = ("knotd", "nsd")
    contract = "RFC 4343 (names compare case-insensitively) with RFC 1035 §4.1.4 compression"
    why = ("Names inside RDATA (CNAME/DNAME/NS/MX/SRV/SOA targets) differ only in letter case: "
           "the peers compress them against the query name and so take its case (NSD also "
           "folds the zone's case), and Knot lower-cases a DNAME-synthesized target, while "
           "canon keeps the zone's case and the query's case in a synthesized prefix.")

    def apply(self, q, exp, peer, ctx):
        return fold(exp), fold(peer)


def fold(view):
    out = view.copy()
    for s, rrs in out.sections.items():
        out.sections[s] = [rr[:4] + (rr[4].lower(),) if rr[1] in NAME_TYPES else rr for rr in rrs]
    return out


# Order matters: a combination applies its rules in this order.
CASE_RULE = RdataNameCase()
RULES = [PeerTruncatesMore(), AnyOneRRset(), KnotChainLimit(), KnotZoneBound(),
         NsdNoChainLimit(), NsdAuthorityNs(), CASE_RULE]


def explain(peer_name, q, canon, peer, ctx):
    """The smallest combination of `peer_name`'s rules turning canon's answer
    into the peer's, as a list of rules; None if there is none."""
    mine = [r for r in RULES if peer_name in r.peers]
    for size in range(1, len(mine) + 1):
        for combo in itertools.combinations(mine, size):
            exp, p = canon, peer
            for rule in combo:
                out = rule.apply(q, exp, p, ctx)
                if out is None:
                    break
                exp, p = out
            else:
                if exp == p:
                    return list(combo)
    return None
