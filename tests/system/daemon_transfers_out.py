#!/usr/bin/env python3
"""canond as a primary: outgoing AXFR, IXFR and NOTIFY (issue 17).

    daemon_transfers_out.py CANOND CANONCTL EXAMPLE_ZONES_DIR

canond's AXFR of the example zone holds exactly the records knotd's AXFR of
the same file holds (kdig reads both). allow-transfer decides: a request
from outside it, or unsigned where it names a key, is REFUSED, logged and
counted. A chain of two canonds: the primary's zone file changes, a
zone-reload publishes it, the primary sends NOTIFY, and the secondary takes
the change by IXFR from the diff the primary kept. Under dnsperf, a secondary
takes a zone of CANON_XFR_RECORDS records (50,000 here; 1M in bench/transfers)
by AXFR and then three versions of 1,000 changed records each by IXFR:
no query is lost, every answer is NOERROR (the old version or the new).
With a state-dir the kept diffs are an IXFR journal: after a restart the
same IXFR is answered from it; a journal cut short is refused whole and
logged (IXFR answered with the whole zone); one that ends at another serial
than the zone's is not used.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import xfr_primaries as xp  # noqa: E402

ORIGIN = "example.com."
KEY = f"hmac-sha256:{xp.KEY_NAME}:{xp.SECRET}"


def axfr_records(port, key=None, rdtype="AXFR"):
    """kdig's AXFR as a sorted list of lines (owner lower-cased), and its status line."""
    cmd = ["kdig", "-p", str(port), "@127.0.0.1", ORIGIN, rdtype, "+nocomments", "+nostats", "+noquestion"]
    if key:
        cmd += ["-y", key]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    lines = []
    for line in out.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        owner, ttl, cls, rtype, rdata = line.split(None, 4)
        if rtype == "TSIG":
            continue
        lines.append(" ".join([owner.lower(), ttl, cls, rtype, rdata.strip()]))
    return sorted(lines), out


def logged(c, pattern):
    """A transfer's summary line, which canond writes once the last message
    is sent (the client may have read it all a moment before): waited for."""
    return h.wait_for(f"/{pattern}/ in canond's log", lambda: re.search(pattern, c.log()), 5)


def primary_config(c, extra):
    text = (f'admin-socket = "{c.socket}"\nlisten = ["127.0.0.1:{c.port}"]\n' + extra
            + f'[[key]]\nname = "{xp.KEY_NAME}"\nsecret = "{xp.SECRET}"\n')
    c.config = h.write(c.dir, "canond.toml", text)
    c.listen = []
    return c


def secondary_config(secondary, primary):
    """`secondary` takes ORIGIN from the canond `primary`."""
    secondary.config = h.write(secondary.dir, "canond.toml",
                               f'admin-socket = "{secondary.socket}"\nlisten = ["127.0.0.1:{secondary.port}"]\n'
                               f'state-dir = "{secondary.dir}/state"\n'
                               f'[[secondary]]\nzone = "{ORIGIN}"\nprimaries = ["127.0.0.1:{primary.port}"]\n')
    secondary.listen = []


