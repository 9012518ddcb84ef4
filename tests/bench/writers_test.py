#!/usr/bin/env python3
"""The report writers of bench/suite on small synthetic inputs (seconds, no servers).

    writers_test.py /path/to/bench/suite

daemon_report.py (bench/daemon's and bench/swap-latency's sections of
daemon.md: each rewrites its own section and keeps the other; the figures are
the inputs' quotients), veth_report.py (bench/dpdk-veth's report from a raw
directory: answered qps, the ratio to knotd's XDP mode, the same-answers
table), zones_report.py (bench/run --zones: the peers' load time and memory
from the recorded key=value lines, with an empty Google Benchmark file). Every markdown table has as many cells per
row as its header.
"""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SUITE = None


def scratch(test, what):
    d = tempfile.mkdtemp(prefix=f"writers-test-{what}-")
    test.addCleanup(shutil.rmtree, d, ignore_errors=True)
    return d


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def table_rows_match(test, text):
    """Every markdown table: as many cells per row as its header."""
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line.strip())) - 1
        if header is None:
            header = cells
        else:
            test.assertEqual(cells, header, line)


DAEMON_ROWS = [
    {"measure": "cg", "server": "canond", "ir": 9_000_000, "method": "zero-dump", "sent": 10000,
     "completed": 10000, "lost": 0, "qps": 100.0, "resp_size": 90, "avg_latency": 0.001, "rcodes": "NOERROR 9000"},
    {"measure": "cg", "server": "knotd", "ir": 45_000_000, "method": "zero-dump", "sent": 10000,
     "completed": 10000, "lost": 0, "qps": 100.0, "resp_size": 90, "avg_latency": 0.001, "rcodes": "NOERROR 9000"},
    {"measure": "cg", "server": "nsd", "ir": 27_000_000, "method": "difference", "totals": "1/2", "sent": 20000,
     "completed": 10000, "lost": 0, "qps": 100.0, "resp_size": 90, "avg_latency": 0.001, "rcodes": "NOERROR 9000"},
    {"measure": "threads", "server": "canond", "psr": "canond@1"},
    {"measure": "sample", "server": "canond", "kind": "a", "query": "www.example.com. A", "size": 60,
     "rcode": "NOERROR", "answer": "abc"},
    {"measure": "sample", "server": "knotd", "kind": "a", "query": "www.example.com. A", "size": 60,
     "rcode": "NOERROR", "answer": "abc"},
]
for i, (server, cpu) in enumerate((("canond", 1.0), ("knotd", 2.0), ("nsd", 1.5))):
    for kind, qps in (("rate", 20000.0), ("max", 100000.0 * (3 - i))):
        DAEMON_ROWS.append({"measure": kind, "server": server, "rep": 1, "cpu_s": cpu, "kernel_share": 0.5,
                            "user_s": cpu / 2, "sys_s": cpu / 2, "wall_s": 10.0, "gen_cpu": 0.5, "other": 0.0,
                            "sent": 200000, "completed": 200000, "lost": 0, "qps": qps, "resp_size": 90,
                            "avg_latency": 0.001, "rcodes": "NOERROR 180000"})
WORKLOAD = {"records": {"A": 100, "CNAME": 10}, "chains": {"1": 1, "2": 1, "3": 1}, "dnames": 1, "queries": 10000,
            "mix": {"a": 28, "aaaa": 12, "mx": 12, "txt": 10, "chain1": 8, "chain2": 8, "chain3": 8, "dname": 4,
                    "nxdomain": 10}, "samples": {"a": "www.example.com. A"}}
DAEMON_META = ["command=bench/daemon --quick", "commit=abc", "quiet=0s of 0s", "versions=v", "names=20000",
               "mix=a=40", "qcount=10000", "cg_runs=1", "reps=1", "secs=10", "rate=20000", "quick=1",
               "vg_build=the same build", "build=b", "date=2026-01-01 00:00 UTC"]


def swap_results():
    pct = {"n": 100, "p50": 50, "p90": 90, "p99": 99, "p999": 200, "max": 300, "mean": 55}
    return {"runs": [{"name": "baseline", "sent": 1000, "completed": 1000, "lost": 0, "qps": 20000.0,
                      "all": pct, "windows": [], "per_second": [{"p99": 99, "max": 300, "swap": False}]},
                     {"name": "swaps", "sent": 1000, "completed": 1000, "lost": 0, "qps": 20000.0, "all": pct,
                      "inside": pct, "outside": pct, "windows": [{"wall": 1.5, "n": 10, "p99": 120, "max": 400}],
                      "per_second": [{"p99": 120, "max": 400, "swap": True}]}]}


