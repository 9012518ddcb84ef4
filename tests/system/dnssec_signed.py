#!/usr/bin/env python3
"""Signed zones served by canond, proven by validating resolvers (issue 18).

    dnssec_signed.py CANOND [--server-under-test canond|knotd] [--keep] [--verbose]

1. Generates keys with dnssec-keygen and signs five small zones with
   dnssec-signzone, at test time:
     nsec.test.      algorithm 13 (ECDSAP256SHA256), NSEC;
     nsec3.test.     algorithm 8 (RSASHA256), NSEC3 without salt and with 0
                     iterations (RFC 9276);
     optout.test.    algorithm 13, NSEC3 with opt-out (-A): its unsigned
                     delegations have no NSEC3 of their own;
     par.test.       algorithm 13, NSEC3, the parent of
     sec.par.test.   algorithm 13, NSEC, signed with its own keys; par.test.
                     holds its NS and its DS (dnssec-dsfromkey).
   All but par.test. hold A, AAAA, MX, TXT, a CNAME chain, a wildcard with A
   and TXT (no MX: wildcard NODATA), a DNAME, an empty non-terminal (b.ent,
   above a.b.ent), two delegations without DS (deleg, deleg2: insecure) and
   one with a DS (sdeleg). canon-checkzone (next to CANOND) must find nothing
   in them: no ttl-mismatch, no unsigned set.
2. Serves all five from the server under test (canond by default), knotd and
   nsd (plain signed zone files; the peers sign nothing) on loopback and asks
   with DO=1 over UDP, EDNS payload 4096 (each server's largest UDP answer
   raised to 4096 from its default 1232): the positive questions, and the
   negative ones (QUESTIONS: NXDOMAIN below a name, before the apex's first
   child and after the last name; NODATA at a name and at an empty
   non-terminal; wildcard answers with their no-exact-match proof; wildcard
   NODATA; DS at a signed and at an insecure delegation; referrals below
   each, with DS or the (opt-out) proof of no DS; type NSEC, NSEC3PARAM and
   RRSIG questions; the apex's NSEC3 owner name asked A and NSEC3, NXDOMAIN
   as RFC 5155 §7.2.8 and knotd have it; PARENT_QUESTIONS: DS at the parent
   side of sec.par.test.). The answer must equal knotd's and nsd's section
   by section, RRSIGs included (compare.View: RRs as sets with owner, TTL
   and RDATA), and be no larger than knotd's on the wire. Where knotd and
   nsd differ from each other (PEER_DIFFERENCES: only type RRSIG questions),
   the server under test is held to the one that table names, with the
   reason, in the code and in the message (and to knotd's size only where
   it is held to knotd). TC_SAMPLE is asked again at payload 1232: the TC
   bit must be what both peers say; where both truncate, the TCP answers
   are compared (which RRs a truncated answer keeps is each server's
   choice).
3. Starts unbound on loopback as a validating resolver (no aggressive NSEC,
   no qname minimisation: each question reaches the server as asked), with
   the KSKs of the four top zones as trust anchors (none for sec.par.test.:
   its chain of trust goes through the DS in par.test.) and stub zones
   pointing at the server under test; the unsigned children of the insecure
   delegations (deleg.ORIGIN, deleg2.ORIGIN) are stub zones on a helper
   knotd. Every question but type RRSIG and those under sdeleg (its DS has
   no child behind it) must come back as expected(): positive and wildcard
   answers NOERROR with AD=1, NXDOMAIN with AD=1, NODATA (NOERROR, no
   answer) with AD=1; a name under an insecure delegation NOERROR with AD=0
   (the parent's proof of no DS accepted; a bogus one is SERVFAIL); in
   optout.test. the proofs that rest on an opt-out NSEC3 covering a name
   AD=0 (OPT_OUT_INSECURE), not SERVFAIL.
4. delv, a second validator, must say "; fully validated" on a sample of
   positive answers and "; negative response, fully validated" on a sample
   of negative ones, in each zone (DELV_EXCEPTIONS: the one it calls
   "; unsigned answer").

--server-under-test knotd puts knotd in canond's place in stages 2 to 4
(the differential stage then compares knotd with nsd, the size check is
vacuous; canon-checkzone still runs if built): a check of the test itself,
which must pass (meson test dnssec-signed-knotd).

Exit status: 0 pass, 1 fail, 77 skip (a tool missing).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import system_python  # noqa: E402

system_python.ensure_dnspython("dnssec_signed")

import argparse  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import dns.exception  # noqa: E402
import dns.dnssec  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

import compare  # noqa: E402
import servers  # noqa: E402

ZONE_BODY = """$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
@ MX 10 mail
www 300 A 192.0.2.1
www AAAA 2001:db8::1
www 600 TXT "hello world"
mail A 192.0.2.25
mail AAAA 2001:db8::25
c1 CNAME c2
c2 CNAME c3
c3 CNAME www
*.wild 120 A 192.0.2.8
*.wild TXT "wild"
dn DNAME target.{origin}
host.target A 192.0.2.77
a.b.ent A 192.0.2.30
deleg NS ns.deleg
ns.deleg A 192.0.2.99
deleg2 NS ns.deleg2
ns.deleg2 A 192.0.2.98
sdeleg NS ns.sdeleg
ns.sdeleg A 192.0.2.97
sdeleg DS 12345 13 2 8DF8B1E9C62A96DBC45B4E7E3B0A1D1D2C55D76A6E0E3A8C4B9D3A0F6C2B4E11
"""

PARENT_BODY = """$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
sec NS ns1.sec
ns1.sec A 192.0.2.53
"""

CHILD = "sec.par.test."
PARENT = "par.test."

# origin -> (algorithm, dnssec-signzone's extra arguments, zone text). The
# child comes before its parent: the parent's DS is made from its KSK.
ZONES = {
    "nsec.test.": ("ECDSAP256SHA256", [], ZONE_BODY),
    "nsec3.test.": ("RSASHA256", ["-3", "-", "-H", "0"], ZONE_BODY),
    "optout.test.": ("ECDSAP256SHA256", ["-3", "-", "-H", "0", "-A"], ZONE_BODY),
    CHILD: ("ECDSAP256SHA256", [], ZONE_BODY),
    PARENT: ("ECDSAP256SHA256", ["-3", "-", "-H", "0"], PARENT_BODY),
}
TOP_ZONES = [o for o in ZONES if o != CHILD]  # the trust anchors
NSEC3_ZONES = {o for o, (_, extra, _) in ZONES.items() if "-3" in extra}

# Questions on the zones made of ZONE_BODY: (name relative to the origin,
# type, kind). NSEC3OWNER is replaced by the apex's NSEC3 owner label.
NSEC3OWNER = "<nsec3-owner>"
QUESTIONS = [
    # positive
    ("www", "A", "positive"), ("www", "AAAA", "positive"), ("www", "TXT", "positive"),
    ("@", "MX", "positive"), ("mail", "A", "positive"), ("c1", "A", "positive"),
    ("c2", "AAAA", "positive"), ("c3", "TXT", "positive"), ("host.dn", "A", "positive"),
    ("@", "SOA", "positive"), ("@", "NS", "positive"), ("@", "DNSKEY", "positive"),
    ("ns1", "A", "positive"), ("host.target", "A", "positive"), ("a.b.ent", "A", "positive"),
    # wildcard answers: the answer and the proof that the query name does not exist (RFC 4035 §3.1.3.3)
    ("x.wild", "A", "wildcard"), ("y.wild", "TXT", "wildcard"), ("a.b.wild", "A", "wildcard"),
    # NXDOMAIN: below a name, before the apex's first child ("0" < "c1"), after the last name
    ("nx.www", "A", "nxdomain"), ("0", "A", "nxdomain"), ("zzz", "A", "nxdomain"),
    ("nx.a.b.ent", "TXT", "nxdomain"),
    # NODATA at a name, at an empty non-terminal (b.ent, ent) and at the wildcard (RFC 4035 §3.1.3.4)
    ("www", "MX", "nodata"), ("b.ent", "A", "nodata"), ("ent", "TXT", "nodata"),
    ("x.wild", "MX", "wildnodata"),
    # DS at the delegations (answered from the parent side)
    ("sdeleg", "DS", "ds"), ("deleg", "DS", "ds-nodata"), ("deleg2", "DS", "ds-nodata"),
    # referrals: DS + RRSIG, or the proof of no DS (opt-out in optout.test.)
    ("x.sdeleg", "A", "referral-secure"), ("sdeleg", "NS", "referral-secure"),
    ("x.deleg", "A", "referral-insecure"), ("x.deleg2", "TXT", "referral-insecure"),
    ("deleg", "NS", "referral-insecure"),
    # DNSSEC types asked for
    ("www", "NSEC", "nsec-type"), ("@", "NSEC3PARAM", "nsec-type"), ("www", "RRSIG", "rrsig"),
    (NSEC3OWNER, "A", "nsec3-owner"), (NSEC3OWNER, "NSEC3", "nsec3-owner"),
]
# par.test.: DS of the signed child at the parent side of the cut, the
# parent's own denials.
PARENT_QUESTIONS = [
    ("www", "A", "positive"), ("@", "DNSKEY", "positive"), ("sec", "DS", "ds"),
    ("nx", "A", "nxdomain"), ("www", "MX", "nodata"), ("sec", "NS", "positive-child"),
    ("sec", "DNSKEY", "positive-child"), ("nx.sec", "A", "nxdomain-child"),
]
# Asked again at payload 1232 (TC behaviour): the larger negative answers.
TC_SAMPLE = {("nx.www", "A"), ("x.wild", "MX"), ("x.deleg", "A"), ("b.ent", "A"), ("a.b.wild", "A")}

# What a validator must make of each kind: (rcode, AD, has an answer), or
# None: not asked (RRSIG questions: a resolver answers them from its cache or
# not at all; sdeleg's DS has no child behind it).
VALIDATED = {
    "positive": ("NOERROR", True, True), "positive-child": ("NOERROR", True, True),
    "wildcard": ("NOERROR", True, True), "nsec-type": ("NOERROR", True, True),
    "ds": ("NOERROR", True, True),
    "nxdomain": ("NXDOMAIN", True, False), "nxdomain-child": ("NXDOMAIN", True, False),
    "nsec3-owner": ("NXDOMAIN", True, False),
    "nodata": ("NOERROR", True, False), "wildnodata": ("NOERROR", True, False),
    "ds-nodata": ("NOERROR", True, False),
    "referral-insecure": ("NOERROR", False, True),
    "referral-secure": None, "rrsig": None,
}
NEGATIVE_KINDS = {"nxdomain", "nxdomain-child", "nsec3-owner", "nodata", "wildnodata", "ds-nodata"}
# In optout.test. every NSEC3 has the opt-out flag (dnssec-signzone -A), so a
# proof that rests on an NSEC3 covering a name (NXDOMAIN, a wildcard's
# no-exact-match, no DS at an unsigned delegation) may hide an unsigned
# delegation: the validators take it as insecure (RFC 5155 §9.2, unbound's
# val_nsec3.c), AD=0, not SERVFAIL. Proofs by a matching NSEC3 (NODATA at a
# name or an empty non-terminal) stay secure.
OPT_OUT = "optout.test."
OPT_OUT_INSECURE = {"nxdomain", "wildcard", "wildnodata", "nsec3-owner", "ds-nodata"}


def expectation(origin, qtype, kind):
    """(rcode, AD, has an answer) a validator must return, or None."""
    want = VALIDATED[kind]
    if want is None:
        return None
    rcode, ad, answer = want
    if kind == "nsec-type":  # NSEC in an NSEC zone, NSEC3PARAM in an NSEC3 one; NODATA otherwise
        answer = (qtype == "NSEC") == (origin not in NSEC3_ZONES)
    if origin == OPT_OUT and kind in OPT_OUT_INSECURE:
        ad = False
    return rcode, ad, answer

DELV_SAMPLE = [("www", "A"), ("c1", "A"), ("host.dn", "A"), ("@", "DNSKEY"), ("x.wild", "A")]
DELV_NEGATIVE = [("nx.www", "A"), ("b.ent", "A"), ("x.wild", "MX"), ("deleg", "DS")]
# delv (BIND 9.18) is stricter than "fully validated" in one place only: a
# wildcard answer whose no-exact-match proof is an opt-out NSEC3 is an
# "unsigned answer" (as unbound's AD=0). It takes the opt-out NXDOMAIN and
# NODATA proofs of the sample as secure, where unbound says insecure: each
# validator is held to its own reading of RFC 5155 §9.2.
DELV_EXCEPTIONS = {(OPT_OUT, "x.wild", "A"): "; unsigned answer"}

# Where knotd 3.2 and nsd 4.6 answer a question differently, the server under
# test is held to one of them and not compared with the other:
# (kind, origin or None) -> (the reference, why). knotd is the reference of
# DESIGN.md's contract unless canon chose otherwise, and said so. On every
# negative question of this test (NXDOMAIN, NODATA, wildcard proofs,
# referrals with DS or its denial, opt-out, NSEC3 owner names, TC at 1232)
# knotd and nsd agree (nsd's additional section aside, see view()). Any
# difference not listed fails the test (a new version of either must be
# looked at, not absorbed), and so does a listed one that went away.
PEER_DIFFERENCES = {
    ("rrsig", None): ("nsd", "type RRSIG: knotd answers the RRSIGs of one RRset of the name, nsd every "
                             "RRSIG at the name, which canon chose (README, issue 18: 'type RRSIG answers "
                             "every signature at the name'): RFC 4035 leaves it open, and all of them "
                             "answer the question asked"),
}

# The questions' EDNS payload, and every server's largest UDP answer raised
# to it (all three default to 1232): the answers are compared whole over
# UDP; TC_SAMPLE at 1232 is where truncation is compared.
EDNS_PAYLOAD = 4096
TIMEOUT_S = 2.0


class Canond(servers.Canond):
    def command(self):
        path = os.path.join(self.dir, "canond.toml")
        with open(path, "w") as f:
            f.write(f"max-udp-payload = {EDNS_PAYLOAD}\n")
        return super().command() + ["--config", path]


class Knotd(servers.Knotd):
    def config(self):
        super().config()
        raise_udp_max(os.path.join(self.dir, "knot.conf"), f"    udp-max-payload: {EDNS_PAYLOAD}\n")


class Nsd(servers.BenchNsd):
    def config(self):
        super().config()
        raise_udp_max(os.path.join(self.dir, "nsd.conf"), f"    ipv4-edns-size: {EDNS_PAYLOAD}\n")


def raise_udp_max(conf, line):
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(text.replace("server:\n", "server:\n" + line, 1))


def fqdn(name, origin):
    return origin if name == "@" else f"{name}.{origin}"


def questions_of(origin):
    return PARENT_QUESTIONS if origin == PARENT else [q for q in QUESTIONS if not (
        q[2] == "nsec3-owner" and origin not in NSEC3_ZONES)]


def run(cmd, cwd, timeout=60):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def sign_zones(work):
    """Writes, keys and signs each zone; returns {origin: signed file},
    {origin: [KSK DNSKEY presentation lines]} and {origin: label of the
    apex's NSEC3 owner name} (NSEC3 zones)."""
    signed, anchors, nsec3_owner = {}, {}, {}
    for origin, (algorithm, extra, body) in ZONES.items():
        zdir = os.path.join(work, origin.rstrip("."))
        os.makedirs(zdir)
        unsigned = os.path.join(zdir, "zone")
        text = f"$ORIGIN {origin}\n" + body.format(origin=origin)
        if origin == PARENT:
            with open(os.path.join(work, CHILD.rstrip("."), "ksk.ds")) as f:
                text += f.read()
        with open(unsigned, "w") as f:
            f.write(text)
        ksk = run(["dnssec-keygen", "-q", "-K", zdir, "-a", algorithm, "-f", "KSK", origin], zdir).strip()
        run(["dnssec-keygen", "-q", "-K", zdir, "-a", algorithm, origin], zdir)
        signed[origin] = os.path.join(zdir, "zone.signed")
        run(["dnssec-signzone", "-S", "-K", zdir, "-o", origin, "-f", signed[origin]] + extra + [unsigned], zdir)
        with open(os.path.join(zdir, ksk + ".key")) as f:
            anchors[origin] = [line.strip() for line in f if "DNSKEY" in line and not line.startswith(";")]
        if origin == CHILD:
            with open(os.path.join(zdir, "ksk.ds"), "w") as f:
                f.write(run(["dnssec-dsfromkey", "-2", os.path.join(zdir, ksk + ".key")], zdir))
        if origin in NSEC3_ZONES:
            # No salt, 0 iterations (-3 - -H 0): SHA-1 of the apex, base32hex.
            label = dns.dnssec.nsec3_hash(origin, salt=None, iterations=0, algorithm=1)
            zone = dns.zone.from_file(signed[origin], origin, relativize=True)
            node = zone.get_node(label)
            if node is None or node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC3) is None:
                raise RuntimeError(f"{origin}: no NSEC3 at {label}, the apex's hashed owner name")
            nsec3_owner[origin] = label
    return signed, anchors, nsec3_owner


