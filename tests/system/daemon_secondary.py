#!/usr/bin/env python3
"""canond as a secondary: zones received from primaries (issue 17).

    daemon_secondary.py CANOND CANONCTL EXAMPLE_ZONES_DIR

knotd is the real primary: canond takes the zone by AXFR with TSIG, then a
change made with knotc reaches it by NOTIFY and IXFR (knotd's log says IXFR
outgoing; canond's says IXFR), and the received version is on disk; a
restart with knotd stopped serves it. A wrong key is refused. BIND 9's
named is the second real primary: AXFR with TSIG, then a change made with
nsupdate reaches canond by named's signed NOTIFY and IXFR from its journal
(named's log says IXFR started with the key; canond's says IXFR). A scripted
primary in Python hands canond every kind of bad answer (cut, malformed, for
another zone, unsigned where a key is required, an IXFR that deletes what the
zone does not hold, an older serial, a zone over max-zone-records): each is
logged with zone, primary and reason, and the served version stays. NOTIFYs
from outside notify-from, or unsigned where a key is required, are refused.
A zone whose SOA expire passed while canond was stopped is SERVFAIL at once
after a restart: the expire counts from the last contact, not from start-up.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

import xfr_primaries as xp  # noqa: E402

ORIGIN = "example.com."
BODY = "".join(f"host{i} IN A 198.18.1.{i}\n" for i in range(1, 40)) + "www IN A 198.18.0.1\n"


def zone(serial, body=BODY):
    return h.zone_text(ORIGIN, serial, body)


def secondary_config(c, primaries, key=True, secret=xp.SECRET, notify_from=None, extra=""):
    """Writes canond's config (admin socket, state-dir, key, the secondary) into c.dir."""
    text = (f'admin-socket = "{c.socket}"\nlisten = ["127.0.0.1:{c.port}"]\n'
            f'state-dir = "{c.dir}/state"\n' + extra
            + f'[[key]]\nname = "{xp.KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{secret}"\n'
            + f'[[secondary]]\nzone = "{ORIGIN}"\nprimaries = [{", ".join(chr(34) + p + chr(34) for p in primaries)}]\n'
            + (f'key = "{xp.KEY_NAME}"\n' if key else "")
            + (f"notify-from = [{', '.join(chr(34) + p + chr(34) for p in notify_from)}]\n" if notify_from else ""))
    c.config = h.write(c.dir, "canond.toml", text)
    c.listen = []  # in the file
    return c


def secondary(c):
    for z in c.status()["zones"]:
        if z["origin"] == ORIGIN:
            return z
    return None


def change_arrives(c, make_change, primary_port):
    """Makes one change on the primary; it must reach canond by NOTIFY and
    IXFR (the SOA refresh is 7200 s: only NOTIFY explains a quick arrival).
    Returns the seconds it took."""
    t0 = time.monotonic()
    make_change()
    h.wait_for("the change by NOTIFY and IXFR",
               lambda: h.addresses(c.port, "new." + ORIGIN) == {"198.18.0.77"}, 10)
    latency = time.monotonic() - t0
    h.wait_for("the IXFR in canond's log", lambda: re.search(
        rf"zone example\.com\.: IXFR from 127\.0\.0\.1:{primary_port}: serial 1 -> 2", c.log()))
    return latency


def rcode(port, name, rdtype="A"):
    return h.query(port, name, rdtype).rcode()


