#!/usr/bin/env python3
"""A re-signed zone is published whole: its new data and its new signatures
together (issue 18, item 6).

    daemon_dnssec_resign.py CANOND CANONCTL EXAMPLE_ZONES_DIR

resign.test. (ECDSAP256SHA256, KSK and ZSK made once with dnssec-keygen;
NSEC3, no salt, 0 iterations) is signed twice with dnssec-signzone, the way
dnssec_signed.py signs, with the same keys and different signature start
and end times (-s, -e), so that no RRSIG of version 1 is in version 2:
version 2 has serial + 1, one name added, one name's A changed, one name
deleted (and so a different NSEC3 chain).

Reload: canond serves version 1 from a file; the file is replaced by
version 2 and `canonctl reload` runs while a thread asks SOA, the changed
A and the deleted name with DO=1 (at most WATCH_QUERIES queries in
WATCH_SECONDS). Every answer belongs to one version: the SOA serial, the
changed address and every RRSIG in it are all version 1's or all version
2's, and none of version 1 comes after one of version 2. After the reload
every RRset of version 2 (each owner and type; each NSEC3 through a NODATA
question at the name it hashes) is served with exactly version 2's RRSIG
set, TTLs included, and no RRSIG of version 1 anywhere in the answer (the
same check on version 1 before the change); the deleted name is NXDOMAIN
with version 2's NSEC3 proof and its signatures; the added name carries
its new RRSIG, a wildcard answer the wildcard's. delv, with the KSK as
trust anchor, says "fully validated" for the added name and "negative
response, fully validated" for the deleted one.

IXFR: knotd (xfr_primaries.Knot, `zonefile-load: difference`: it serves
the signed files as they are and computes the difference itself) is the
primary of version 1, canond its secondary. knotd's file is replaced by
version 2 and `knotc zone-reload`ed: knotd NOTIFYs canond, canond's log
says it took serial 2 by IXFR (knotd's: IXFR outgoing), the same thread
sees no mixed answer meanwhile, and the same check of every RRset holds.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import datetime  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

import dns.dnssec  # noqa: E402
import dns.flags  # noqa: E402
import dns.name  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

import dnssec_signed as ds  # noqa: E402  (its signing, DO=1 queries and delv anchors)
import xfr_primaries as xp  # noqa: E402

ORIGIN = "resign.test."
APEX = dns.name.from_text(ORIGIN)
ALGORITHM = "ECDSAP256SHA256"
SERIAL = 2026031501
NODATA_TYPE = "NAPTR"  # no name holds one: asked at each name, the answer carries its NSEC3
WATCH_QUERIES = 2000
WATCH_SECONDS = 5.0
TAIL = 150  # answers of the new version the watcher still asks for before it stops
RRSIG = dns.rdatatype.RRSIG
NSEC3 = dns.rdatatype.NSEC3


def unsigned(version):
    """The zone text of version 1 or 2 (SOA minimum = TTL: negative answers keep every TTL)."""
    text = (f"$ORIGIN {ORIGIN}\n$TTL 3600\n"
            f"@ SOA ns1 hostmaster {SERIAL + version - 1} 7200 3600 1209600 3600\n"
            "@ NS ns1\n@ MX 10 mail\nns1 A 192.0.2.53\n"
            "mail A 192.0.2.25\nmail AAAA 2001:db8::25\n"
            "www 300 A 192.0.2.1\nwww AAAA 2001:db8::1\nwww 600 TXT \"hello\"\n"
            "*.wild 120 A 192.0.2.8\n*.wild TXT \"wild\"\na.b.ent A 192.0.2.30\n"
            + "".join(f"h{i:02} A 192.0.2.{100 + i}\n" for i in range(1, 11)))
    if version == 1:
        return text + "changed A 192.0.2.70\ngone A 192.0.2.66\ngone TXT \"going\"\n"
    return text + "changed A 192.0.2.71\nadded 600 A 192.0.2.80\nadded TXT \"new\"\n"


class Version:
    """One signed version, parsed: its RRsets and RRSIG sets by (owner, type)."""

    def __init__(self, number, path):
        self.number, self.path = number, path
        zone = dns.zone.from_file(path, ORIGIN, relativize=False)
        self.data, self.sigs = {}, {}
        for name, node in zone.nodes.items():
            for rds in node.rdatasets:
                if rds.rdtype == RRSIG:
                    self.sigs[(name, rds.covers)] = rds
                else:
                    self.data[(name, rds.rdtype)] = rds
        self.serial = self.data[(APEX, dns.rdatatype.SOA)][0].serial
        self.sig_rdata = {rd for rds in self.sigs.values() for rd in rds}
        self.nsec3 = {name for name, t in self.data if t == NSEC3}
        names = {name for name, t in self.data if t != NSEC3}
        ents = set()
        for name in names:
            while name != APEX:
                name = name.parent()
                if name not in names:
                    ents.add(name)
        self.names = names | ents  # each one has its NSEC3
        self.unsigned = [key for key in self.data if key not in self.sigs]

    def owner(self, name):
        """The zone's owner of an answer's NAME: itself, or the wildcard it came from."""
        if name in self.names or name in self.nsec3:
            return name
        return dns.name.Name((b"*",) + name.parent().labels)


def name(label):
    return dns.name.from_text(label, APEX)


def ask(port, qname, rdtype):
    """A DO=1 answer (UDP, TCP when truncated); AssertionError when none comes."""
    msg, _ = ds.ask(port, str(qname), rdtype)
    if msg is not None and msg.flags & dns.flags.TC:
        msg, _ = ds.ask(port, str(qname), rdtype, tcp=True)
    if msg is None:
        raise AssertionError(f"no answer from 127.0.0.1:{port} for {qname} {rdtype}")
    return msg


def rrsets(msg):
    for section, records in (("answer", msg.answer), ("authority", msg.authority),
                             ("additional", msg.additional)):
        for rrset in records:
            yield section, rrset


def problems_in(where, msg, want, other, nsec3_seen=None):
    """What in MSG is not version WANT's: each RRset and each RRSIG set must
    be WANT's (rdata and TTL), each RRset signed in its section, and no RRSIG
    of version OTHER anywhere."""
    out = []
    for section, rrset in rrsets(msg):
        t = dns.rdatatype.to_text(rrset.covers if rrset.rdtype == RRSIG else rrset.rdtype)
        what = f"{where}: {section} {rrset.name} {'RRSIG ' if rrset.rdtype == RRSIG else ''}{t}"
        if rrset.rdtype == RRSIG:
            expect = want.sigs.get((want.owner(rrset.name), rrset.covers))
            stale = [rd for rd in rrset if rd in other.sig_rdata]
            if stale:
                out.append(f"{what}: {len(stale)} of {len(rrset)} signature(s) of version {other.number}")
        else:
            expect = want.data.get((want.owner(rrset.name), rrset.rdtype))
            if not any(r.rdtype == RRSIG and r.name == rrset.name and r.covers == rrset.rdtype
                       for r in (msg.answer if section == "answer" else
                                 msg.authority if section == "authority" else msg.additional)):
                out.append(f"{what}: not signed in the answer")
            if nsec3_seen is not None and rrset.rdtype == NSEC3:
                nsec3_seen.add(rrset.name)
        if expect is None:
            out.append(f"{what}: not in version {want.number}:\n    {rrset}")
        elif set(rrset) != set(expect) or rrset.ttl != expect.ttl:
            out.append(f"{what}: not version {want.number}'s (TTL {expect.ttl}):\n    served: "
                       + "\n            ".join(str(rrset).splitlines())
                       + f"\n    version {want.number}: {sorted(str(rd) for rd in expect)}")
    return out


def served_problems(port, want, other):
    """Every RRset of version WANT asked with DO=1 (type NODATA_TYPE at each
    name for the NSEC3s): what differs from WANT. Returns (problems, questions)."""
    out, nsec3_seen = [], set()
    questions = sorted((n, t) for n, t in want.data if t != NSEC3)
    questions += [(n, dns.rdatatype.from_text(NODATA_TYPE)) for n in sorted(want.names)]
    for qname, rdtype in questions:
        where = f"{qname} {dns.rdatatype.to_text(rdtype)}"
        msg = ask(port, qname, rdtype)
        if msg.rcode() != dns.rcode.NOERROR:
            out.append(f"{where}: {dns.rcode.to_text(msg.rcode())}")
            continue
        if (qname, rdtype) in want.data:
            if not msg.get_rrset(msg.answer, qname, dns.rdataclass.IN, rdtype):
                out.append(f"{where}: no answer")
            if not msg.get_rrset(msg.answer, qname, dns.rdataclass.IN, RRSIG, rdtype):
                out.append(f"{where}: the answer has no RRSIG")
        elif msg.answer or not any(r.rdtype == NSEC3 for r in msg.authority):
            out.append(f"{where}: not a NODATA with its NSEC3")
        out += problems_in(where, msg, want, other, nsec3_seen)
    for owner in sorted(want.nsec3 - nsec3_seen):
        out.append(f"{owner} NSEC3 of version {want.number}: in no answer")
    return out, len(questions)


class Watcher(threading.Thread):
    """Asks SOA, changed A and gone A in turn (DO=1) until it has seen TAIL
    answers of the new version (or WATCH_QUERIES, WATCH_SECONDS): the
    version(s) each answer shows (SOA serial, changed's address, each RRSIG)."""

    QUESTIONS = [(APEX, "SOA"), (name("changed"), "A"), (name("gone"), "A")]

    def __init__(self, port, old, new):
        super().__init__(daemon=True)
        self.port, self.old, self.new = port, old, new
        self.seen = {old.number: 0, new.number: 0}
        self.mixed = []  # (question, what each record said)
        self.empty = []
        self.back = 0  # answers of the old version after one of the new
        self.error = None
        self.queries = 0
        self.serials = {old.serial: old.number, new.serial: new.number}
        self.addresses = {"192.0.2.70": 1, "192.0.2.71": 2}

    def versions(self, msg):
        said = []
        for _section, rrset in rrsets(msg):
            for rd in rrset:
                if rrset.rdtype == RRSIG:
                    said.append((f"RRSIG {dns.rdatatype.to_text(rrset.covers)}",
                                 self.old.number if rd in self.old.sig_rdata else
                                 self.new.number if rd in self.new.sig_rdata else "neither"))
                elif rrset.rdtype == dns.rdatatype.SOA:
                    said.append(("SOA serial", self.serials.get(rd.serial, "neither")))
                elif rrset.name == name("changed") and rrset.rdtype == dns.rdatatype.A:
                    said.append(("changed A", self.addresses.get(rd.address, "neither")))
        return said

    def run(self):
        try:
            deadline = time.monotonic() + WATCH_SECONDS
            while (self.queries < WATCH_QUERIES and time.monotonic() < deadline
                   and self.seen[self.new.number] < TAIL):
                qname, rdtype = self.QUESTIONS[self.queries % len(self.QUESTIONS)]
                self.queries += 1
                msg = ask(self.port, qname, rdtype)
                said = self.versions(msg)
                versions = {v for _, v in said}
                if len(versions) == 1 and next(iter(versions)) in self.seen:
                    version = next(iter(versions))
                    self.seen[version] += 1
                    self.back += version == self.old.number and self.seen[self.new.number] > 0
                elif not versions:
                    self.empty.append(f"{qname} {rdtype}")
                else:
                    self.mixed.append((f"{qname} {rdtype}", said))
                time.sleep(0.002)  # ~400 questions a second: the bound lasts the change
        except BaseException as e:  # reported by the test
            self.error = e


class Resign(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("dnssec-keygen", "dnssec-signzone", "knotd", "knotc", "delv"):
            if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
                raise RuntimeError(f"{tool} is not installed: run tools/install-deps")  # a failure, never a skip
        cls.work = h.tempdir()
        work = cls.work
        ksk = ds.run(["dnssec-keygen", "-q", "-K", work, "-a", ALGORITHM, "-f", "KSK", ORIGIN], work).strip()
        ds.run(["dnssec-keygen", "-q", "-K", work, "-a", ALGORITHM, ORIGIN], work)
        with open(os.path.join(work, ksk + ".key")) as f:
            anchor = [line.strip() for line in f if "DNSKEY" in line and not line.startswith(";")]
        cls.anchor_file = ds.delv_anchor_file(work, ORIGIN, anchor)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stamp = lambda delta: (now + delta).strftime("%Y%m%d%H%M%S")  # noqa: E731
        hour, month = datetime.timedelta(hours=1), datetime.timedelta(days=30)
        times = {1: (stamp(-2 * hour), stamp(month)), 2: (stamp(-hour), stamp(month + hour))}
        cls.v = {}
        for version in (1, 2):
            src = h.write(work, f"v{version}.zone", unsigned(version))
            out = os.path.join(work, f"v{version}.signed")
            start, end = times[version]
            ds.run(["dnssec-signzone", "-S", "-K", work, "-o", ORIGIN, "-f", out, "-s", start, "-e", end,
                    "-3", "-", "-H", "0", src], work)
            cls.v[version] = Version(version, out)
        v1, v2 = cls.v[1], cls.v[2]
        # The test's own premises: two different versions, every set signed,
        # no signature shared (so each RRSIG names its version).
        assert v2.serial == v1.serial + 1
        assert not v1.unsigned and not v2.unsigned, (v1.unsigned, v2.unsigned)
        assert not v1.sig_rdata & v2.sig_rdata
        assert (name("gone"), dns.rdatatype.A) in v1.data and name("gone") not in v2.names
        assert (name("added"), dns.rdatatype.A) in v2.data and name("added") not in v1.names
        assert v1.nsec3 != v2.nsec3

    def assert_served(self, port, want, other):
        problems, count = served_problems(port, want, other)
        self.assert_none(problems, f"in {count} answers (version {want.number} wanted)")
        return count

    def assert_none(self, problems, where):
        if problems:
            self.fail(f"{len(problems)} problem(s) {where}:\n" + "\n".join(problems[:30]))

    def watch(self, port, change):
        """Runs CHANGE while the watcher asks; asserts each answer was one version, both seen."""
        v1, v2 = self.v[1], self.v[2]
        watcher = Watcher(port, v1, v2)
        watcher.start()
        h.wait_for("the watcher's first answers", lambda: watcher.seen[1] >= 30 or not watcher.is_alive(), 5)
        t0 = time.monotonic()
        change()
        watcher.join(WATCH_SECONDS + 10)
        self.assertFalse(watcher.is_alive(), "the watcher did not stop")
        if watcher.error:
            raise watcher.error
        if watcher.mixed:
            self.fail(f"{len(watcher.mixed)} of {watcher.queries} answers mix versions "
                      "(what each record said; the first 5):\n" + "\n".join(
                          f"  {q}: {said}" for q, said in watcher.mixed[:5]))
        self.assertEqual(watcher.empty, [], "answers showing no version")
        self.assertEqual(watcher.back, 0, "answers of version 1 after one of version 2")
        self.assertGreater(watcher.seen[1], 0)
        self.assertGreater(watcher.seen[2], 0, f"version 2 not seen in {watcher.queries} answers "
                                               f"({time.monotonic() - t0:.1f} s after the change)")
        print(f"watcher: {watcher.queries} answers, {watcher.seen[1]} of version 1, "
              f"{watcher.seen[2]} of version 2, none mixed", file=sys.stderr)

    def assert_deleted_and_added(self, port):
        v1, v2 = self.v[1], self.v[2]
        gone = ask(port, name("gone"), "A")
        self.assertEqual(gone.rcode(), dns.rcode.NXDOMAIN, gone)
        nsec3 = [r for r in gone.authority if r.rdtype == NSEC3]
        self.assertGreaterEqual(len(nsec3), 2, gone)  # closest encloser, next closer (and wildcard)
        self.assert_none(problems_in("gone A", gone, v2, v1), "in the answer to gone A")
        gone_hash = dns.name.from_text(dns.dnssec.nsec3_hash(name("gone"), salt=None, iterations=0,
                                                             algorithm=1), APEX)
        self.assertIn(gone_hash, v1.nsec3)
        self.assertNotIn(gone_hash, {r.name for r in nsec3}, "the deleted name's own NSEC3 is still served")
        added = ask(port, name("added"), "A")
        self.assertEqual(added.rcode(), dns.rcode.NOERROR)
        sig = added.get_rrset(added.answer, name("added"), dns.rdataclass.IN, RRSIG, dns.rdatatype.A)
        want = v2.sigs[(name("added"), dns.rdatatype.A)]
        self.assertIsNotNone(sig, added)
        self.assertEqual((set(sig), sig.ttl), (set(want), want.ttl))
        # A wildcard answer: the synthesized A with the wildcard's new RRSIG and proof.
        wild = ask(port, name("x.wild"), "A")
        self.assert_none(problems_in("x.wild A", wild, v2, v1), "in the answer to x.wild A")

    def delv(self, port, qname, rdtype):
        cmd = ["delv", "@127.0.0.1", "-p", str(port), "-a", self.anchor_file, f"+root={ORIGIN}",
               str(qname), rdtype]
        r = h.subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return [line.strip() for line in (r.stdout + r.stderr).splitlines()], r.stdout + r.stderr

    def assert_validated(self, port):
        lines, out = self.delv(port, name("added"), "A")
        self.assertIn("; fully validated", lines, out)
        self.assertIn(["added.resign.test.", "600", "IN", "A", "192.0.2.80"], [line.split() for line in lines], out)
        lines, out = self.delv(port, name("gone"), "A")
        self.assertIn("; negative response, fully validated", lines, out)
        self.assertTrue(any("NXDOMAIN" in line for line in lines), out)

    def test_reload_publishes_new_signatures_with_new_data(self):
        v1, v2 = self.v[1], self.v[2]
        zdir = h.tempdir()
        zonefile = os.path.join(zdir, "resign.test.zone")
        shutil.copyfile(v1.path, zonefile)
        with h.Canond(zones={ORIGIN: zonefile}) as c:
            self.assertEqual(c.serial(ORIGIN), v1.serial)
            count = self.assert_served(c.port, v1, v2)  # the check holds before: it can tell them apart
            self.assertEqual(ask(c.port, name("added"), "A").rcode(), dns.rcode.NXDOMAIN)
            gen = c.generation()

            def reload():
                shutil.copyfile(v2.path, zonefile + ".new")
                os.replace(zonefile + ".new", zonefile)
                c.ok("reload")
            self.watch(c.port, reload)
            self.assertEqual(c.serial(ORIGIN), v2.serial)
            self.assertEqual(c.generation(), gen + 1)
            self.assert_served(c.port, v2, v1)
            self.assert_deleted_and_added(c.port)
            self.assert_validated(c.port)
            print(f"reload: {count} DO=1 questions on version 1, then on version 2", file=sys.stderr)

    def test_ixfr_publishes_new_signatures_with_new_data(self):
        v1, v2 = self.v[1], self.v[2]
        c = h.Canond()
        knot = Knot(h, {ORIGIN: h.read(v1.path)}, notify_port=c.port)
        knot.start()
        self.addCleanup(knot.stop)
        c.config = h.write(c.dir, "canond.toml", (
            f'admin-socket = "{c.socket}"\nlisten = ["127.0.0.1:{c.port}"]\nstate-dir = "{c.dir}/state"\n'
            f'[[key]]\nname = "{xp.KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{xp.SECRET}"\n'
            f'[[secondary]]\nzone = "{ORIGIN}"\nprimaries = ["127.0.0.1:{knot.port}"]\nkey = "{xp.KEY_NAME}"\n'))
        c.listen = []
        with c:
            h.wait_for("version 1 by AXFR", lambda: c.serial(ORIGIN) == v1.serial, 15)
            self.assertRegex(c.log(), rf"zone resign\.test\.: AXFR from 127\.0\.0\.1:{knot.port}")
            count = self.assert_served(c.port, v1, v2)
            knot_file = os.path.join(knot.dir, ORIGIN + ".zone")

            def new_version():
                shutil.copyfile(v2.path, knot_file + ".new")
                os.replace(knot_file + ".new", knot_file)
                knot.knotc("zone-reload", ORIGIN)
            self.watch(c.port, new_version)
            h.wait_for("the IXFR in canond's log", lambda: re.search(
                rf"zone resign\.test\.: IXFR from 127\.0\.0\.1:{knot.port}: serial {v1.serial} -> {v2.serial}",
                c.log()))
            self.assertRegex(knot.output(), rf"IXFR, outgoing.*serial {v1.serial} -> {v2.serial}")
            self.assertRegex(c.log(), r"zone resign\.test\.: NOTIFY from 127\.0\.0\.1( over TCP|#\d+), refreshing")
            self.assertEqual(c.serial(ORIGIN), v2.serial)
            self.assert_served(c.port, v2, v1)
            self.assert_deleted_and_added(c.port)
            print(f"IXFR: {count} DO=1 questions on version 1, then on version 2", file=sys.stderr)


class Knot(xp.Knot):
    """xfr_primaries.Knot taking a replaced zone file as a difference
    (zonefile-load: difference): `knotc zone-reload` puts the change in its
    journal, so the secondary gets it by IXFR."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        text = h.read(self.conf)
        line = "    journal-content: changes\n"
        assert line in text, text
        h.write(self.dir, "knot.conf", text.replace(line, line + "    zonefile-load: difference\n"))


if __name__ == "__main__":
    h.main()