def helper_zones(work):
    """The unsigned children of the insecure delegations, for the helper knotd
    unbound reaches them through: [(origin, file)]."""
    out = []
    hdir = os.path.join(work, "children")
    os.makedirs(hdir)
    for origin, (_, _, body) in ZONES.items():
        if body is not ZONE_BODY:
            continue
        for child in ("deleg", "deleg2"):
            name = f"{child}.{origin}"
            path = os.path.join(hdir, name + "zone")
            with open(path, "w") as f:
                f.write(f"$ORIGIN {name}\n$TTL 3600\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n"
                        f"@ NS ns\nns A 192.0.2.99\nx A 192.0.2.123\nx TXT \"unsigned child\"\n")
            out.append((name, path))
    return out


def check_zones(checkzone, signed):
    args = [checkzone, "--signature-warn-days", "7"]
    for origin, path in signed.items():
        args += [origin, path]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    out = (r.stdout + r.stderr).strip()
    problems = []
    if r.returncode != 0:
        problems.append(f"canon-checkzone exited {r.returncode}")
    if "warning:" in out or "error:" in out:
        problems.append("canon-checkzone found something in the signed zones:\n" + out)
    return problems


def ask(port, name, qtype, rd=False, ad=False, tries=3, tcp=False, payload=EDNS_PAYLOAD):
    """(message, wire size) of a DO=1 query (UDP, or TCP), or (None, 0)."""
    q = dns.message.make_query(name, qtype, want_dnssec=True, payload=payload)
    q.flags = (dns.flags.RD if rd else 0) | (dns.flags.AD if ad else 0)
    if tcp:
        try:
            msg = dns.query.tcp(q, "127.0.0.1", port=port, timeout=TIMEOUT_S)
            return msg, len(msg.to_wire())
        except (OSError, dns.exception.DNSException):
            return None, 0
    wire = q.to_wire()
    for _ in range(tries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT_S)
            s.sendto(wire, ("127.0.0.1", port))
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                try:
                    data = s.recv(65535)
                except socket.timeout:
                    break
                msg = dns.message.from_wire(data)
                if msg.id == q.id:
                    return msg, len(data)
    return None, 0