class TransfersOut(unittest.TestCase):
    def test_axfr_is_knotds_and_allow_transfer_decides(self):
        c = h.Canond()
        # Every common type, names in RDATA to compress, a delegation with glue.
        zone = h.write(c.dir, "example.com.zone", h.zone_text(ORIGIN, 7, (
            "www IN A 198.18.0.1\nwww IN AAAA 2001:db8::1\n@ IN MX 10 mail\nmail IN A 198.18.0.25\n"
            "alias IN CNAME www\ntxt IN TXT \"v=spf1 -all\" \"two\"\n_sip._tcp IN SRV 1 2 5060 www\n"
            "child IN NS ns.child\nns.child IN A 198.18.0.53\nold IN DNAME example.net.\n"
            + "".join(f"h{i} 300 IN A 198.18.2.{i}\n" for i in range(40)))))
        primary_config(c, f'zone = ["{ORIGIN}={zone}"]\nallow-transfer = ["127.0.0.1/32 key {xp.KEY_NAME}"]\n')
        knot = xp.Knot(h, {ORIGIN: h.read(zone)}, key=False, open_transfer=True).start()
        try:
            with c:
                ours, text = axfr_records(c.port, KEY)
                theirs, _ = axfr_records(knot.port)
                self.assertGreater(len(ours), 40, text)
                self.assertEqual(ours.count(ours[0]), 2 if ours[0].split()[3] == "SOA" else 1)
                self.assertEqual(ours, theirs)  # SOA twice in both
                logged(c, r"AXFR of example\.com\. to 127\.0\.0\.1: serial \d+, 1 messages, "
                          r"\d+ bytes, [\d.]+ s, TSIG edge-key\.")
                # Unsigned: not what allow-transfer names.
                refused, text = axfr_records(c.port)
                self.assertEqual(refused, [], text)
                self.assertRegex(c.log(), r"AXFR of example\.com\. to 127\.0\.0\.1 refused: not allowed by allow-transfer")
                metrics = c.ok("metrics")["text"]
                self.assertIn('canon_transfers_out_total{zone="example.com.",type="refused"} 1', metrics)
                self.assertIn('canon_transfers_out_total{zone="example.com.",type="axfr"} 1', metrics)
                # A reload keeps transfers going to the control side.
                c.ok("reload")
                again, text = axfr_records(c.port, KEY)
                self.assertEqual(again, theirs, "after a reload:\n" + text)
        finally:
            knot.stop()

    def test_a_chain_of_two_canonds_takes_a_change_by_notify_and_ixfr(self):
        secondary = h.Canond()
        primary = h.Canond()
        body = "".join(f"host{i} IN A 198.18.1.{i}\n" for i in range(1, 30))
        zone = h.write(primary.dir, "example.com.zone", h.zone_text(ORIGIN, 1, body))
        primary_config(primary, f'zone = ["{ORIGIN}={zone}"]\nallow-transfer = ["127.0.0.1/32"]\n'
                                f'notify = ["127.0.0.1:{secondary.port}"]\n')
        secondary_config(secondary, primary)
        with primary, secondary:
            h.wait_for("the AXFR", lambda: h.addresses(secondary.port, "host1." + ORIGIN) == {"198.18.1.1"})
            h.write(primary.dir, "example.com.zone",
                    h.zone_text(ORIGIN, 2, body.replace("198.18.1.7\n", "198.18.1.77\n") + "new IN A 198.18.0.9\n"))
            t0 = time.monotonic()
            primary.ok("zone-reload", ORIGIN)
            h.wait_for("the change on the secondary", lambda: h.addresses(secondary.port, "new." + ORIGIN) == {"198.18.0.9"})
            print(f"reload to answered on the secondary: {(time.monotonic() - t0) * 1000:.0f} ms", file=sys.stderr)
            self.assertEqual(h.addresses(secondary.port, "host7." + ORIGIN), {"198.18.1.77"})
            logged(primary, r"IXFR of example\.com\. to 127\.0\.0\.1: serial 1 -> 2 \(1 diff\(s\)\)")
            self.assertRegex(secondary.log(), r"IXFR from 127\.0\.0\.1:\d+: serial 1 -> 2, 33 records \(7 received")
            self.assertRegex(secondary.log(), r"NOTIFY from 127\.0\.0\.1#\d+, refreshing")
            # The answer to the NOTIFY is read within the primary's next pass
            # (the first NOTIFY, at its start, may have gone before the
            # secondary listened: unanswered, retried).
            h.wait_for("the NOTIFY's answer counted", lambda: re.search(
                r'canon_notify_out_total\{zone="example\.com\.",outcome="answered"\} [12]\n',
                primary.ok("metrics")["text"]), 5)
            # The secondary's own IXFR out: up to date.
            # The secondary has no allow-transfer: its downstreams are refused.
            lines, text = axfr_records(secondary.port, rdtype="IXFR=2")
            self.assertEqual(lines, [], text)
            self.assertRegex(secondary.log(), r"IXFR of example\.com\. to 127\.0\.0\.1 refused: not allowed by allow-transfer")

    def test_the_ixfr_journal_outlives_a_restart_and_a_broken_one_is_refused(self):
        primary = h.Canond()
        body = "".join(f"host{i} IN A 198.18.1.{i}\n" for i in range(1, 20))
        zone = h.write(primary.dir, "example.com.zone", h.zone_text(ORIGIN, 1, body))
        primary_config(primary, f'zone = ["{ORIGIN}={zone}"]\nallow-transfer = ["127.0.0.1/32"]\n'
                                f'state-dir = "{primary.dir}/state"\n')
        journal = os.path.join(primary.dir, "state", "journal", "example.com.ixfr")

        def ixfr_from_1():
            lines, text = axfr_records(primary.port, rdtype="IXFR=1")
            return [line for line in lines if line.split()[3] == "SOA"], lines, text

        with primary:
            h.write(primary.dir, "example.com.zone", h.zone_text(ORIGIN, 2, body + "new IN A 198.18.0.9\n"))
            primary.ok("zone-reload", ORIGIN)
            h.write(primary.dir, "example.com.zone",
                    h.zone_text(ORIGIN, 3, body.replace("198.18.1.7\n", "198.18.1.77\n") + "new IN A 198.18.0.9\n"))
            primary.ok("zone-reload", ORIGIN)
            h.wait_for("both diffs kept", lambda: ixfr_from_1()[0] and re.search(
                r"IXFR of example\.com\. to 127\.0\.0\.1: serial 1 -> 3 \(2 diff\(s\)\)", primary.log()))
            before = ixfr_from_1()[1]
        self.assertTrue(os.path.exists(journal))

        # A restart: the same IXFR, from the journal.
        with primary:
            self.assertRegex(primary.log(), r"zone example\.com\.: IXFR journal: 2 diff\(s\), serials 1 -> 3")
            soas, lines, text = ixfr_from_1()
            self.assertEqual(lines, before, text)
            serials = sorted(int(line.split()[6]) for line in soas)
            self.assertEqual(serials, [1, 2, 2, 3, 3, 3], text)  # 3 first and last, each diff's from and to
            self.assertIn("host7.example.com. 3600 IN A 198.18.1.77", lines)
            self.assertIn("host7.example.com. 3600 IN A 198.18.1.7", lines)  # the deletion
            logged(primary, r"serial 1 -> 3 \(2 diff\(s\)\)")

        # A journal cut short is refused whole, logged; IXFR is answered
        # with the whole zone, and the zone is served.
        with open(journal, "r+b") as f:
            f.truncate(os.path.getsize(journal) - 5)
        with primary:
            self.assertRegex(primary.log(), r"zone example\.com\.: IXFR journal \S+ refused: cut short")
            soas, lines, text = ixfr_from_1()
            self.assertEqual([int(line.split()[6]) for line in soas], [3, 3], text)
            self.assertIn("host7.example.com. 3600 IN A 198.18.1.77", lines)
            self.assertNotIn("host7.example.com. 3600 IN A 198.18.1.7", lines)
            logged(primary, r"serial 1 -> 3 \(AXFR-style\)")
            self.assertEqual(h.addresses(primary.port, "host7." + ORIGIN), {"198.18.1.77"})

        # A zone file changed while canond was stopped: a journal ending at
        # another serial is not used.
        with primary:
            h.write(primary.dir, "example.com.zone", h.zone_text(ORIGIN, 4, body))
            primary.ok("zone-reload", ORIGIN)
            h.wait_for("the diff 3 -> 4 kept", lambda: re.search(
                r"serial 3 -> 4 \(1 diff", (axfr_records(primary.port, rdtype="IXFR=3"), primary.log())[1]))
        h.write(primary.dir, "example.com.zone", h.zone_text(ORIGIN, 5, body))
        with primary:
            self.assertRegex(primary.log(), r"IXFR journal \S+ ends at serial 4, the zone is at 5: not used")


