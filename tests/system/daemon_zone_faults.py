#!/usr/bin/env python3
"""A broken zone costs only itself; the config is read again on reload.

    daemon_zone_faults.py CANOND CANONCTL EXAMPLE_ZONES_DIR

At start-up a zone whose file has errors is named in the log (FILE:LINE),
listed failed and answered SERVFAIL (AA=0) while the others answer; canond
--check-config exits 1 on the same config. On SIGHUP and zone-reload a zone
whose new file has errors keeps its old data and serial (stale in
zone-status and /metrics, its failures counted) while the other zones
publish; fixing it clears stale. A CNAME into another zone follows that
zone's new version at once. SIGHUP and `canonctl reload` read the config
again: zones added, removed and moved, the log level, nsid, and settings that
need a restart named in one warning. Beside 2,000 small zones, swap.test is
reloaded 20 times under dnsperf: nothing lost, every new serial served.
"""
import math
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.edns  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rdatatype  # noqa: E402

from prometheus_samples import samples, value  # noqa: E402

PAUSE = 0.1  # seconds between two reloads of swap.test under dnsperf
BAD_LINE = "oops IN A 300.1.2.3\n"  # a syntax error: the line the log must name


def good(origin, serial, addr, extra=""):
    """A valid zone: www at addr."""
    return h.zone_text(origin, serial, f"www IN A {addr}\n" + extra)


def broken(origin, serial, addr):
    """(text, line of the error) of a zone with one syntax error in its middle."""
    head = good(origin, serial, addr)
    text = head + BAD_LINE + "mail IN A 192.0.2.99\n"
    return text, len(head.splitlines()) + 1


def config(d, zones, extra=""):
    """canond.toml text: d's admin socket, zones {origin: path}, extra lines."""
    listed = ", ".join(f'"{origin}={path}"' for origin, path in zones.items())
    return f'admin-socket = "{d.socket}"\nzone = [{listed}]\n{extra}'


def soa_serial(port, origin):
    r = h.query(port, origin, "SOA")
    rrs = [rr for rrset in r.answer if rrset.rdtype == dns.rdatatype.SOA for rr in rrset]
    return rrs[0].serial if rrs else None


def metrics(mport):
    with urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=10) as resp:
        return samples(resp.read().decode())


def log_mark(d):
    return os.path.getsize(d.logpath)


def log_since(d, mark):
    with open(d.logpath) as f:
        f.seek(mark)
        return f.read()


def zone_state(d, origin):
    return d.ok("zone-status", origin)["zone"]