def view(msg, peer):
    """compare.View of MSG; NSD's additional section left out (with
    minimal-responses, as the benchmarks run it, NSD gives no additional data
    but referral glue; knotd's is compared)."""
    v = compare.View(msg)
    if peer == "nsd":
        v.sections["additional"] = []
    return v


def peer_difference(kind, origin):
    return PEER_DIFFERENCES.get((kind, origin)) or PEER_DIFFERENCES.get((kind, None))


def compare_peers(sut, peers, nsec3_owner, verbose):
    """The server under test against each peer, DO=1 over UDP (payload 4096,
    and 1232 for TC_SAMPLE; when both truncate, the answers over TCP)."""
    problems, sizes = [], {"sut": 0, "knotd": 0}
    count = truncated = 0
    for origin in ZONES:
        for name, qtype, kind in questions_of(origin):
            if name == NSEC3OWNER:
                name = nsec3_owner[origin]
            qname = fqdn(name, origin)
            payloads = [EDNS_PAYLOAD] + ([1232] if (name, qtype) in TC_SAMPLE else [])
            for payload in payloads:
                where = f"{qname} {qtype} (payload {payload})"
                mine, my_size = ask(sut.port, qname, qtype, payload=payload)
                if mine is None:
                    problems.append(f"{where}: no answer from {sut.name}")
                    continue
                count += 1
                mine_tcp = None
                if mine.flags & dns.flags.TC:
                    truncated += 1
                    mine_tcp, _ = ask(sut.port, qname, qtype, tcp=True)
                full = mine_tcp or mine
                if kind.startswith("positive") and not any(rr.rdtype == dns.rdatatype.RRSIG for rr in full.answer):
                    problems.append(f"{where}: {sut.name}'s answer has no RRSIG\n{compare.render(full)}")
                answers = {}
                for peer in peers:
                    theirs, their_size = ask(peer.port, qname, qtype, payload=payload)
                    if theirs is None:
                        problems.append(f"{where}: no answer from {peer.name}")
                        continue
                    ours = mine
                    if (mine.flags & dns.flags.TC) and (theirs.flags & dns.flags.TC):
                        # Both truncated: what each kept of the answer is its own choice.
                        theirs, _ = ask(peer.port, qname, qtype, tcp=True)
                        ours = mine_tcp
                        if theirs is None or ours is None:
                            problems.append(f"{where}: no TCP answer from {sut.name} or {peer.name}")
                            continue
                    answers[peer.name] = theirs
                    known = peer_difference(kind, origin)
                    if peer.name == "knotd" and ours is mine and not (known and known[0] != "knotd"):
                        sizes["sut"] += my_size
                        sizes["knotd"] += their_size
                        if my_size > their_size:
                            problems.append(f"{where}: {sut.name}'s answer is {my_size} octets, knotd's {their_size}")
                        if verbose:
                            print(f"  {where}: {my_size} vs knotd {their_size} octets")
                    a, b = view(ours, sut.name), view(theirs, peer.name)
                    if peer.name == "nsd":
                        a.sections["additional"] = []
                    if known and sut.name in ("knotd", "nsd"):
                        # The server under test is one side of the difference.
                        if a == b:
                            problems.append(f"{where}: {sut.name} and {peer.name} agree now, "
                                            f"PEER_DIFFERENCES says otherwise ({known[1]})")
                        continue
                    if known and peer.name != known[0]:
                        continue  # held to the other peer
                    if a != b:
                        held = f" (held to {peer.name}, not the other peer: {known[1]})" if known else ""
                        problems.append(f"{where}: {sut.name} differs from {peer.name}{held}: "
                                        + "; ".join(compare.differences(a, b))
                                        + f"\n  {sut.name}:\n{compare.render(ours)}\n"
                                        f"  {peer.name}:\n{compare.render(theirs)}")
                if "knotd" in answers and "nsd" in answers:
                    problems += peer_agreement(where, kind, origin, answers["knotd"], answers["nsd"])
    print(f"compared {count} DO=1 answers of {sut.name} with {', '.join(p.name for p in peers)} "
          f"({truncated} truncated, compared over TCP); "
          + (f"UDP octets where not truncated: {sut.name} {sizes['sut']}, knotd {sizes['knotd']}"
             if sut.name != "knotd" else "no size check (knotd is the server under test)"))
    return problems