class BigZoneUnderLoad(unittest.TestCase):
    def test_axfr_then_ixfrs_of_1000_changes_lose_nothing(self):
        records = int(os.environ.get("CANON_XFR_RECORDS", "50000"))
        seconds = 12
        secondary = h.Canond()
        primary = h.Canond()

        def version(serial):
            # Version s: host0..host999 point at 198.18.(s % 200).x; the rest never change.
            changed = "".join(f"host{i} 300 IN A 198.18.{serial % 200}.{i % 250}\n" for i in range(1000))
            rest = "".join(f"host{i} 300 IN A 198.19.{i // 250 % 250}.{i % 250}\n" for i in range(1000, records))
            return h.zone_text(ORIGIN, serial, changed + rest)

        zone = h.write(primary.dir, "example.com.zone", version(1))
        primary_config(primary, f'zone = ["{ORIGIN}={zone}"]\nallow-transfer = ["127.0.0.1/32"]\n'
                                f'notify = ["127.0.0.1:{secondary.port}"]\n')
        secondary_config(secondary, primary)
        queries = h.write(secondary.dir, "queries.txt", "".join(
            f"host{i}.{ORIGIN} A\n" for i in list(range(0, 1000, 7)) + list(range(1000, records, records // 300))))
        with primary, secondary:
            h.wait_for("the AXFR", lambda: secondary.serial(ORIGIN) == 1, 60)
            perf = h.dnsperf(secondary.port, queries, seconds, ["-Q", "5000"])
            for serial in (2, 3, 4):
                time.sleep(2)
                h.write(primary.dir, "example.com.zone", version(serial))
                primary.ok("zone-reload", ORIGIN)
                h.wait_for(f"serial {serial} on the secondary", lambda: secondary.serial(ORIGIN) == serial, 20)
            completed, lost, out = h.perf_result(perf, seconds)
            self.assertEqual(lost, 0, out)
            self.assertGreater(completed, seconds * 3000, out)
            self.assertRegex(out, r"NOERROR \d+ \(100\.00%\)")
            self.assertEqual(h.addresses(secondary.port, "host5." + ORIGIN), {"198.18.4.5"})
            for serial in (2, 3, 4):
                self.assertRegex(secondary.log(), rf"IXFR from 127\.0\.0\.1:\d+: serial {serial - 1} -> {serial}, "
                                                  rf"{records + 3} records \(2004 received")


if __name__ == "__main__":
    h.main()