class DaemonReport(unittest.TestCase):
    def setUp(self):
        self.dir = scratch(self, "daemon")
        self.results = os.path.join(self.dir, "results.jsonl")
        write(self.results, "".join(json.dumps(r) + "\n" for r in DAEMON_ROWS))
        self.workload = os.path.join(self.dir, "workload.json")
        write(self.workload, json.dumps(WORKLOAD))
        self.out = os.path.join(self.dir, "daemon.md")

    def daemon(self):
        import daemon_report
        with contextlib.redirect_stdout(io.StringIO()):  # it prints the section too
            daemon_report.main(["daemon", self.out, "--results", self.results, "--workload", self.workload]
                               + [x for m in DAEMON_META for x in ("--meta", m)])
        with open(self.out) as f:
            return f.read()

    def swap(self):
        import daemon_report
        path = os.path.join(self.dir, "swap.json")
        write(path, json.dumps(swap_results()))
        meta = ["names=1000000", "command=bench/swap-latency", "records=1000003", "qcount=1000", "rate=20000",
                "secs=20", "swaps=1", "every=4", "first=4", "tail=0.5", "commands=a ;; b"]
        with contextlib.redirect_stdout(io.StringIO()):
            daemon_report.main(["swap", self.out, "--results", path] + [x for m in meta for x in ("--meta", m)])
        with open(self.out) as f:
            return f.read()

    def test_figures(self):
        text = self.daemon()
        # (a): instructions over answered, and the ratio to canond's
        self.assertRegex(text, r"\| knotd \| 45,000,000 \| 10,000 \| 0 \| 4,500 \| 5\.0 \| zero-dump \|")
        self.assertRegex(text, r"\| nsd \| 27,000,000 \| 10,000 \| 0 \| 2,700 \| 3\.0 \| difference \|")
        # (b): CPU seconds over answered, µs
        self.assertRegex(text, r"\| knotd \| 200,000 \| 0 \| 2\.00 \| 10\.00 \| 5\.00 \| 5\.00 \|")
        # (c): the median run's qps
        self.assertIn("| canond | 300,000 |", text)
        table_rows_match(self, text)

    def test_sections_kept(self):
        self.daemon()
        both = self.swap()
        self.assertIn("<!-- bench/daemon -->", both)
        self.assertIn("<!-- bench/swap-latency -->", both)
        self.assertIn("| swaps | 1 | 1.50 |", both)
        again = self.daemon()  # the daemon section is replaced in place, the swap section stays
        self.assertEqual(again.count("<!-- bench/daemon -->"), 1)
        self.assertLess(again.index("<!-- bench/daemon -->"), again.index("<!-- bench/swap-latency -->"))
        self.assertIn("| swaps | 1 | 1.50 |", again)
        table_rows_match(self, again)