def peer_agreement(where, kind, origin, knot, nsd):
    """knotd and nsd must agree but where PEER_DIFFERENCES says they do not
    (then the difference must still be there: the table stays true)."""
    if knot.flags & nsd.flags & dns.flags.TC:
        return []  # both truncated: what each kept is its own choice
    a, b = view(knot, "nsd"), view(nsd, "nsd")
    known = peer_difference(kind, origin)
    why = known and known[1]
    if a != b and not why:
        return [f"{where}: knotd and nsd differ ({kind}), and PEER_DIFFERENCES does not say which to hold "
                f"canond to: " + "; ".join(compare.differences(a, b))
                + f"\n  knotd:\n{compare.render(knot)}\n  nsd:\n{compare.render(nsd)}"]
    if a == b and why:
        return [f"{where}: knotd and nsd agree now, PEER_DIFFERENCES says otherwise ({why})"]
    return []


def unbound_conf(dir, port, sut_port, anchor_file, children, children_port):
    text = ("server:\n"
            f"    interface: 127.0.0.1@{port}\n    port: {port}\n    do-ip6: no\n"
            f'    directory: "{dir}"\n    chroot: ""\n    username: ""\n    pidfile: "{dir}/unbound.pid"\n'
            '    use-syslog: no\n    logfile: ""\n    verbosity: 1\n    num-threads: 1\n'
            "    do-not-query-localhost: no\n"
            '    module-config: "validator iterator"\n    val-permissive-mode: no\n'
            # Each question reaches the server under test as asked: no denial
            # synthesized from NSEC/NSEC3 cached earlier (RFC 8198), no
            # minimised queries in between.
            "    aggressive-nsec: no\n    qname-minimisation: no\n"
            f'    trust-anchor-file: "{anchor_file}"\n'
            "    access-control: 127.0.0.0/8 allow\n"
            # No network here: keep unbound from asking the root servers.
            '    local-zone: "." refuse\n')
    for origin in TOP_ZONES:
        text += f'    local-zone: "{origin}" transparent\n'
    text += "remote-control:\n    control-enable: no\n"
    # The validator fetches sec.par.test.'s DS from par.test. (the DS query
    # goes to the parent side of the cut) before it trusts the child's DNSKEY.
    for origin in TOP_ZONES:
        text += f'stub-zone:\n    name: "{origin}"\n    stub-addr: 127.0.0.1@{sut_port}\n'
    # Its own stub too: once unbound has the child's NS set (@ NS) it would
    # otherwise send there (192.0.2.53). The DS still comes from par.test.
    text += f'stub-zone:\n    name: "{CHILD}"\n    stub-addr: 127.0.0.1@{sut_port}\n'
    for origin, _ in children:
        text += f'stub-zone:\n    name: "{origin}"\n    stub-addr: 127.0.0.1@{children_port}\n'
    return text


