#!/usr/bin/env python3
"""Zone swaps under load: nothing lost, every swap served at once.

    daemon_swaps.py CANOND CANONCTL EXAMPLE_ZONES_DIR

Two versions of swap.test differ in www's address and the SOA serial. While
dnsperf runs for 8 s, `canonctl zone-load` swaps them 20 times (each exits 0
and its version is served right after). Then dnsperf lost nothing, the last
version is served, and status shows its serial and a generation up by 20.
After each swap `canonctl stats` is read under load: its query count never
goes back (the threads suite runs this under ThreadSanitizer).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

SWAPS = 20
PERF_SECONDS = 8
SWAP_EVERY = 0.3  # seconds: the 20 swaps take 6 s of dnsperf's 8
VERSIONS = [(2026010101, "192.0.2.101"), (2026010102, "192.0.2.102")]  # (serial, www's address)
QUERIES = ["www.swap.test A", "swap.test SOA", "nothere.swap.test A", "ns1.swap.test A"]


class Swaps(unittest.TestCase):
    def test_swaps_under_load(self):
        work = h.tempdir()
        files = [h.write(work, f"swap-{serial}.zone",
                         h.zone_text("swap.test.", serial, f"www IN A {addr}\n"))
                 for serial, addr in VERSIONS]
        qfile = h.write(work, "queries.txt", "\n".join(QUERIES) + "\n")
        with h.Canond(zones={"swap.test": files[0]}) as d:
            self.assertEqual(h.addresses(d.port, "www.swap.test"), {VERSIONS[0][1]})
            start_gen = d.generation()
            perf = h.dnsperf(d.port, qfile, PERF_SECONDS)
            time.sleep(0.5)  # under load before the first swap
            began = time.monotonic()
            last_queries = 0
            for i in range(SWAPS):
                time.sleep(max(0.0, began + i * SWAP_EVERY - time.monotonic()))
                v = (i + 1) % 2  # VERSIONS[1], [0], [1], ...
                r = d.ctl("zone-load", f"swap.test={files[v]}")
                self.assertEqual(r.rc, 0, f"swap {i + 1}: {r}")
                self.assertEqual(h.addresses(d.port, "www.swap.test"), {VERSIONS[v][1]},
                                 f"swap {i + 1} is not served")
                # Counters read while the workers write them (the race TSan
                # checks in the threads suite) never go backwards.
                queries = d.ok("stats")["queries"]
                self.assertGreaterEqual(queries, last_queries, f"stats went back at swap {i + 1}")
                last_queries = queries
            swaps_took = time.monotonic() - began
            completed, lost, out = h.perf_result(perf, PERF_SECONDS)
            self.assertGreater(completed, 0, out)
            self.assertEqual(lost, 0, out)
            self.assertLess(swaps_took, PERF_SECONDS, "the swaps did not all happen under load")

            last = SWAPS % 2
            self.assertEqual(h.addresses(d.port, "www.swap.test"), {VERSIONS[last][1]})
            status = d.status()
            self.assertEqual(status["generation"], start_gen + SWAPS, status)
            self.assertEqual([(z["origin"], z["serial"]) for z in status["zones"]],
                             [("swap.test.", VERSIONS[last][0])], status)


if __name__ == "__main__":
    h.main()