class KnotPrimary(unittest.TestCase):
    def test_axfr_then_notify_and_ixfr_then_restart_without_primary(self):
        c = h.Canond()
        knot = xp.Knot(h, {ORIGIN: zone(1)}, notify_port=c.port).start()
        try:
            secondary_config(c, [f"127.0.0.1:{knot.port}"])
            with c:
                h.wait_for("the zone by AXFR", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.1"})
                z = secondary(c)
                self.assertEqual(z["serial"], 1)
                self.assertEqual(z["secondary"]["received_serial"], 1)
                self.assertIn("AXFR from 127.0.0.1", z["secondary"]["last_transfer_summary"])
                state = os.path.join(c.dir, "state", "zones", "example.com.zone")
                h.wait_for("the state file", lambda: os.path.exists(state))

                # One change on the primary: NOTIFY, then IXFR (not AXFR).
                latency = change_arrives(c, lambda: knot.change(ORIGIN, ("set", "new", 300, "A", "198.18.0.77")),
                                         knot.port)
                self.assertLess(latency, 5.0)
                self.assertRegex(knot.output(), r"IXFR, outgoing.*serial 1 -> 2")
                # knotd sends NOTIFY over TCP
                self.assertRegex(c.log(), r"zone example\.com\.: NOTIFY from 127\.0\.0\.1( over TCP|#\d+), refreshing")
                self.assertEqual(h.addresses(c.port, "www." + ORIGIN), {"198.18.0.1"})
                # (the served answer can come a moment before the secondaries' thread hears it is served)
                z = h.wait_for("received serial 2", lambda: (lambda s: s if s["received_serial"] == 2 else None)(
                    secondary(c)["secondary"]))
                self.assertEqual(z["transfers"]["ixfr_ok"], 1)
                h.wait_for("serial 2 on disk", lambda: "serial 2" in h.read(state).splitlines()[0])
                self.assertIn("new.example.com. 300 IN A \\# 4 c612004d", h.read(state))
                metrics = c.ok("metrics")["text"]
                self.assertIn('canon_secondary_serial{zone="example.com."} 2', metrics)
                self.assertIn('canon_secondary_transfers_total{zone="example.com.",type="ixfr",outcome="ok"} 1',
                              metrics)
                print(f"NOTIFY to answer: {latency * 1000:.0f} ms", file=sys.stderr)

            # A restart with the primary gone serves what was received.
            knot.stop()
            with c:
                self.assertEqual(h.addresses(c.port, "new." + ORIGIN), {"198.18.0.77"})
                self.assertEqual(secondary(c)["serial"], 2)
        finally:
            knot.stop()

    def test_a_wrong_key_is_refused_and_named(self):
        c = h.Canond()
        knot = xp.Knot(h, {ORIGIN: zone(1)}).start()
        try:
            wrong = xp.base64.b64encode(b"not-the-key-the-primary-knows!!!").decode()
            secondary_config(c, [f"127.0.0.1:{knot.port}"], secret=wrong)
            with c:
                h.wait_for("the refusal in the log", lambda: re.search(
                    r"zone example\.com\.: (SOA query to|AXFR from) 127\.0\.0\.1:\d+ (failed|refused): .*"
                    r"(TSIG|NOTAUTH)", c.log()))
                self.assertEqual(rcode(c.port, "www." + ORIGIN), dns.rcode.SERVFAIL)  # never received
                self.assertIn("TSIG", secondary(c)["secondary"]["transfer_error"] or "TSIG")
        finally:
            knot.stop()


class BindPrimary(unittest.TestCase):
    def test_axfr_then_nsupdate_notify_and_ixfr_with_tsig(self):
        c = h.Canond()
        bind = xp.Bind(h, {ORIGIN: zone(1)}, notify_port=c.port).start()
        self.addCleanup(bind.stop)
        secondary_config(c, [f"127.0.0.1:{bind.port}"])
        with c:
            h.wait_for("the zone by AXFR", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.1"})
            z = secondary(c)
            self.assertEqual((z["serial"], z["secondary"]["received_serial"]), (1, 1))
            self.assertIn(f"AXFR from 127.0.0.1:{bind.port}", z["secondary"]["last_transfer_summary"])
            self.assertRegex(bind.output(), r"transfer of 'example\.com/IN': AXFR started: TSIG edge-key")

            # One change through nsupdate: named's NOTIFY (UDP, signed), then IXFR from its journal.
            latency = change_arrives(c, lambda: bind.change(ORIGIN, ("add", "new", 300, "A", "198.18.0.77")),
                                     bind.port)
            self.assertLess(latency, 5.0)
            h.wait_for("the IXFR in named's log", lambda: re.search(
                r"transfer of 'example\.com/IN': IXFR ended", bind.output()))
            self.assertRegex(bind.output(), r"transfer of 'example\.com/IN': IXFR started: TSIG edge-key "
                                            r"\(serial 1 -> 2\)")
            self.assertRegex(c.log(), r"zone example\.com\.: NOTIFY from 127\.0\.0\.1#\d+, refreshing")
            self.assertEqual(h.addresses(c.port, "www." + ORIGIN), {"198.18.0.1"})
            z = h.wait_for("received serial 2", lambda: (lambda s: s if s["received_serial"] == 2 else None)(
                secondary(c)["secondary"]))
            self.assertEqual(z["transfers"]["ixfr_ok"], 1)
            print(f"named: NOTIFY to answer: {latency * 1000:.0f} ms", file=sys.stderr)


class ScriptedPrimary(unittest.TestCase):
    """Every bad answer refused, logged with zone, primary and reason; the
    version served (serial 1, www 198.18.0.1) stays."""

    def start(self, key=None, extra=""):
        self.primary = xp.Scripted(h, ORIGIN, zone(1), key=key)
        self.addCleanup(self.primary.stop)
        c = h.Canond()
        secondary_config(c, [f"127.0.0.1:{self.primary.port}"], key=key is not None, extra=extra)
        return c

    def refuse(self, c, answer, says, serial=2, body=BODY):
        """The primary now has `serial`; its transfers answer `answer`."""
        marker = len(c.log())
        self.primary.set_zone(zone(serial, body))
        self.primary.answer = answer
        c.ok("zone-refresh", ORIGIN)
        h.wait_for(f"'{says}' in the log", lambda: re.search(says, c.log()[marker - 200 if marker > 200 else 0:]), 15)
        self.assertEqual(h.addresses(c.port, "www." + ORIGIN), {"198.18.0.1"})
        self.assertEqual(secondary(c)["serial"], 1)

    def test_bad_answers_leave_the_served_version(self):
        c = self.start()
        with c:
            h.wait_for("the first AXFR", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.1"})
            p = self.primary
            where = r"zone example\.com\.: AXFR from 127\.0\.0\.1:\d+ refused: "

            def refused_everything(request):
                return [p.response(request, [], rcode=dns.rcode.REFUSED).to_wire()]

            def cut(request):
                return [("cut", 60)] + p.axfr(request)

            def malformed(request):
                return [p.axfr(request)[0][:30] + b"\xc0\xff" + b"\x00" * 20]

            def other_zone(request):
                other = dns.message.make_query("example.org.", request.question[0].rdtype).question
                return [p.response(request, [p.soa_rrset()], question=other).to_wire()]

            def ixfr_deleting_what_is_not_there(request):
                if request.question[0].rdtype != dns.rdatatype.IXFR:
                    return refused_everything(request)
                old = xp.Scripted(h, ORIGIN, zone(1))
                old.stop()
                ghost = dns.rrset.from_text("ghost." + ORIGIN, 300, "IN", "A", "198.18.9.9")
                rrsets = [p.soa_rrset(), old.soa_rrset(), ghost, p.soa_rrset(), p.soa_rrset()]
                return [p.response(request, rrsets).to_wire()]

            import dns.rrset  # noqa: F401  (used above)
            with self.subTest("closed mid-AXFR"):
                self.refuse(c, cut, where + "the primary closed the connection inside a message")
            with self.subTest("malformed"):
                self.refuse(c, malformed, where + "malformed message 1")
            with self.subTest("another zone"):
                self.refuse(c, other_zone, where + "the answer is for example.org. AXFR")
            with self.subTest("IXFR deleting what the zone does not hold"):
                self.refuse(c, ixfr_deleting_what_is_not_there,
                            r"IXFR from 127\.0\.0\.1:\d+ failed \(the IXFR deletes ghost\.example\.com\. A "
                            r"\(record 3\), which serial 1 does not hold\); asking AXFR")
                self.assertRegex(c.log(), where + "the primary answered REFUSED")
            with self.subTest("an older serial"):
                self.refuse(c, p.axfr, r"primary 127\.0\.0\.1:\d+ has serial 0, older than ours \(1\); kept ours",
                            serial=0)
            # The primary fixed: the next refresh takes serial 3 by AXFR.
            self.primary.set_zone(zone(3, BODY.replace("198.18.0.1", "198.18.0.3")))
            self.primary.answer = p.axfr
            c.ok("zone-retransfer", ORIGIN)
            h.wait_for("serial 3", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.3"})

    def test_the_expire_timer_goes_on_across_a_restart(self):
        # SOA expire 6 s (refresh and retry an hour): after the AXFR the
        # primary goes away; a restart after the expire has passed must not
        # serve the zone for another 6 s (RFC 1035 §3.3.13: expire counts
        # from the last refresh, not from canond's start).
        text = (f"$ORIGIN {ORIGIN}\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 3600 6 300\n"
                f"@ IN NS ns1\nns1 IN A 192.0.2.53\n" + BODY)
        self.primary = xp.Scripted(h, ORIGIN, text)
        self.addCleanup(self.primary.stop)
        c = h.Canond()
        secondary_config(c, [f"127.0.0.1:{self.primary.port}"], key=False)
        state = os.path.join(c.dir, "state", "zones", "example.com.zone")
        with c:
            h.wait_for("the AXFR", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.1"})
            h.wait_for("the state file", lambda: os.path.exists(state))
        self.primary.stop()
        time.sleep(max(0.0, os.path.getmtime(state) + 7 - time.time()))
        with c:
            started = time.monotonic()
            h.wait_for("SERVFAIL: expired before the restart",
                       lambda: rcode(c.port, "www." + ORIGIN) == dns.rcode.SERVFAIL, 3)
            self.assertLess(time.monotonic() - started, 3)
            self.assertRegex(c.log(), r"zone example\.com\.: state file last refreshed \d+ s ago; expires in 0 s")
            self.assertRegex(c.log(), r"zone example\.com\.: expired")

    def test_a_zone_over_max_zone_records_is_refused(self):
        c = self.start(extra="max-zone-records = 45\n")
        with c:
            h.wait_for("the first AXFR", lambda: h.addresses(c.port, "www." + ORIGIN) == {"198.18.0.1"})
            bigger = BODY + "".join(f"more{i} IN A 198.18.2.{i}\n" for i in range(10))
            self.refuse(c, self.primary.axfr, r"refused: the zone has more than 45 records \(max-zone-records\)",
                        body=bigger)

    def test_an_unsigned_answer_where_a_key_is_required_is_refused(self):
        c = self.start(key=xp.keyring())
        self.primary.sign = False  # it checks the signed request, and answers unsigned
        with c:
            h.wait_for("the refusal", lambda: re.search(
                r"zone example\.com\.: SOA query to 127\.0\.0\.1:\d+ failed: TSIG message not signed", c.log()), 15)
            self.assertEqual(rcode(c.port, "www." + ORIGIN), dns.rcode.SERVFAIL)


class Catalog(unittest.TestCase):
    """RFC 9432 version 2: the members of a catalog zone become secondary
    zones of the catalog's primaries, and go when the catalog drops them;
    after a restart they are served from their state files. The group and
    coo properties are read past (not honoured)."""

    CATALOG = "catalog.example."

    def catalog(self, serial, members):
        body = 'version IN TXT "2"\n' + "".join(
            f"m{i}.zones IN PTR {m}\ngroup.m{i}.zones IN TXT \"edge\"\n" for i, m in enumerate(members))
        return h.zone_text(self.CATALOG, serial, body)

    def test_members_come_and_go_with_the_catalog(self):
        members = {f"c{i}.test.": h.zone_text(f"c{i}.test.", 1, f"www IN A 198.18.3.{i}\n") for i in range(3)}
        primary = xp.ScriptedZones(h, {self.CATALOG: self.catalog(1, ["c0.test.", "c1.test."]), **members})
        self.addCleanup(primary.stop)
        c = h.Canond()
        text = (f'admin-socket = "{c.socket}"\nlisten = ["127.0.0.1:{c.port}"]\nstate-dir = "{c.dir}/state"\n'
                f'[[catalog]]\nzone = "{self.CATALOG}"\nprimaries = ["127.0.0.1:{primary.port}"]\n')
        c.config = h.write(c.dir, "canond.toml", text)
        c.listen = []
        with c:
            for i in (0, 1):
                h.wait_for(f"member c{i}", lambda i=i: h.addresses(c.port, f"www.c{i}.test.") == {f"198.18.3.{i}"}, 15)
            self.assertEqual(rcode(c.port, "www.c2.test."), dns.rcode.REFUSED)  # not a member yet
            # c2 joins, c0 leaves.
            primary.put(self.CATALOG, self.catalog(2, ["c1.test.", "c2.test."]))
            c.ok("zone-refresh", self.CATALOG)
            h.wait_for("member c2", lambda: h.addresses(c.port, "www.c2.test.") == {"198.18.3.2"}, 15)
            h.wait_for("c0 gone", lambda: rcode(c.port, "www.c0.test.") == dns.rcode.REFUSED, 15)
            self.assertRegex(c.log(), r"catalog catalog\.example\.: member c0\.test\. removed")
            self.assertFalse(os.path.exists(os.path.join(c.dir, "state", "zones", "c0.test.zone")))
        # A restart with the primary gone: the catalog and its members from disk.
        primary.stop()
        with c:
            h.wait_for("members from their state files",
                       lambda: h.addresses(c.port, "www.c2.test.") == {"198.18.3.2"}, 15)
            self.assertEqual(h.addresses(c.port, "www.c1.test."), {"198.18.3.1"})
            self.assertEqual(rcode(c.port, "www.c0.test."), dns.rcode.REFUSED)


class KnotCatalog(unittest.TestCase):
    """knotd generates the catalog (catalog-role: generate); a member zone
    added to knotd with knotc conf-set appears on canond, and disappears
    when knotd drops it (conf-unset)."""

    def test_a_member_added_and_removed_on_knotd(self):
        c = h.Canond()
        d = h.tempdir()
        port = h.free_port()
        member = lambda name, n: h.write(d, name + "zone", h.zone_text(name, 1, f"www IN A 198.18.4.{n}\n"))
        conf = h.write(d, "knot.conf", (
            f'server:\n    rundir: "{d}"\n    listen: 127.0.0.1@{port}\n'
            f'log:\n  - target: stderr\n    any: info\ndatabase:\n    storage: "{d}/db"\n'
            f'control:\n    listen: "{d}/knot.sock"\n'
            f"remote:\n  - id: canond\n    address: 127.0.0.1@{c.port}\n"
            "acl:\n  - id: transfer\n    address: 127.0.0.1\n    action: transfer\n"
            f'template:\n  - id: default\n    storage: "{d}"\n    zonefile-sync: -1\n    journal-content: changes\n'
            "zone:\n  - domain: catalog.example\n    catalog-role: generate\n    acl: transfer\n    notify: canond\n"
            f'  - domain: k1.test\n    file: "{member("k1.test.", 1)}"\n    catalog-role: member\n'
            "    catalog-zone: catalog.example\n    acl: transfer\n"))
        os.makedirs(os.path.join(d, "db"))
        with open(os.path.join(d, "knotd.log"), "w") as log:
            knot = h.spawn(["knotd", "-c", conf], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (knot.terminate(), knot.wait(timeout=15)))
        knotc = lambda *args: subprocess.run(["knotc", "-c", conf, *args], check=True, capture_output=True, timeout=30)
        h.wait_for("knotd", lambda: h.query(port, "k1.test.", "SOA").answer, 20)  # (its catalog: REFUSED to queries)
        c.config = h.write(c.dir, "canond.toml", (
            f'admin-socket = "{c.socket}"\nlisten = ["127.0.0.1:{c.port}"]\nstate-dir = "{c.dir}/state"\n'
            f'[[catalog]]\nzone = "catalog.example"\nprimaries = ["127.0.0.1:{port}"]\n'))
        c.listen = []
        with c:
            h.wait_for("member k1", lambda: h.addresses(c.port, "www.k1.test.") == {"198.18.4.1"}, 15)
            knotc("conf-begin")
            knotc("conf-set", "zone[k2.test]")
            knotc("conf-set", "zone[k2.test].file", member("k2.test.", 2))
            knotc("conf-set", "zone[k2.test].catalog-role", "member")
            knotc("conf-set", "zone[k2.test].catalog-zone", "catalog.example")
            knotc("conf-set", "zone[k2.test].acl", "transfer")
            knotc("conf-commit")
            h.wait_for("member k2 (by NOTIFY of the catalog)",
                       lambda: h.addresses(c.port, "www.k2.test.") == {"198.18.4.2"}, 15)
            knotc("conf-begin")
            knotc("conf-unset", "zone[k2.test]")
            knotc("conf-commit")
            h.wait_for("k2 gone", lambda: rcode(c.port, "www.k2.test.") == dns.rcode.REFUSED, 15)
            self.assertEqual(h.addresses(c.port, "www.k1.test."), {"198.18.4.1"})


class Notify(unittest.TestCase):
    def notify(self, port, keyring=None):
        m = dns.message.make_query(ORIGIN, "SOA")
        m.set_opcode(dns.opcode.NOTIFY)
        m.flags |= dns.flags.AA
        if keyring:
            m.use_tsig(keyring, keyname=xp.KEY_NAME, algorithm="hmac-sha256")
        return dns.query.udp(m, "127.0.0.1", port=port, timeout=3)

    def test_notifies_from_outside_notify_from_or_unsigned_are_refused(self):
        primary = xp.Scripted(h, ORIGIN, zone(1))
        self.addCleanup(primary.stop)
        c = h.Canond()
        secondary_config(c, [f"127.0.0.1:{primary.port}"], key=False, notify_from=["198.18.0.0/15"])
        with c:
            r = self.notify(c.port)
            self.assertEqual((r.rcode(), r.opcode()), (dns.rcode.REFUSED, dns.opcode.NOTIFY))
            h.wait_for("the refusal in the log", lambda: re.search(
                r"zone example\.com\.: NOTIFY from 127\.0\.0\.1#\d+ refused: the sender is not in notify-from", c.log()))
            self.assertEqual(secondary(c)["secondary"]["notifies_refused"], 1)

        c = h.Canond()
        primary.key = xp.keyring()
        secondary_config(c, [f"127.0.0.1:{primary.port}"], key=True)
        with c:
            r = self.notify(c.port)
            self.assertEqual(r.rcode(), dns.rcode.NOTAUTH)
            self.assertRegex(c.log(), r"NOTIFY from 127\.0\.0\.1#\d+ refused: TSIG message not signed")
            r = self.notify(c.port, keyring=xp.keyring())  # signed: accepted, and the answer is signed
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertTrue(r.flags & dns.flags.AA)


if __name__ == "__main__":
    h.main()