def nsid(port, name):
    """The NSID canond answers with (bytes), None without one."""
    q = dns.message.make_query(name, "SOA", use_edns=0,
                               options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
    for opt in r.options:
        if opt.otype == dns.edns.NSID:
            return bytes(getattr(opt, "nsid", None) or opt.data)
    return None


class ZoneFaults(unittest.TestCase):
    def setUp(self):
        self.work = h.tempdir()

    def file(self, name, text):
        return h.write(self.work, name, text)

    def assert_answers(self, port, name, addr):
        k = h.kdig(port, name)
        self.assertEqual(k.rcode, "NOERROR", k)
        self.assertIn("aa", k.flags, k)
        self.assertEqual(k.rdata("ANSWER", "A", name + "."), [addr], k)

    def assert_servfail(self, port, name, rdtype="A"):
        k = h.kdig(port, name, rdtype)
        self.assertEqual(k.rcode, "SERVFAIL", k)
        self.assertNotIn("aa", k.flags, k)
        self.assertEqual(k.records("ANSWER"), [], k)

    def test_broken_zone_at_start_up(self):
        zones = {f"good{i}.test": self.file(f"good{i}.zone", good(f"good{i}.test.", 10 + i, f"192.0.2.{i}"))
                 for i in (1, 2, 3)}
        text, line = broken("broken.test.", 7, "192.0.2.9")
        zones["broken.test"] = self.file("broken.zone", text)
        where = f"{zones['broken.test']}:{line}:"
        mport = h.free_port()
        d = h.Canond(args=["--metrics", f"127.0.0.1:{mport}"])
        d.config = self.file("canond.toml", config(d, zones))
        with d:
            self.assertTrue(d.running())
            for i in (1, 2, 3):
                self.assert_answers(d.port, f"www.good{i}.test", f"192.0.2.{i}")
                self.assertEqual(soa_serial(d.port, f"good{i}.test"), 10 + i)
            for name, rdtype in (("www.broken.test", "A"), ("broken.test", "SOA"),
                                 ("nothere.broken.test", "A")):
                self.assert_servfail(d.port, name, rdtype)
            self.assertIn(where, d.log())
            z = zone_state(d, "broken.test")
            self.assertEqual((z["state"], z["stale"], z["serial"]), ("failed", True, None), z)
            self.assertIn(where, z["last_error"])
            self.assertGreaterEqual(z["load_failures"], 1, z)
            z = zone_state(d, "good2.test")
            self.assertEqual((z["state"], z["stale"], z["last_error"], z["serial"]),
                             ("served", False, "", 12), z)
            m = metrics(mport)
            self.assertEqual(value(m, "canon_zone_stale", None, zone="broken.test."), 1, m)
            self.assertEqual(value(m, "canon_zone_stale", None, zone="good1.test."), 0, m)
            check = subprocess.run([h.CANOND, "--config", d.config, "--check-config"],
                                   capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            self.assertEqual(check.returncode, 1, check)
            self.assertIn(where, check.stdout + check.stderr)

            # Fixed on disk, SIGHUP: served.
            self.file("broken.zone", good("broken.test.", 8, "192.0.2.8"))
            d.proc.send_signal(signal.SIGHUP)
            h.wait_for("broken.test served after the fix",
                       lambda: h.kdig(d.port, "www.broken.test").rcode == "NOERROR")
            self.assert_answers(d.port, "www.broken.test", "192.0.2.8")
            self.assertEqual(zone_state(d, "broken.test")["state"], "served")

    def test_broken_zone_at_reload(self):
        names = ("one", "two", "victim")
        paths = {f"{n}.test": self.file(f"{n}.zone", good(f"{n}.test.", 1, "192.0.2.1")) for n in names}
        mport = h.free_port()
        d = h.Canond(args=["--metrics", f"127.0.0.1:{mport}"])
        d.config = self.file("canond.toml", config(d, paths))

        def failures():
            return value(metrics(mport), "canon_zone_load_failures_total", None, zone="victim.test.")

        def assert_stale(where):
            self.assertEqual(soa_serial(d.port, "victim.test"), 1)
            self.assert_answers(d.port, "www.victim.test", "192.0.2.1")
            z = zone_state(d, "victim.test")
            self.assertEqual((z["state"], z["stale"], z["serial"]), ("stale", True, 1), z)
            self.assertIn(where, z["last_error"])
            self.assertEqual(value(metrics(mport), "canon_zone_stale", None, zone="victim.test."), 1)

        with d:
            self.assertEqual(failures(), 0)
            # SIGHUP: one and two take serial 2, victim's serial 2 is broken.
            self.file("one.zone", good("one.test.", 2, "192.0.2.2"))
            self.file("two.zone", good("two.test.", 2, "192.0.2.2"))
            text, line = broken("victim.test.", 2, "192.0.2.2")
            self.file("victim.zone", text)
            where = f"{paths['victim.test']}:{line}:"
            mark = log_mark(d)
            d.proc.send_signal(signal.SIGHUP)
            h.wait_for(f"the log names {where} after SIGHUP", lambda: where in log_since(d, mark))
            h.wait_for("one.test at serial 2", lambda: soa_serial(d.port, "one.test") == 2)
            self.assertTrue(d.running())
            self.assertEqual(soa_serial(d.port, "two.test"), 2)
            self.assert_answers(d.port, "www.two.test", "192.0.2.2")
            assert_stale(where)
            self.assertEqual(failures(), 1)

            # zone-reload of victim alone, broken elsewhere now; one.test's
            # edit on disk is not read.
            self.file("one.zone", good("one.test.", 3, "192.0.2.3"))
            head = good("victim.test.", 3, "192.0.2.3")
            self.file("victim.zone", head + "mail IN MX 10\n")
            where = f"{paths['victim.test']}:{len(head.splitlines()) + 1}:"
            r = d.ctl("zone-reload", "victim.test")
            self.assertEqual(r.rc, 1, r)
            self.assertIn(where, r.err)
            assert_stale(where)
            self.assertEqual(failures(), 2)
            self.assertEqual(soa_serial(d.port, "one.test"), 2)

            # Fixed: zone-reload serves it, stale clears, failures stay counted.
            self.file("victim.zone", good("victim.test.", 4, "192.0.2.4"))
            r = d.ctl("zone-reload", "victim.test")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(soa_serial(d.port, "victim.test"), 4)
            self.assert_answers(d.port, "www.victim.test", "192.0.2.4")
            z = zone_state(d, "victim.test")
            self.assertEqual((z["state"], z["stale"], z["last_error"], z["serial"]),
                             ("served", False, "", 4), z)
            self.assertEqual(value(metrics(mport), "canon_zone_stale", None, zone="victim.test."), 0)
            self.assertEqual(failures(), 2)

    def test_chain_into_a_replaced_zone(self):
        a = self.file("a.zone", h.zone_text("a.test.", 1, "www IN CNAME target.b.test.\n"))
        b = self.file("b.zone", good("b.test.", 1, "192.0.2.1", "target IN A 192.0.2.10\n"))
        with h.Canond(zones={"a.test": a, "b.test": b}) as d:
            for serial in range(1, 6):
                addr = f"192.0.2.{10 + serial - 1}"
                if serial > 1:
                    self.file("b.zone", good("b.test.", serial, "192.0.2.1", f"target IN A {addr}\n"))
                    r = d.ctl("zone-reload", "b.test")
                    self.assertEqual(r.rc, 0, r)
                k = h.kdig(d.port, "www.a.test")  # the very next query
                self.assertEqual(k.rcode, "NOERROR", k)
                self.assertIn("aa", k.flags, k)
                self.assertEqual(k.rdata("ANSWER", "CNAME", "www.a.test."), ["target.b.test."], k)
                self.assertEqual(k.rdata("ANSWER", "A", "target.b.test."), [addr], f"serial {serial}: {k}")
            self.assertEqual(d.serial("a.test."), 1)

    def test_config_read_again(self):
        keep = self.file("keep.zone", good("keep.test.", 1, "192.0.2.1"))
        gone = self.file("gone.zone", good("gone.test.", 1, "192.0.2.2"))
        moved1 = self.file("moved-1.zone", good("moved.test.", 1, "192.0.2.3"))
        moved2 = self.file("moved-2.zone", good("moved.test.", 2, "192.0.2.33"))
        added = self.file("added.zone", good("added.test.", 1, "192.0.2.4"))
        d = h.Canond()
        path = os.path.join(self.work, "canond.toml")

        def configure(zones, extra):
            h.write(self.work, "canond.toml", config(d, zones, extra))

        def assert_nsid(wanted, restart_needed, what):
            """nsid is applied at once (published with the zones), never
            named as needing a restart."""
            self.assertNotIn("nsid", restart_needed, what)
            self.assertEqual(nsid(d.port, "keep.test"), wanted, what)

        configure({"keep.test": keep, "gone.test": gone, "moved.test": moved1},
                  'log-level = "info"\nnsid = "canon-one"\n')
        d.config = path
        with d:
            self.assert_answers(d.port, "www.moved.test", "192.0.2.3")
            self.assertEqual(nsid(d.port, "keep.test"), b"canon-one")
            self.assertNotIn("admin: ", d.log(), "debug lines at log-level info")
            self.assertEqual(h.kdig(d.port, "www.added.test").rcode, "REFUSED")

            # SIGHUP: added.test in, gone.test out, moved.test from moved-2,
            # log level debug, nsid and workers changed.
            configure({"keep.test": keep, "moved.test": moved2, "added.test": added},
                      'log-level = "debug"\nnsid = "canon-two"\nworkers = 2\n')
            mark = log_mark(d)
            d.proc.send_signal(signal.SIGHUP)
            h.wait_for("added.test served after SIGHUP",
                       lambda: h.kdig(d.port, "www.added.test").rcode == "NOERROR")
            self.assertTrue(d.running())
            self.assert_answers(d.port, "www.added.test", "192.0.2.4")
            self.assertEqual(h.kdig(d.port, "www.gone.test").rcode, "REFUSED")
            self.assert_answers(d.port, "www.moved.test", "192.0.2.33")
            self.assertEqual(soa_serial(d.port, "moved.test"), 2)
            self.assertEqual(zone_state(d, "moved.test")["file"], moved2)
            self.assert_answers(d.port, "www.keep.test", "192.0.2.1")
            self.assertEqual(sorted(z["origin"] for z in d.ok("zone-list")["zones"]),
                             ["added.test.", "keep.test.", "moved.test."])
            log = log_since(d, mark)
            warning = re.findall(r"warning: reload: changed settings that need a restart "
                                 r"\(not applied\): (.*)", log)
            self.assertEqual(len(warning), 1, log)
            named = warning[0].split(", ")
            self.assertIn("workers", named, log)
            assert_nsid(b"canon-two", named, log)
            h.wait_for("a debug line for an admin command at log-level debug",
                       lambda: d.ctl("zone-list").rc == 0 and "debug: admin: " in log_since(d, mark))

            # canonctl reload: gone.test back, added.test out, moved.test to
            # a third file, log level warning, tcp-max-connections changed.
            moved3 = self.file("moved-3.zone", good("moved.test.", 3, "192.0.2.34"))
            gone = self.file("gone.zone", good("gone.test.", 2, "192.0.2.22"))
            configure({"keep.test": keep, "moved.test": moved3, "gone.test": gone},
                      'log-level = "warning"\nnsid = "canon-three"\nworkers = 2\n'
                      "tcp-max-connections = 64\n")
            mark = log_mark(d)
            reply = d.ok("reload")
            after = log_mark(d)
            self.assertEqual(reply["log_level"], "warning", reply)
            self.assertEqual(set(reply["restart_needed"]), {"workers", "tcp-max-connections"}, reply)
            self.assertIn("tcp-max-connections", reply["restart_warning"], reply)
            assert_nsid(b"canon-three", reply["restart_needed"], reply)
            self.assertEqual(h.kdig(d.port, "www.added.test").rcode, "REFUSED")
            self.assert_answers(d.port, "www.gone.test", "192.0.2.22")
            self.assert_answers(d.port, "www.moved.test", "192.0.2.34")
            self.assertEqual(soa_serial(d.port, "moved.test"), 3)
            self.assertIn("warning: reload: changed settings that need a restart (not applied): ",
                          log_since(d, mark))
            r = d.ctl("zone-reload", "keep.test")
            self.assertEqual(r.rc, 0, r)
            log = log_since(d, after)
            self.assertNotIn("info: ", log, "info lines at log-level warning")
            self.assertNotIn("debug: ", log, "debug lines at log-level warning")

    def test_swaps_beside_2000_zones(self):
        count, swaps = 2000, 20
        zdir = os.path.join(self.work, "zones")
        os.mkdir(zdir)
        zones = {}
        for i in range(1, count + 1):
            origin = f"z{i:06d}.test"
            zones[origin] = h.write(zdir, origin + ".zone",
                                    good(origin + ".", 1, f"198.18.{i >> 8}.{i & 0xff}"))
        versions = [(2026120100 + n, f"192.0.2.{100 + n % 2}") for n in range(swaps + 1)]
        swap = h.write(self.work, "swap.zone", good("swap.test.", *versions[0]))
        zones["swap.test"] = swap
        queries = [f"www.z{i:06d}.test A" for i in range(1, count + 1, count // 50)]
        queries += ["swap.test SOA", "www.swap.test A", "nothere.swap.test A"] * 5
        qfile = h.write(self.work, "queries.txt", "\n".join(queries) + "\n")
        # Sanitizer builds read a small zone file in ~20 ms: 2,000 of them on
        # two cores take longer than the harness's usual 20 s.
        d = h.Canond(start_seconds=120)
        d.config = self.file("canond.toml", config(d, zones))
        with d:
            self.assertEqual(len(d.ok("zone-list")["zones"]), count + 1)
            self.assert_answers(d.port, f"www.z{count:06d}.test", f"198.18.{count >> 8}.{count & 0xff}")
            self.assertEqual(soa_serial(d.port, "swap.test"), versions[0][0])
            # Two rounds of reload and queries timed unloaded size dnsperf's
            # run (ASan is slower): the 20 rounds and their pauses fit in it
            # with room to spare.
            took = []
            for _ in range(2):
                began = time.monotonic()
                r = d.ctl("zone-reload", "swap.test")
                self.assertEqual(r.rc, 0, r)
                self.assertEqual(soa_serial(d.port, "swap.test"), versions[0][0])
                self.assertEqual(h.addresses(d.port, "www.swap.test"), {versions[0][1]})
                took.append(time.monotonic() - began)
            seconds = min(40, max(5, math.ceil(3 + swaps * (PAUSE + 1.5 * min(took)))))
            perf = h.dnsperf(d.port, qfile, seconds, extra=["-Q", "3000"])
            time.sleep(0.5)  # under load before the first reload
            for n in range(1, swaps + 1):
                serial, addr = versions[n]
                h.write(self.work, "swap.zone", good("swap.test.", serial, addr))
                r = d.ctl("zone-reload", "swap.test")
                self.assertEqual(r.rc, 0, f"reload {n}: {r}")
                self.assertEqual(soa_serial(d.port, "swap.test"), serial, f"reload {n}")
                self.assertEqual(h.addresses(d.port, "www.swap.test"), {addr}, f"reload {n}")
                time.sleep(PAUSE)
            self.assertIsNone(perf.poll(), f"the reloads outlasted dnsperf's {seconds} s")
            completed, lost, out = h.perf_result(perf, seconds)
            self.assertGreater(completed, 1000, out)
            self.assertEqual(lost, 0, out)
            self.assertEqual(d.serial("swap.test."), versions[-1][0])


if __name__ == "__main__":
    h.main()