def veth_raw(d):
    """A raw directory of bench/dpdk-veth: two variants, one round of full, fixed and step runs."""
    meta = {"date": "2026-01-01 00:00 UTC", "commit": "abc", "kernel": "6.1", "cpu": "test CPU", "ncpu": "2",
            "canond": "canond 0.1", "knotd": "Knot DNS 3.2", "kxdpgun": "kxdpgun 3.2", "dpdk": "22.11",
            "build": "b (release)", "args": "bench/dpdk-veth --quick", "runs": "1", "secs": "2",
            "full": "2000000", "rate": "50000", "steps": "100000 200000", "quiet_spent": "0", "quiet_budget": "0",
            "quick": "1", "redo_budget": "0", "redo_left": "0", "host": "xbh", "peer": "xbn", "ns": "xb",
            "host_mac": "00:00:00:00:00:01", "eal_base": "--no-huge", "origin": "example.com.", "names": "20000",
            "zone_src": "", "queries_src": "", "workload_note": "",
            "cmd_canond-xdp": "canond --backend dpdk", "threads_canond-xdp": "canond@1",
            "cmd_knotd-xdp": "knotd -c knot.conf", "threads_knotd-xdp": "knotd@1",
            "variants": "canond-xdp knotd-xdp"}
    write(os.path.join(d, "meta.txt"), "".join(f"{k}={v}\n" for k, v in meta.items()))
    rows = []
    for v, answered in (("canond-xdp", 400000), ("knotd-xdp", 200000)):
        for kind, offered, recv in (("full", 2000000, answered), ("fixed", 50000, 50000),
                                    ("step", 100000, 100000), ("step", 200000, min(200000, answered))):
            rows.append({"variant": v, "round": 1, "kind": kind, "offered": offered, "seconds": 2.0, "rc": 0,
                         "sent": offered * 2, "received": recv * 2, "sent_pps": offered, "recv_pps": recv,
                         "rcodes": {"NOERROR": recv * 2}, "hz": 100, "elapsed": 2.5,
                         "cpu0": {"user": 100, "sys": 50, "si": 20, "idle": 80, "total": 250, "steal": 0},
                         "cpu1": {"user": 150, "sys": 50, "si": 10, "idle": 40, "total": 250, "steal": 0},
                         "server": {"ticks": 180, "utime": 120, "stime": 60}, "gun_cpu": 1.5,
                         "canond": {}, "host_nic": {}, "peer_nic": {}, "machine_busy": 330,
                         "softnet_dropped": 0, "udp_rcvbuf_errors": 0,
                         "file": f"gun-{v}-{kind}-{offered}.txt", "raw": ["total queries: 1"]})
    write(os.path.join(d, "results.jsonl"), "".join(json.dumps(r) + "\n" for r in rows))
    write(os.path.join(d, "workload.json"), json.dumps({"records": {"A": 10}, "queries": 100,
                                                        "samples": {"a": "www.example.com. A"}}))
    write(os.path.join(d, "notes.txt"), "")
    write(os.path.join(d, "check-names"), "www.example.com. A\n")
    for v, addr in (("canond-xdp", "192.0.2.1"), ("knotd-xdp", "192.0.2.2")):
        os.makedirs(os.path.join(d, "kdig", v))
        write(os.path.join(d, "kdig", v, "1.txt"),
              ";; ->>HEADER<<- opcode: QUERY; status: NOERROR; id: 1\n;; Flags: qr aa; QUERY: 1; ANSWER: 1\n\n"
              f";; ANSWER SECTION:\nwww.example.com. 3600 IN A {addr}\n\n")


class VethReport(unittest.TestCase):
    def test_report(self):
        d = scratch(self, "veth")
        veth_raw(d)
        run = subprocess.run([sys.executable, os.path.join(SUITE, "veth_report.py"), d, "a note"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        text = run.stdout
        self.assertTrue(text.startswith("# canond's DPDK backend beside knotd's XDP mode on a veth pair"))
        self.assertIn("Report a note", text)
        self.assertIn("canond DPDK net_af_xdp **400,000**; knotd XDP **200,000**", text)
        self.assertIn("÷ knotd XDP: **2.00**", text)
        self.assertIn("DIFFERS: knotd-xdp", text)  # the two answers' addresses differ
        table_rows_match(self, text)


class ZonesReport(unittest.TestCase):
    def test_peers(self):
        d = scratch(self, "zones")
        env = os.path.join(d, "measure.env")
        write(env, "canon_wall=0:01.50\ncanon_maxrss_kb=204800\ncanon_base_kb=10240\ncanon_stats=load 1\n"
                   "knotd_load_s=2.50\nknotd_rss_kb=307200\nknotd_hwm_kb=409600\nknotd_base_hwm_kb=10240\n"
                   "big=100000\nreps=1\nnative=false\nquick=1\nmicro=0\ncommit=abc\n")
        write(os.path.join(d, "bench-engine.json"), "")  # --quick's filter matched none of its benchmarks
        run = subprocess.run([sys.executable, os.path.join(SUITE, "zones_report.py"), d, env],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        text = run.stdout
        self.assertIn("| canon-checkzone | 1.50 | 200.0 | (exits) | 10.0 | 190.0 |", text)
        self.assertIn("| knotd | 2.50 | 400.0 | 300.0 | 10.0 | 390.0 |", text)
        self.assertIn("| nsd | not measured |", text)
        self.assertIn("knotd / canon = 2.05", text)
        table_rows_match(self, text)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    SUITE = os.path.abspath(sys.argv[1])
    sys.path.insert(0, SUITE)
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
