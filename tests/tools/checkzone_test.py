#!/usr/bin/env python3
"""System test for canon-checkzone: what an operator sees and the exit status.

    checkzone_test.py /path/to/canon-checkzone

Each finding is one line
    FILE:LINE: error|warning: OWNER TYPE: message [check-id]
then one summary line
    ORIGIN[, ORIGIN...]: ok|refused, N error(s), M warning(s), R records in Z zone(s)
Exit status: 1 when any error, 0 otherwise (warnings allowed), 2 on bad usage.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

CHECKZONE = None  # set from argv in main

APEX = (
    "$TTL 3600\n"                                               # 1
    "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"  # 2
    "@ NS ns1\n"                                                # 3
    "ns1 A 192.0.2.53\n"                                        # 4
)

FINDING = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<severity>error|warning): "
    r"(?P<owner>\S+) (?P<type>[A-Z0-9]+): (?P<message>.+) \[(?P<check>[a-z-]+)\]$")
SUMMARY = re.compile(
    r"^(?P<zones>.+): (?P<verdict>ok|refused), (?P<errors>\d+) errors?, "
    r"(?P<warnings>\d+) warnings?, (?P<records>\d+) records? in (?P<count>\d+) zones?$")


class Run:
    """One canon-checkzone run: exit status, findings and the summary."""

    def __init__(self, args, cwd):
        proc = subprocess.run([CHECKZONE, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
        self.status = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.lines = proc.stdout.splitlines()
        self.findings = []
        self.summary = None
        self.unparsed = []
        for line in self.lines:
            if m := FINDING.match(line):
                self.findings.append(m.groupdict())
            elif m := SUMMARY.match(line):
                self.summary = m.groupdict()
            else:
                self.unparsed.append(line)

    def of(self, check):
        return [f for f in self.findings if f["check"] == check]


class CheckzoneTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="canon-checkzone-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        return name  # relative: runs use cwd=self.dir, so FILE is printed as given

    def run_checkzone(self, *args):
        run = Run(list(args), self.dir)
        self.assertEqual(run.unparsed, [], f"lines in neither format:\n{run.stdout}")
        return run

    def assert_finding(self, run, file, line, severity, owner, rtype, check, mentions=()):
        """Exactly one finding of `check`, at FILE:LINE, with OWNER and TYPE."""
        hits = run.of(check)
        self.assertEqual(len(hits), 1, f"[{check}] findings in:\n{run.stdout}")
        f = hits[0]
        self.assertEqual((f["file"], int(f["line"]), f["severity"], f["owner"], f["type"]),
                         (file, line, severity, owner, rtype), run.stdout)
        for text in mentions:
            self.assertIn(text, f["message"])

    def assert_summary(self, run, zones, errors, warnings, records, count):
        self.assertIsNotNone(run.summary, run.stdout)
        self.assertEqual(run.lines[-1], run.lines[-1].strip())
        self.assertTrue(SUMMARY.match(run.lines[-1]), "the summary is the last line")
        s = run.summary
        self.assertEqual(s["zones"], zones)
        self.assertEqual(s["verdict"], "refused" if errors else "ok")
        self.assertEqual((int(s["errors"]), int(s["warnings"])), (errors, warnings), run.stdout)
        self.assertEqual(int(s["records"]), records)
        self.assertEqual(int(s["count"]), count)
        # The counts agree with the lines printed.
        printed = [f["severity"] for f in run.findings]
        self.assertEqual((printed.count("error"), printed.count("warning")), (errors, warnings))

    # ---- the classic mistakes -------------------------------------------------------

    def test_cname_loop(self):
        z = self.write("example.com.zone", APEX +
                       "foo.example.com. CNAME bar.example.com.\n"    # 5
                       "bar.example.com. CNAME foo.example.com.\n")   # 6
        run = self.run_checkzone("example.com", z)
        loops = run.of("cname-loop")
        self.assertEqual([(f["file"], int(f["line"]), f["severity"], f["owner"], f["type"]) for f in loops],
                         [(z, 5, "warning", "foo.example.com.", "CNAME"),
                          (z, 6, "warning", "bar.example.com.", "CNAME")], run.stdout)
        self.assertIn("bar.example.com.", loops[0]["message"])
        self.assertEqual(run.status, 0)
        self.assert_summary(run, "example.com.", 0, 2, 5, 1)

    def test_mx_pointing_at_an_alias(self):
        z = self.write("example.com.zone", APEX +
                       "example.com. MX 0 foo.example.com.\n"        # 5
                       "foo.example.com. CNAME host.example.com.\n"
                       "host.example.com. A 192.0.2.1\n")
        run = self.run_checkzone("example.com", z)
        self.assert_finding(run, z, 5, "warning", "example.com.", "MX", "target-is-alias",
                            mentions=["foo.example.com."])
        self.assertEqual(run.status, 0, "warnings alone must not fail the check")
        self.assert_summary(run, "example.com.", 0, 1, 6, 1)

    def test_cname_at_the_apex(self):
        z = self.write("example.com.zone", APEX + "@ CNAME www.example.net.\n")  # 5
        run = self.run_checkzone("example.com", z)
        self.assert_finding(run, z, 5, "error", "example.com.", "CNAME", "cname-apex")
        self.assertEqual(run.status, 1)
        self.assertEqual(run.summary["verdict"], "refused")

    def test_cname_and_other_data(self):
        z = self.write("example.com.zone", APEX +
                       "www CNAME host\n"        # 5
                       "www A 192.0.2.1\n"       # 6
                       "host A 192.0.2.2\n")
        run = self.run_checkzone("example.com", z)
        self.assert_finding(run, z, 5, "error", "www.example.com.", "CNAME", "cname-and-other",
                            mentions=["line 6"])
        self.assertEqual(run.status, 1)
        self.assert_summary(run, "example.com.", 1, 0, 6, 1)

    def test_cname_to_an_ip_address(self):
        z = self.write("example.com.zone", APEX + "www CNAME 192.0.2.7\n")  # 5
        run = self.run_checkzone("example.com", z)
        self.assert_finding(run, z, 5, "warning", "www.example.com.", "CNAME", "alias-target-ip",
                            mentions=["192.0.2.7"])
        self.assertEqual(run.status, 0)
        self.assert_summary(run, "example.com.", 0, 1, 4, 1)

    # ---- several zones -----------------------------------------------------------------

    def test_loop_across_two_zones(self):
        com = self.write("com.zone", APEX + "a CNAME b.example.net.\n")   # 5
        net = self.write("net.zone", APEX + "b CNAME a.example.com.\n")   # 5
        for alone in (("example.com", com), ("example.net", net)):
            run = self.run_checkzone(*alone)
            self.assertEqual(run.of("cname-loop"), [], f"no loop in one zone alone:\n{run.stdout}")
        run = self.run_checkzone("example.com", com, "example.net", net)
        loops = sorted((f["file"], int(f["line"]), f["owner"]) for f in run.of("cname-loop"))
        self.assertEqual(loops, [(com, 5, "a.example.com."), (net, 5, "b.example.net.")], run.stdout)
        self.assertEqual(run.status, 0)
        self.assert_summary(run, "example.com., example.net.", 0, 2, 8, 2)

    def test_clean_zone(self):
        z = self.write("example.com.zone", APEX + "www A 192.0.2.1\n@ MX 10 www\n")
        run = self.run_checkzone("example.com.", z)
        self.assertEqual(run.findings, [])
        self.assertEqual(run.lines, [run.lines[-1]], "only the summary")
        self.assertEqual(run.status, 0)
        self.assert_summary(run, "example.com.", 0, 0, 5, 1)

    def test_missing_file(self):
        run = Run(["example.com", "nothere.zone"], self.dir)
        self.assertEqual(run.status, 1)
        self.assertTrue(any(line.startswith("nothere.zone: error: ") and line.endswith("[file]")
                            for line in run.lines), run.stdout)

    # ---- limits -------------------------------------------------------------------------

    def test_rrset_over_max_rrset_records(self):
        z = self.write("example.com.zone", APEX + "".join(f"www A 192.0.2.{i}\n" for i in range(1, 5)))
        self.assertEqual(self.run_checkzone("--max-rrset-records", "4", "example.com", z).status, 0)
        run = self.run_checkzone("--max-rrset-records", "3", "example.com", z)
        self.assertEqual(run.status, 1)
        self.assert_finding(run, z, 5, "error", "www.example.com.", "A", "limit",
                            ["RRset has 4 records, more than the 3 allowed"])
        self.assert_summary(run, "example.com.", 1, 0, 7, 1)

    def test_zone_over_max_zone_records_stops_reading(self):
        z = self.write("example.com.zone", APEX + "$GENERATE 1-500 h$ A 192.0.2.1\n")
        run = Run(["--max-zone-records", "100", "example.com", z], self.dir)
        self.assertEqual(run.status, 1)
        want = (f"{z}:5: error: zone example.com. has more than 100 records (max-zone-records); "
                "the rest of the file is not read [limit]")
        self.assertIn(want, run.lines, run.stdout)
        self.assertEqual(int(run.summary["records"]), 100, "reading stops at the limit")

    def test_bad_limit_values_exit_2(self):
        z = self.write("example.com.zone", APEX)
        for args in (["--max-rrset-records"], ["--max-rrset-records", "0"], ["--max-rrset-records", "65536"],
                     ["--max-zone-records", "-5"], ["--max-zone-records", "ten"]):
            with self.subTest(args=args):
                run = Run(args + ["example.com", z], self.dir)
                self.assertEqual(run.status, 2, run.stdout + run.stderr)
                self.assertIn("needs a number from 1 to", run.stderr)

    def test_quiet_prints_only_errors(self):
        z = self.write("example.com.zone", APEX +
                       "www CNAME 192.0.2.7\n"                     # 5: warning
                       "dup A 192.0.2.1\ndup A 192.0.2.1\n"         # 7: warning
                       "bad CNAME x\nbad TXT \"y\"\n")             # 8: error
        run = self.run_checkzone("--quiet", "example.com", z)
        self.assertEqual([(f["severity"], int(f["line"])) for f in run.findings], [("error", 8)], run.stdout)
        self.assertEqual(run.status, 1)
        self.assertEqual((int(run.summary["errors"]), int(run.summary["warnings"])), (1, 2))

    # ---- $INCLUDE ------------------------------------------------------------------------

    def test_include_base(self):
        # A layout written for BIND or NSD: $INCLUDE paths relative to the
        # folder the server runs in (here base/), not to the zone file's.
        for folder in ("zones", "base/sub"):
            os.makedirs(os.path.join(self.dir, folder))
        z = self.write("zones/example.com.zone", APEX + "$INCLUDE sub/x.inc\n")
        self.write("base/sub/x.inc", "www A 192.0.2.1\n")
        run = Run(["example.com", z], self.dir)
        self.assertEqual(run.status, 1)
        self.assertTrue(any(line.startswith(f"{z}:5: error: cannot read zone file 'zones/sub/x.inc'")
                            for line in run.lines), run.stdout)
        run = self.run_checkzone("--include-base", "base", "example.com", z)
        self.assertEqual(run.status, 0, run.stdout)
        self.assert_summary(run, "example.com.", 0, 0, 4, 1)
        self.assertEqual(Run(["--include-base"], self.dir).status, 2)

    # ---- usage ---------------------------------------------------------------------------

    def test_bad_usage_exits_2(self):
        z = self.write("example.com.zone", APEX)
        for args in ([], ["example.com"], ["example.com", z, "example.net"], ["--bogus", "example.com", z],
                     ["a..b", z]):
            with self.subTest(args=args):
                run = Run(args, self.dir)
                self.assertEqual(run.status, 2, run.stdout + run.stderr)
                self.assertNotEqual(run.stderr, "", "bad usage says why on stderr")
                self.assertIsNone(run.summary)

    def test_help_exits_0(self):
        run = Run(["--help"], self.dir)
        self.assertEqual(run.status, 0)
        self.assertIn("usage:", run.stdout)


def main():
    global CHECKZONE
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    CHECKZONE = os.path.abspath(sys.argv.pop(1))
    if not os.access(CHECKZONE, os.X_OK):
        print(f"not an executable: {CHECKZONE}", file=sys.stderr)
        return 1
    result = unittest.main(exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
