#!/usr/bin/python3
"""prometheus_text() through Prometheus' own parser (python3-prometheus-client).

    prometheus_parse_test.py /path/to/prometheus_dump

prometheus_dump prints the exposition of the built-in `stats` samples
(tests/canond/stats_samples.hpp). Each must parse, every sample must land in a
family of the announced type, and the values must be the ones in the sample.
Exits 77 (skipped) where the module is missing.
"""
import subprocess
import sys
import unittest

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("python3-prometheus-client is not installed (tools/install-deps); skipping")
    sys.exit(77)

DUMP = None  # set from argv in main


def families(sample):
    text = subprocess.run([DUMP, sample], capture_output=True, text=True, check=True).stdout
    return {f.name: f for f in text_string_to_metric_families(text)}, text


def value(fams, family, sample_name, **labels):
    for s in fams[family].samples:
        if s.name == sample_name and s.labels == labels:
            return s.value
    raise AssertionError(f"no {sample_name}{labels} in {family}")


def family_of(fams, name):
    """The parser names a counter's family without _total (prometheus_client
    >= 0.4) or with it (older): accept both."""
    for candidate in (name, name[:-len("_total")] if name.endswith("_total") else None):
        if candidate in fams:
            return candidate
    raise AssertionError(f"no family {name} in {sorted(fams)}")


class PrometheusParseTest(unittest.TestCase):
    def test_socket_sample(self):
        fams, text = families("socket")
        for name, kind in (("canon_queries_total", "counter"), ("canon_responses_total", "counter"),
                           ("canon_chain_links", "histogram"), ("canon_zone_serial", "gauge"),
                           ("canon_policy_matches_total", "counter"), ("canon_rrl_limited_total", "counter"),
                           ("canon_tcp_connections_open", "gauge"), ("canon_info", "gauge"),
                           ("process_cpu_seconds_total", "counter"), ("process_open_fds", "gauge")):
            self.assertEqual(fams[family_of(fams, name)].type, kind, name)
        self.assertEqual(value(fams, family_of(fams, "canon_responses_total"), "canon_responses_total",
                               rcode="NXDOMAIN"), 3)
        self.assertEqual(value(fams, family_of(fams, "canon_queries_total"), "canon_queries_total",
                               qtype="A"), 800)
        self.assertEqual(value(fams, "canon_chain_links", "canon_chain_links_bucket", le="+Inf"), 9)
        self.assertEqual(value(fams, "canon_chain_links", "canon_chain_links_count"), 9)
        self.assertEqual(value(fams, "canon_chain_links", "canon_chain_links_sum"), 21)
        self.assertEqual(value(fams, "canon_zone_serial", "canon_zone_serial", zone="example.com."), 2026112201)
        # The escaped rule name comes back as the operator wrote it.
        policy = family_of(fams, "canon_policy_matches_total")
        self.assertEqual(value(fams, policy, "canon_policy_matches_total", rule='say "hi"\\now\n',
                               action="refuse"), 1)
        self.assertEqual(value(fams, family_of(fams, "process_cpu_seconds_total"), "process_cpu_seconds_total"),
                         1.25)
        self.assertNotIn("canon_nic_rx_packets", text)

    def test_dpdk_sample(self):
        fams, _ = families("dpdk")
        rx = family_of(fams, "canon_nic_rx_packets_total")
        self.assertEqual(value(fams, rx, "canon_nic_rx_packets_total", port="net_af_packet0"), 120)
        self.assertEqual(value(fams, "canon_nic_link_up", "canon_nic_link_up", port="0000:3b:00.0"), 0)
        dropped = family_of(fams, "canon_nic_queue_dropped_total")
        self.assertEqual(value(fams, dropped, "canon_nic_queue_dropped_total", port="net_af_packet0",
                               queue="1", reason="checksum"), 3)
        self.assertEqual(value(fams, family_of(fams, "canon_rrl_limited_total"), "canon_rrl_limited_total"), 0)

    def test_every_sample_is_in_a_typed_family(self):
        for sample in ("socket", "dpdk"):
            fams, text = families(sample)
            samples = [l for l in text.splitlines() if l and not l.startswith("#")]
            parsed = sum(len(f.samples) for f in fams.values())
            self.assertEqual(parsed, len(samples), sample)
            for f in fams.values():
                self.assertIn(f.type, ("counter", "gauge", "histogram"), f.name)
                self.assertTrue(f.documentation, f"{f.name} has HELP")


def main():
    global DUMP
    if len(sys.argv) < 2:
        sys.exit("usage: prometheus_parse_test.py /path/to/prometheus_dump [unittest args]")
    DUMP = sys.argv.pop(1)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
