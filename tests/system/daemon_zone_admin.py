#!/usr/bin/env python3
"""Zone administration through canonctl and SIGHUP.

    daemon_zone_admin.py CANOND CANONCTL EXAMPLE_ZONES_DIR

A broken zone is refused (exit 1, FILE:LINE: on stderr) and the old data
stays served at the same generation; zone-check reports without publishing;
zone-reload and SIGHUP serve a file edited on disk; zone-drop makes a zone
REFUSED; SIGHUP with a broken file logs FILE:LINE and keeps the old data.
"""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

FOO = "foo             IN A     192.0.2.23"  # the line of example.com we change
SERIAL = "2026112201"


def edit(text, old, new):
    assert text.count(old) == 1, f"{old!r} is not once in the zone"
    return text.replace(old, new)


def line_of(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


class ZoneAdmin(unittest.TestCase):
    def setUp(self):
        self.work = h.tempdir()
        self.com_text = h.read(h.example("example.com"))
        self.com = h.write(self.work, "example.com.zone", self.com_text)
        self.net = h.write(self.work, "example.net.zone", h.read(h.example("example.net")))
        self.zones = {"example.com": self.com, "example.net": self.net}

    def version(self, addr, serial):
        """example.com with foo at addr and the given serial."""
        return edit(edit(self.com_text, FOO, f"foo IN A {addr}"), SERIAL, str(serial))

    def assert_served(self, d, addr, serial):
        self.assertEqual(h.addresses(d.port, "foo.example.com"), {addr})
        self.assertEqual(d.serial("example.com."), serial)

    def assert_finding(self, r, path, lines, check=None):
        """stderr names FILE:LINE: for one of lines (and the check id)."""
        name = re.escape(os.path.basename(path))
        pattern = rf"{name}:({'|'.join(map(str, lines))}): error:"
        self.assertRegex(r.err, pattern, r)
        if check:
            self.assertIn(f"[{check}]", r.err, r)

    def broken_files(self):
        """(path, lines the finding may name, check id) of two broken example.com's
        that would also change foo's address."""
        text = self.version("192.0.2.99", 2026112299)
        syntax = text + "broken IN A 300.1.2.3\n"
        syntax_line = len(syntax.splitlines())
        both = edit(text, "bar             IN CNAME foo",
                    "bar             IN CNAME foo\nbar IN TXT \"other data\"")
        cname_lines = [line_of(both, "bar             IN CNAME"), line_of(both, 'bar IN TXT "other')]
        return [(h.write(self.work, "syntax.zone", syntax), [syntax_line], None),
                (h.write(self.work, "cname.zone", both), cname_lines, "cname-and-other")]

    def test_broken_zone_is_refused(self):
        with h.Canond(zones=self.zones) as d:
            gen = d.generation()
            for path, lines, check in self.broken_files():
                r = d.ctl("zone-load", f"example.com={path}")
                self.assertEqual(r.rc, 1, r)
                self.assert_finding(r, path, lines, check)
                self.assert_served(d, "192.0.2.23", int(SERIAL))
                self.assertEqual(d.generation(), gen, "a refused zone-load published")

    def test_zone_over_its_limits_is_refused(self):
        """max-zone-records and max-rrset-records (config file): a zone-load
        over either is refused at FILE:LINE [limit]; the old data stays."""
        d = h.Canond(zones=self.zones)
        d.config = h.write(self.work, "canond.toml", f'admin-socket = "{d.socket}"\n'
                           "max-zone-records = 60\nmax-rrset-records = 4\n")
        with d:
            gen = d.generation()
            text = self.version("192.0.2.99", 2026112299)
            big_set = text + "".join(f"many IN A 192.0.2.{i}\n" for i in range(1, 6))
            first_many = line_of(big_set, "many IN A 192.0.2.1")
            generated = text + "$GENERATE 1-100 host$ IN A 192.0.2.7\n"
            cases = [(h.write(self.work, "big-set.zone", big_set), [first_many], "RRset has 5 records"),
                     (h.write(self.work, "generated.zone", generated), [len(generated.splitlines())],
                      "has more than 60 records")]
            for path, lines, message in cases:
                r = d.ctl("zone-load", f"example.com={path}")
                self.assertEqual(r.rc, 1, r)
                self.assert_finding(r, path, lines, "limit")
                self.assertIn(message, r.err, r)
                self.assert_served(d, "192.0.2.23", int(SERIAL))
                self.assertEqual(d.generation(), gen, "a refused zone-load published")
            at_limit = h.write(self.work, "at-limit.zone", text + "".join(
                f"many IN A 192.0.2.{i}\n" for i in range(1, 5)))
            r = d.ctl("zone-load", f"example.com={at_limit}")
            self.assertEqual(r.rc, 0, r)
            self.assert_served(d, "192.0.2.99", 2026112299)
            self.assertEqual(h.addresses(d.port, "many.example.com"), {f"192.0.2.{i}" for i in range(1, 5)})

    def test_include_base(self):
        """include-base (config file): relative $INCLUDE paths are read from
        that folder, as BIND and NSD read them from theirs, not beside the zone."""
        base = os.path.join(self.work, "base")
        os.makedirs(os.path.join(base, "sub"))
        h.write(base, "sub/x.inc", "foo IN A 192.0.2.77\n")
        text = edit(edit(self.com_text, FOO, "$INCLUDE sub/x.inc"), SERIAL, "2026112277")
        zone = h.write(self.work, "included.zone", text)
        d = h.Canond(zones=self.zones)
        d.config = h.write(self.work, "canond.toml",
                           f'admin-socket = "{d.socket}"\ninclude-base = "{base}"\n')
        with d:
            r = d.ctl("zone-load", f"example.com={zone}")
            self.assertEqual(r.rc, 0, r)
            self.assert_served(d, "192.0.2.77", 2026112277)

    def test_zone_check_publishes_nothing(self):
        with h.Canond(zones=self.zones) as d:
            gen = d.generation()
            for path, lines, check in self.broken_files():
                r = d.ctl("zone-check", f"example.com={path}")
                self.assertEqual(r.rc, 1, r)
                self.assert_finding(r, path, lines, check)
            good = h.write(self.work, "good.zone", self.version("192.0.2.24", 2026112202))
            r = d.ctl("zone-check", f"example.com={good}")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(d.generation(), gen, "zone-check published")
            self.assert_served(d, "192.0.2.23", int(SERIAL))

    def test_reload_sighup_drop(self):
        with h.Canond(zones=self.zones) as d:
            gen = d.generation()
            h.write(self.work, "example.com.zone", self.version("192.0.2.24", 2026112202))
            r = d.ctl("zone-reload", "example.com")
            self.assertEqual(r.rc, 0, r)
            self.assert_served(d, "192.0.2.24", 2026112202)
            self.assertEqual(d.generation(), gen + 1)

            h.write(self.work, "example.com.zone", self.version("192.0.2.25", 2026112203))
            d.proc.send_signal(signal.SIGHUP)
            h.wait_for("foo.example.com served as 192.0.2.25 after SIGHUP",
                       lambda: h.addresses(d.port, "foo.example.com") == {"192.0.2.25"})
            self.assertTrue(d.running(), "canond exited on SIGHUP")
            self.assertEqual(d.serial("example.com."), 2026112203)

            self.assertEqual(h.kdig(d.port, "edge.example.net").rcode, "NOERROR")
            r = d.ctl("zone-drop", "example.net")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(h.kdig(d.port, "edge.example.net").rcode, "REFUSED")
            self.assertEqual([z["origin"] for z in d.status()["zones"]], ["example.com."])
            self.assertEqual(h.addresses(d.port, "foo.example.com"), {"192.0.2.25"})

            # A broken file on SIGHUP: the log names FILE:LINE, the old data
            # stays and the zone is listed stale. SIGHUP reads the command
            # line again, so example.net (dropped, but still given with
            # --zone) is served again in the same publish.
            gen = d.generation()
            broken = self.version("192.0.2.26", 2026112204) + "broken IN A 300.1.2.3\n"
            h.write(self.work, "example.com.zone", broken)
            d.proc.send_signal(signal.SIGHUP)
            where = f"example.com.zone:{len(broken.splitlines())}:"
            h.wait_for(f"the log names {where} after SIGHUP", lambda: where in d.log())
            h.wait_for("generation moves once", lambda: d.generation() == gen + 1)
            self.assertTrue(d.running(), "canond exited on SIGHUP with a broken zone")
            self.assert_served(d, "192.0.2.25", 2026112203)
            self.assertEqual(h.kdig(d.port, "edge.example.net").rcode, "NOERROR")
            com = [z for z in d.status()["zones"] if z["origin"] == "example.com."][0]
            self.assertEqual(com["state"], "stale", com)
            self.assertIn(where, com["last_error"])

    def test_other_zones_stay_as_served(self):
        """zone-load and zone-drop of one zone do not re-read the others' files:
        an edit on disk is served only after zone-reload or SIGHUP."""
        new = h.write(self.work, "new.test.zone", h.zone_text("new.test.", 1, "www IN A 192.0.2.7\n"))
        with h.Canond(zones=self.zones) as d:
            h.write(self.work, "example.com.zone", self.version("192.0.2.24", 2026112202))
            r = d.ctl("zone-load", f"new.test={new}")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(h.addresses(d.port, "www.new.test"), {"192.0.2.7"})
            self.assert_served(d, "192.0.2.23", int(SERIAL))

            h.write(self.work, "example.com.zone", self.com_text + "broken IN A 300.1.2.3\n")
            r = d.ctl("zone-drop", "example.net")
            self.assertEqual(r.rc, 0, f"zone-drop example.net refused for example.com's file: {r}")
            self.assertEqual(h.kdig(d.port, "edge.example.net").rcode, "REFUSED")
            self.assert_served(d, "192.0.2.23", int(SERIAL))


if __name__ == "__main__":
    h.main()
