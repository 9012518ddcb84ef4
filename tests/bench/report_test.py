#!/usr/bin/env python3
"""bench/suite/report.py renders its synthetic fixture and partial results.

    report_test.py /path/to/bench/suite/report.py /path/to/bench/suite/example_results.json

Checks: every section is there; two summary ratios computed by hand; the
target the fixture misses says NOT met, the one it meets says met; the plots
exist, are PNG and are linked by relative paths; every markdown table has as
many cells per row as its header; results with empty lists, a null dpdk or no
keys at all render with "not measured", and an earlier run's plot that this
run cannot draw is removed; the DPDK figures say whether they were measured
in this run or come from an earlier one. Skips (77) without matplotlib.
"""
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

REPORT = None
EXAMPLE = None

SECTIONS = [
    "## Summary",
    "### Where canon is behind",
    "### Targets (issue 8)",
    "## Instructions per answer",
    "## Queries per second",
    "## CPU per answered query at a fixed offered rate",
    "## Latency",
    "## Zone load time and memory",
    "## resperf: highest rate before loss",
    "## DPDK",
    "## Skipped",
]
PLOTS = ["qps_vs_size.png", "qps_vs_chain.png", "latency_cdf.png", "instructions.png"]


def render(data_or_path, tmp):
    path = data_or_path
    if not isinstance(data_or_path, str):
        path = os.path.join(tmp, "results.json")
        with open(path, "w") as f:
            json.dump(data_or_path, f)
    out = os.path.join(tmp, "out", "REPORT.md")
    plots = os.path.join(tmp, "out", "plots")
    proc = subprocess.run([sys.executable, REPORT, path, "--out", out, "--plots", plots],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"report.py exit {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    with open(out) as f:
        return f.read(), out, plots


def table_after(text, heading):
    """Rows (lists of cells) of the first table after a heading line."""
    lines = text.split(heading, 1)[1].splitlines()
    rows, started = [], False
    for line in lines:
        if line.startswith("|"):
            started = True
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
        elif started:
            break
    return rows


def section(text, heading):
    """Text from a heading to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    body = text.split(heading + "\n", 1)[1]
    stop = re.search(rf"^#{{1,{len(level)}}} ", body, re.M)
    return body[:stop.start()] if stop else body


class Example(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.text, cls.out, cls.plots = render(EXAMPLE, cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_section(self):
        for heading in SECTIONS:
            self.assertIn("\n" + heading + "\n", self.text, heading)
        self.assertIn("SYNTHETIC EXAMPLE", self.text.split("## Summary")[0])

    def test_summary_ratios(self):
        rows = table_after(self.text, "## Summary")
        head, body = rows[0], {r[0]: r for r in rows[2:]}
        instr = head.index("instructions/answer")
        qps = head.index("qps")
        # a_hit at 100K: knotd 5,960 ÷ canond 830 instructions = 7.18
        self.assertEqual(body["a_hit"][1], "100K")
        self.assertEqual(body["a_hit"][instr], "830")
        self.assertEqual(body["a_hit"][instr + 1], "7.18")
        # nxdomain20 at 100K: canond 160,700 qps ÷ nsd 171,300 = 0.94 (canond behind)
        self.assertEqual(head[qps + 2], "canond ÷ nsd")
        self.assertEqual(body["nxdomain20"][qps], "160,700")
        self.assertEqual(body["nxdomain20"][qps + 2], "0.94")
        # a generator-bound cell is marked
        self.assertTrue(body["case0x20"][qps].endswith("‡"))

    def test_behind_list(self):
        behind = section(self.text, "### Where canon is behind")
        self.assertIn("qps, nxdomain20 at 100K names: canond 160,700, nsd 171,300", behind)
        self.assertIn("p99 latency, a_hit at 100K names", behind)
        items = [l for l in behind.splitlines() if l.startswith("- ")]
        self.assertEqual(len(items), 5, behind)
        # knotd is behind canond everywhere but in memory for the 1K-name zone
        self.assertEqual([l for l in items if "knotd" in l],
                         ["- RSS after loading, 1K-name zone: canond 23.9 MiB, knotd 20.8 MiB "
                          "(canond needs 15.0 % more; knotd ÷ canond 0.87)"])

    def test_targets(self):
        targets = section(self.text, "### Targets (issue 8)")
        lines = [l for l in targets.splitlines() if l.startswith("- ")]
        self.assertEqual(len(lines), 3, targets)
        instr, qps, chain = lines
        self.assertTrue(instr.startswith("- **NOT met** — canond needs ≥ 10× fewer instructions"), instr)
        self.assertIn("lowest nsd ÷ canond = 2.9 (mx at 100K)", instr)
        self.assertTrue(qps.startswith("- **NOT met**"), qps)
        self.assertIn("nxdomain20@100K: canond 160,700 vs nsd 171,300", qps)
        # a_hit@1K, a_hit@10K, case0x20@100K: canond generator-bound, above peers that were not
        self.assertIn("ahead on 10 (a generator-bound canond counts as ahead", qps)
        self.assertNotIn("not resolvable", qps)
        self.assertTrue(chain.startswith("- **met**"), chain)
        self.assertIn("chain8 ÷ a_hit = 0.927", chain)
        with open(EXAMPLE) as f:
            cost = {(r["server"], r["workload"]): r["per_answer"] for r in json.load(f)["instructions"]
                    if r["size"] == 100000}
        growth = cost[("knotd", "chain8")] / cost[("knotd", "a_hit")]
        self.assertIn(f"chain8 ÷ a_hit (not the target's measure, but one the generator cannot blur): at 100K: "
                      f"canond {cost[('canond', 'chain8')] / cost[('canond', 'a_hit')]:.2f}, knotd {growth:.2f}", chain)

    def test_dpdk_provenance(self):
        # the fixture: memif measured in this run, veth failed (an earlier run's figures shown)
        dpdk = section(self.text, "## DPDK")
        self.assertIn("- **memif, bench/dpdk-memif**: measured in this run (bench/results/dpdk-memif.md, "
                      "run 2026-11-23 10:15 UTC, commit 1a2b3c4).", dpdk)
        self.assertIn("- **veth, bench/dpdk-veth**: failed in this run (exit 1: no variant could start); the "
                      "figures are from an earlier run (2026-11-22 08:56 UTC, commit 42e1fcc, "
                      "bench/results/dpdk-veth.md).", dpdk)
        rows = {r[0]: r for r in table_after(self.text, "## DPDK")[2:]}
        self.assertEqual(rows["canond over memif, answered qps"][1:], ["2,789,000", "this run"])
        self.assertEqual(rows["canond ÷ testpmd (memif rate as a fraction of testpmd's on the same link)"][1], "0.56")
        self.assertIn("veth pair, kxdpgun from a network namespace (earlier run (2026-11-22 08:56 UTC, commit "
                      "42e1fcc), median of 3 round(s))", dpdk)
        veth = {r[0]: r for r in table_after(self.text, "| variant | answered qps, full offered rate")[1:]}
        self.assertEqual(veth["canond DPDK net_af_xdp"][1:], ["409,511", "399,927", "1.79"])
        self.assertEqual(veth["knotd XDP"][1:], ["228,407", "200,000", "1.00"])
        self.assertEqual(veth["knotd kernel UDP"][1:], ["128,391", "49,999", "0.56"])
        self.assertIn("veth workload: the suite's zone of 100,000 names", dpdk)
        skipped = section(self.text, "## Skipped")
        self.assertIn("veth qps (bench/dpdk-veth) | failed: exit 1: no variant could start", skipped)

    def test_plots(self):
        for name in PLOTS:
            path = os.path.join(self.plots, name)
            self.assertTrue(os.path.isfile(path), path)
            self.assertGreater(os.path.getsize(path), 1000, path)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", path)
            self.assertIn(f"](plots/{name})", self.text)
        for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", self.text):
            self.assertFalse(os.path.isabs(link), link)
            self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(self.out), link)), link)

    def test_tables_well_formed(self):
        width = None
        for n, line in enumerate(self.text.splitlines(), 1):
            if not line.startswith("|"):
                width = None
                continue
            cells = len(re.split(r"(?<!\\)\|", line)) - 2
            if width is None:
                width = cells
            self.assertEqual(cells, width, f"line {n}: {line}")


class Partial(unittest.TestCase):
    def test_empty_lists_and_null_dpdk(self):
        with open(EXAMPLE) as f:
            data = json.load(f)
        data["meta"]["mode"] = "quick"
        for key in ("instructions", "cpu", "latency", "zones", "resperf", "skipped"):
            data[key] = []
        data["dpdk"] = None
        data["qps"] = [r for r in data["qps"] if r["workload"] == "a_hit"]
        data["qps"].append({"server": "knotd-xdp", "workload": "a_hit", "size": 100000, "runs": [1],
                            "median": 1, "min": 1, "max": 1, "lost": [0], "generator_bound": False,
                            "generator_cpu": [0.5]})
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "out", "plots"))
            with open(os.path.join(tmp, "out", "plots", "latency_cdf.png"), "wb") as f:
                f.write(b"an earlier run's plot")   # removed: this run has no latency
            text, _, plots = render(data, tmp)
            self.assertIn("QUICK RUN", text.split("## Summary")[0])
            for heading in ("## Instructions per answer", "## CPU per answered query at a fixed offered rate",
                            "## Latency", "## Zone load time and memory", "## resperf: highest rate before loss",
                            "## DPDK"):
                self.assertIn("Not measured in this run.", section(text, heading), heading)
            self.assertIn("Nothing was skipped", section(text, "## Skipped"))
            head = table_after(text, "## Queries per second")[0]   # a server not in "servers" gets columns
            self.assertIn("knotd-xdp", head)
            self.assertIn("canond ÷ knotd-xdp", head)
            self.assertTrue(os.path.isfile(os.path.join(plots, "qps_vs_size.png")))
            self.assertFalse(os.path.exists(os.path.join(plots, "latency_cdf.png")))
            self.assertNotIn("latency_cdf.png", text)
            targets = section(text, "### Targets (issue 8)")
            self.assertIn("**not resolvable** — canond needs ≥ 10×", targets)   # no instructions at all

    def test_qps_rows_the_generator_cannot_rank(self):
        # canond generator-bound below nsd: a floor under a higher figure ranks nothing;
        # canond not generator-bound below knotd: behind, whatever bound knotd
        with open(EXAMPLE) as f:
            data = json.load(f)
        for r in data["qps"]:
            if (r["workload"], r["size"]) == ("a_hit", 1000):
                r["median"] = {"canond": 150000, "knotd": 139800, "nsd": 152300}[r["server"]]
            if (r["workload"], r["size"]) == ("a_hit", 10000):
                r["median"] = {"canond": 140000, "knotd": 149000, "nsd": 120000}[r["server"]]
                r["generator_bound"] = r["server"] == "knotd"
        with tempfile.TemporaryDirectory() as tmp:
            text, _, _ = render(data, tmp)
        qps = [l for l in section(text, "### Targets (issue 8)").splitlines() if "median qps ahead" in l][0]
        self.assertIn("not resolvable (generator-bound cells) on 1: a_hit@1K (canond)", qps)
        self.assertIn("a_hit@10K: canond 140,000 vs knotd 149,000", qps)
        self.assertIn("ahead on 8 ", qps)

    def test_dpdk_without_provenance(self):
        # results written before bench/run ran the DPDK benchmarks: a source line, no provenance
        with open(EXAMPLE) as f:
            data = json.load(f)
        del data["dpdk"]["provenance"]
        data["dpdk"]["source"] = "parsed from the last committed results, not rerun by the suite"
        with tempfile.TemporaryDirectory() as tmp:
            text, _, _ = render(data, tmp)
            dpdk = section(text, "## DPDK")
            self.assertIn("Source: parsed from the last committed results", dpdk)
            rows = {r[0]: r for r in table_after(text, "## DPDK")[2:]}
            self.assertEqual(rows["canond over memif, answered qps"][1:], ["2,789,000", "-"])

    def test_nothing_at_all(self):
        with tempfile.TemporaryDirectory() as tmp:
            text, _, plots = render({}, tmp)
            for heading in SECTIONS[:1] + SECTIONS[3:]:
                self.assertIn(heading, text)
            self.assertIn("Not measured in this run.", section(text, "## Summary"))
            self.assertEqual([f for f in os.listdir(plots) if f.endswith(".png")], [])

    def test_unreadable_results(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, REPORT, os.path.join(tmp, "absent.json"), "--out",
                                   os.path.join(tmp, "R.md"), "--plots", tmp], capture_output=True, text=True)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("cannot read", proc.stderr)


def main():
    global REPORT, EXAMPLE
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    REPORT, EXAMPLE = sys.argv[1], sys.argv[2]
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        print(f"SKIP: {sys.executable} cannot import matplotlib (apt-get install python3-matplotlib)")
        return 77
    prog = unittest.main(argv=[sys.argv[0], "-v"], exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
