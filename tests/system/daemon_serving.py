#!/usr/bin/env python3
"""canond serves the example zones on loopback: UDP and TCP, IPv4 and IPv6.

    daemon_serving.py CANOND CANONCTL EXAMPLE_ZONES_DIR

One canond on 127.0.0.1:P and [::1]:P with example.com, example.net and a
zone with an RRset too large for 512 octets. kdig's answers (A, a CNAME chain
across both zones, MX with additional data, NXDOMAIN with the SOA) over each
transport; two queries pipelined on one TCP connection; 5 s of dnsperf with
nothing lost; TC over UDP without EDNS and the whole RRset over TCP.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import unittest  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

BIG_COUNT = 40  # records in each large RRset of big.test
BIG_ZONE = h.zone_text("big.test.", 1, "".join(
    f'many IN TXT "record {i:02} of the large TXT set, padded to be long"\n'
    f"many IN A 198.51.100.{i + 1}\n" for i in range(BIG_COUNT)))

# static -> www -> web -> cdn.example.net -> edge (example.com and example.net).
CHAIN = [("static.example.com.", "www.example.com."),
         ("www.example.com.", "web.example.com."),
         ("web.example.com.", "cdn.example.net."),
         ("cdn.example.net.", "edge.example.net.")]

QUERIES = ["example.com A", "static.example.com A", "example.com MX", "nothere.example.com A",
           "host7.example.com A", "edge.example.net AAAA", "bar.example.com A", "x.users.example.com A"]


class Serving(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = h.tempdir()
        big = h.write(cls.dir, "big.test.zone", BIG_ZONE)
        port = h.free_port()
        cls.d = h.Canond(zones={"example.com": h.example("example.com"),
                                "example.net": h.example("example.net"), "big.test": big},
                         listen=[f"127.0.0.1:{port}", f"[::1]:{port}"])
        cls.d.port = port
        try:
            cls.d.start()
        except BaseException:
            cls.d.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.d.stop()
        finally:
            cls.d.kill()

    def answers(self, addr, tcp):
        port = self.d.port
        r = h.kdig(port, "example.com", "A", addr, tcp)
        self.assertEqual(r.rcode, "NOERROR", r)
        self.assertIn("aa", r.flags, r)
        self.assertEqual(r.rdata("ANSWER", "A", "example.com."), ["192.0.2.1"], r)

        r = h.kdig(port, "static.example.com", "A", addr, tcp)
        self.assertEqual(r.rcode, "NOERROR", r)
        self.assertEqual([(o, t) for o, _, _, t in r.records("ANSWER", "CNAME")], CHAIN, r)
        self.assertEqual(r.rdata("ANSWER", "A", "edge.example.net."),
                         ["203.0.113.10", "203.0.113.11"], r)

        r = h.kdig(port, "example.com", "MX", addr, tcp)
        self.assertEqual(r.rcode, "NOERROR", r)
        self.assertEqual(r.rdata("ANSWER", "MX"), ["10 mail.example.com.", "20 mail.example.net."], r)
        self.assertIn("192.0.2.25", r.rdata("ADDITIONAL", "A", "mail.example.com."), r)

        r = h.kdig(port, "nothere.example.com", "A", addr, tcp)
        self.assertEqual(r.rcode, "NXDOMAIN", r)
        self.assertEqual(r.records("ANSWER"), [], r)
        soa = r.records("AUTHORITY", "SOA")
        self.assertEqual([o for o, *_ in soa], ["example.com."], r)
        self.assertEqual(soa[0][3].split()[2], "2026112201", r)

    def test_udp_ipv4(self):
        self.answers("127.0.0.1", tcp=False)

    def test_udp_ipv6(self):
        self.answers("::1", tcp=False)

    def test_tcp_ipv4(self):
        self.answers("127.0.0.1", tcp=True)

    def test_tcp_ipv6(self):
        self.answers("::1", tcp=True)

    def test_tcp_pipelined(self):
        """Two length-prefixed queries in one write; both answers come back."""
        q1 = dns.message.make_query("example.com", "A")
        q2 = dns.message.make_query("mail.example.net", "A")
        q1.id, q2.id = 0x1111, 0x2222
        wire = b"".join(struct.pack("!H", len(w)) + w for w in (q1.to_wire(), q2.to_wire()))
        with socket.create_connection(("127.0.0.1", self.d.port), timeout=5) as s:
            s.sendall(wire)
            got = {}
            for _ in range(2):
                (n,) = struct.unpack("!H", recv_exact(s, 2))
                m = dns.message.from_wire(recv_exact(s, n))
                got[m.id] = m
        self.assertEqual(sorted(got), [0x1111, 0x2222])
        for mid, name, addr in ((0x1111, "example.com.", "192.0.2.1"),
                                (0x2222, "mail.example.net.", "203.0.113.25")):
            m = got[mid]
            self.assertEqual(m.rcode(), dns.rcode.NOERROR, m)
            self.assertEqual(str(m.question[0].name), name, m)
            self.assertEqual([rd.address for rd in m.answer[0]], [addr], m)

    def test_dnsperf_loses_nothing(self):
        qfile = h.write(self.dir, "queries.txt", "\n".join(QUERIES) + "\n")
        completed, lost, out = h.perf_result(h.dnsperf(self.d.port, qfile, 5), 5)
        self.assertGreater(completed, 0, out)
        self.assertEqual(lost, 0, out)

    def test_truncated_over_udp_whole_over_tcp(self):
        for rdtype in ("TXT", "A"):
            q = dns.message.make_query("many.big.test", rdtype, use_edns=False)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(3)
                s.sendto(q.to_wire(), ("127.0.0.1", self.d.port))
                wire = s.recv(65535)
            self.assertLessEqual(len(wire), 512, f"{rdtype} over UDP without EDNS")
            udp = dns.message.from_wire(wire)
            self.assertEqual(udp.id, q.id)
            self.assertTrue(udp.flags & dns.flags.TC, f"{rdtype} over UDP without EDNS: no TC\n{udp}")
            tcp = h.query(self.d.port, "many.big.test", rdtype, tcp=True, edns=False)
            self.assertFalse(tcp.flags & dns.flags.TC, tcp)
            self.assertEqual(tcp.rcode(), dns.rcode.NOERROR, tcp)
            rrsets = [r for r in tcp.answer if r.rdtype == dns.rdatatype.from_text(rdtype)]
            self.assertEqual([len(r) for r in rrsets], [BIG_COUNT], tcp)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise AssertionError(f"TCP connection closed after {len(data)} of {n} octets")
        data += chunk
    return data


if __name__ == "__main__":
    h.main()