def start_unbound(work, sut_port, anchors, children, children_port):
    udir = os.path.join(work, "unbound")
    os.makedirs(udir)
    anchor_file = os.path.join(udir, "anchors")
    with open(anchor_file, "w") as f:
        for origin in TOP_ZONES:
            f.write("\n".join(anchors[origin]) + "\n")
    port = servers.free_port()
    conf = os.path.join(udir, "unbound.conf")
    with open(conf, "w") as f:
        f.write(unbound_conf(udir, port, sut_port, anchor_file, children, children_port))
    log = open(os.path.join(udir, "log"), "w")
    proc = subprocess.Popen([shutil.which("unbound") or "/usr/sbin/unbound", "-d", "-c", conf], cwd=udir,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        # Up once it answers at all: a bogus answer is SERVFAIL, judged later.
        msg, _ = ask(port, TOP_ZONES[0], "SOA", rd=True, tries=1)
        if msg is not None:
            return proc, port, log
        time.sleep(0.1)
    log.close()
    with open(os.path.join(udir, "log")) as f:
        tail = f.read()[-1500:]
    servers.stop_tree(proc.pid, proc, 5)
    raise RuntimeError(f"unbound did not answer within 15 s: {tail}")


def validation_questions(nsec3_owner):
    """(qname, type, kind, expectation) of every question a validator is asked."""
    out = []
    for origin in ZONES:
        for name, qtype, kind in questions_of(origin):
            want = expectation(origin, qtype, kind)
            if want is None:
                continue
            if name == NSEC3OWNER:
                name = nsec3_owner[origin]
            out.append((fqdn(name, origin), qtype, kind, want))
    return out


def validate_with_unbound(port, sut_name, nsec3_owner):
    problems, count, negatives = [], 0, 0
    for qname, qtype, kind, (rcode, ad, answer) in validation_questions(nsec3_owner):
        msg, _ = ask(port, qname, qtype, rd=True, ad=True)
        count += 1
        negatives += kind in NEGATIVE_KINDS
        want = f"{rcode}, {'AD=1' if ad else 'AD=0'}, {'an answer' if answer else 'no answer'}"
        if msg is None:
            problems.append(f"unbound via {sut_name}: {qname} {qtype} ({kind}): no answer (want {want})")
            continue
        has_answer = any(rrset.rdtype == dns.rdatatype.from_text(qtype) for rrset in msg.answer)
        if (dns.rcode.to_text(msg.rcode()) != rcode or bool(msg.flags & dns.flags.AD) != ad
                or has_answer != answer):
            problems.append(f"unbound via {sut_name}: {qname} {qtype} ({kind}): "
                            f"{dns.rcode.to_text(msg.rcode())}, flags {dns.flags.to_text(msg.flags)}, "
                            f"{'an answer' if has_answer else 'no answer'} (want {want})")
    print(f"unbound via {sut_name}: {count - len(problems)} of {count} answers as expected "
          f"({negatives} negative, validated denials)")
    return problems


def delv_anchor_file(work, origin, lines):
    anchor_file = os.path.join(work, f"delv-{origin}anchors")
    with open(anchor_file, "w") as f:
        f.write("trust-anchors {\n")
        for line in lines:
            owner, *rest = line.split()
            # "OWNER [TTL] [IN] DNSKEY FLAGS PROTOCOL ALGORITHM KEY..."
            fields = rest[rest.index("DNSKEY") + 1:]
            f.write(f'  "{owner}" static-key {fields[0]} {fields[1]} {fields[2]} "{"".join(fields[3:])}";\n')
        f.write("};\n")
    return anchor_file


def validate_with_delv(work, sut, anchors, verbose):
    """delv on a sample, positive ("; fully validated") and negative ("; negative
    response, fully validated"); sec.par.test. with par.test.'s anchor only."""
    problems, count = [], 0
    for origin in ZONES:
        if origin == PARENT:
            continue
        root = PARENT if origin == CHILD else origin
        anchor_file = delv_anchor_file(work, root, anchors[root])
        for sample, usual in ((DELV_SAMPLE, "; fully validated"),
                             (DELV_NEGATIVE, "; negative response, fully validated")):
            for name, qtype in sample:
                want = DELV_EXCEPTIONS.get((origin, name, qtype), usual)
                qname = fqdn(name, origin)
                cmd = ["delv", "@127.0.0.1", "-p", str(sut.port), "-a", anchor_file, f"+root={root}",
                       qname, qtype]
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
                out = r.stdout + r.stderr
                count += 1
                if verbose:
                    print(f"  delv {qname} {qtype}: " + " | ".join(l for l in out.splitlines() if l.startswith(";")))
                if not any(line.strip() == want for line in out.splitlines()):
                    problems.append(f"delv via {sut.name} {qname} {qtype}: want '{want}':\n{out.strip()}")
    print(f"delv via {sut.name}: {count - len(problems)} of {count} as expected "
          f"({len(DELV_NEGATIVE) * (len(ZONES) - 1)} negative)")
    return problems


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("canond")
    ap.add_argument("--server-under-test", choices=["canond", "knotd"], default="canond",
                    help="knotd: check the test itself (knotd in canond's place)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    canond_binary = os.path.abspath(args.canond)
    checkzone = os.path.join(os.path.dirname(os.path.dirname(canond_binary)), "canon-checkzone")
    for exe in (canond_binary, checkzone):
        if args.server_under_test != "canond" and not os.access(exe, os.X_OK):
            print(f"dnssec_signed: {exe} not built: {'zone check skipped' if exe == checkzone else 'not needed'}")
            continue
        if not os.access(exe, os.X_OK):
            print(f"dnssec_signed: {exe} not found (build first)")
            return 1
    for tool in ("dnssec-keygen", "dnssec-signzone", "dnssec-dsfromkey", "knotd", "nsd", "unbound", "delv"):
        if not (shutil.which(tool) or os.path.exists("/usr/sbin/" + tool)):
            print(f"dnssec_signed: SKIP, {tool} is not installed (tools/install-deps)")
            return 77

    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix="canon-dnssec-")
    started, unbound = [], None
    problems = []
    try:
        signed, anchors, nsec3_owner = sign_zones(work)
        if os.access(checkzone, os.X_OK):
            problems += check_zones(checkzone, signed)
        zone_list = list(signed.items())
        children = helper_zones(work)
        if args.server_under_test == "canond":
            sut = Canond(zone_list, work)
            sut.binary = canond_binary
            peers = [Knotd(zone_list, work), Nsd(zone_list, work)]
        else:
            sut = Knotd(zone_list, work)
            peers = [Nsd(zone_list, work)]
        helper = servers.Knotd(children, work)
        for server in [sut] + peers + [helper]:
            server.start(wait_s=20)
            started.append(server)
        problems += compare_peers(sut, peers, nsec3_owner, args.verbose)
        for peer in peers:
            peer.stop()
        unbound, port, log = start_unbound(work, sut.port, anchors, children, helper.port)
        try:
            problems += validate_with_unbound(port, sut.name, nsec3_owner)
        finally:
            servers.stop_tree(unbound.pid, unbound, 5)
            log.close()
        problems += validate_with_delv(work, sut, anchors, args.verbose)
    finally:
        for server in started:
            server.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{time.monotonic() - t0:.1f} s")
    if problems:
        print(f"FAIL: {len(problems)} problem(s)")
        for p in problems:
            print("- " + p)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
