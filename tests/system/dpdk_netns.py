#!/usr/bin/env python3
"""canond's DPDK path on a veth link, driven from a client in a namespace.

    dpdk_netns.py CANOND CANONCTL EXAMPLE_ZONES_DIR [unittest args]

For each PMD that drives a veth here (net_af_packet, net_af_xdp), canond
takes the host end of a veth pair as its port and answers for 198.18.0.2/24
and 2001:2::2/64; the client is the namespace end (198.18.0.1, 2001:2::1).
From the namespace:
- kdig over IPv4 and IPv6 gets the same answers as the socket backend gives
  on loopback (A, a CNAME chain across zones, a DNAME, MX with additional);
- neighbour discovery works with no static entries (ARP and NDP answered by
  canond) and ping / ping -6 get one reply each;
- TCP DNS and a plain TCP service on the host reach the kernel through the
  exception path (canond's TAP) and back;
- dnsperf for 5 s (pinned to CPU 0; canond's worker on CPU 1) loses nothing;
- the port counters in `canonctl stats` account for what was sent.
Needs root (namespaces, TAP, raw sockets). canond runs in a namespace of its
own with the host end of the veth (and so its TAP): the test creates and
removes both namespaces, the veth pair and the TAP, and touches nothing of
the machine's own network.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)
import netns  # noqa: E402

import unittest  # noqa: E402

CANON_IPV4 = "198.18.0.2"
CANON_IPV6 = "2001:2::2"
WORKER_CPU = 1
CLIENT_CPU = 0
DNSPERF_SECONDS = 5
HOST_SERVICE_PORT = 2222

# (name, type, what must be in the answer section)
QUESTIONS = [
    ("example.com", "A", ["192.0.2.1"]),
    ("static.example.com", "A", ["www.example.com.", "web.example.com.", "cdn.example.net.",
                                 "edge.example.net."]),
    ("xyzzy.old.example.com", "A", ["new.example.com.", "xyzzy.new.example.com.", "192.0.2.81"]),
    ("example.com", "MX", ["10 mail.example.com.", "20 mail.example.net."]),
    ("nothere.example.com", "A", []),
]


def kdig_in(link, address, name, rdtype, tcp=False):
    cmd = ["kdig", f"@{address}", "+timeout=2", "+retry=2", name, rdtype] + (["+tcp"] if tcp else [])
    run = link.run(*cmd, timeout=30)
    if run.returncode != 0 or "->>HEADER<<-" not in run.stdout:
        raise AssertionError(f"in {link.ns}: {' '.join(cmd)} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return h.Kdig(run.stdout)


def answer_view(k):
    """What must match between the two backends: rcode, flags, every section."""
    return (k.rcode, sorted(k.flags), {s: sorted(r) for s, r in k.sections.items()})


class DpdkOnVeth:
    """One canond on one PMD; subclasses name the vdev."""
    VDEV = None
    QUIET_HOST_STACK = False

    @classmethod
    def setUpClass(cls):
        cls.link = netns.Link("cdp")
        if cls.QUIET_HOST_STACK:
            cls.link.quiet_host_stack()
        cls.tap = f"ctap{os.getpid() % 100000}"
        zones = {"example.com": h.example("example.com"), "example.net": h.example("example.net")}
        eal = (f"--no-huge -m 512 --no-shconf --no-pci --file-prefix canon-netns-{os.getpid()} "
               f"--vdev {cls.VDEV},iface={cls.link.host}")
        cls.canond = h.Canond(zones=zones, listen=[], prefix=cls.link.server_prefix(), args=[
            "--backend", "dpdk", "--eal", eal, "--cpus", str(WORKER_CPU),
            "--address", f"{CANON_IPV4}/24", "--address", f"{CANON_IPV6}/64",
            "--exception-iface", cls.tap])
        cls.canond.start()
        # The same engine on loopback through the socket backend: the reference.
        cls.reference = h.Canond(zones=zones)
        cls.reference.start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.reference.stop()
            cls.canond.stop()
        finally:
            cls.reference.kill()
            cls.canond.kill()
            cls.link.close()

    def port_stats(self):
        stats = self.canond.ok("stats")
        self.assertEqual(stats["backend"], "dpdk")
        self.assertEqual(len(stats["ports"]), 1, stats)
        return stats, stats["ports"][0]

    def test_answers_match_the_socket_backend_over_ipv4_and_ipv6(self):
        for address in (CANON_IPV4, CANON_IPV6):
            for name, rdtype, expected in QUESTIONS:
                with self.subTest(address=address, question=f"{name} {rdtype}"):
                    got = kdig_in(self.link, address, name, rdtype)
                    want = h.kdig(self.reference.port, name, rdtype)
                    self.assertEqual(answer_view(got), answer_view(want), f"DPDK:\n{got}\nsocket:\n{want}")
                    rdata = [r[3] for r in got.records("ANSWER")]
                    for item in expected:
                        self.assertIn(item, rdata, str(got))
        mx = kdig_in(self.link, CANON_IPV4, "example.com", "MX")
        self.assertIn("192.0.2.25", mx.rdata("ADDITIONAL", "A", "mail.example.com."), str(mx))
        nx = kdig_in(self.link, CANON_IPV6, "nothere.example.com", "A")
        self.assertEqual(nx.rcode, "NXDOMAIN")
        self.assertEqual(len(nx.records("AUTHORITY", "SOA")), 1, str(nx))

    def test_neighbours_and_ping_need_no_static_entries(self):
        for flag, address in (("-4", CANON_IPV4), ("-6", CANON_IPV6)):
            run = self.link.run("ping", flag, "-c", "3", "-i", "0.2", "-W", "2", address, timeout=30)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertIn("3 received", run.stdout)
            self.assertNotIn("duplicates", run.stdout, "someone besides canond answered")
        _, port = self.port_stats()
        neighbours = self.link.run("ip", "neigh", "show", "dev", self.link.peer).stdout.lower()
        for address in (CANON_IPV4, CANON_IPV6):
            self.assertRegex(neighbours, re.escape(address) + r" lladdr " + re.escape(port["mac"]),
                             f"no neighbour entry learnt for {address}:\n{neighbours}")
        queue = port["queues"][0]
        self.assertGreaterEqual(queue["echo"], 6, queue)
        self.assertGreaterEqual(queue["neighbour"], 2, queue)

    def test_tcp_reaches_the_kernel_through_the_exception_path(self):
        before = self.canond.ok("stats")["tcp"]["queries"]
        for address in (CANON_IPV4, CANON_IPV6):
            got = kdig_in(self.link, address, "static.example.com", "A", tcp=True)
            want = h.kdig(self.reference.port, "static.example.com", "A", tcp=True)
            self.assertEqual(answer_view(got), answer_view(want))
        stats, port = self.port_stats()
        self.assertGreaterEqual(stats["tcp"]["queries"], before + 2)
        self.assertGreater(port["queues"][0]["exception_out"], 0)
        self.assertGreater(port["queues"][0]["exception_in"], 0)

        # Any other service of the host (SSH, BGP, ...) is reached the same way:
        # a one-shot TCP service of the server namespace's kernel on 198.18.0.2.
        service = h.spawn([*self.link.server_prefix(), sys.executable, "-c",
                           "import socket, sys; s = socket.create_server(('%s', %d)); s.settimeout(20); "
                           "print('listening', flush=True); c, _ = s.accept(); "
                           "c.sendall(b'hello from the host stack\\n'); c.close()" % (CANON_IPV4, HOST_SERVICE_PORT)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(service.stdout.readline().strip(), "listening")
        run = self.link.run(sys.executable, "-c",
                            "import socket; s = socket.create_connection(('%s', %d), timeout=5); "
                            "print(s.recv(100).decode().strip())" % (CANON_IPV4, HOST_SERVICE_PORT), timeout=30)
        service.wait(timeout=30)
        self.assertEqual(run.stdout.strip(), "hello from the host stack", run.stderr)

    def test_dnsperf_from_the_namespace_loses_nothing(self):
        qdir = h.tempdir()
        queries = h.write(qdir, "queries", "".join(f"{n} {t}\n" for n, t, _ in QUESTIONS) +
                          "www.example.com AAAA\nbar.example.com A\nhost7.example.com A\n")
        _, port = self.port_stats()
        answers_before = port["queues"][0]["dns_answers"]
        run = self.link.run("dnsperf", "-s", CANON_IPV4, "-d", queries, "-l", str(DNSPERF_SECONDS),
                            "-c", "4", "-q", "64", cpu=CLIENT_CPU, timeout=DNSPERF_SECONDS + 60)
        completed = re.search(r"Queries completed:\s+(\d+)", run.stdout)
        lost = re.search(r"Queries lost:\s+(\d+)", run.stdout)
        self.assertTrue(completed and lost, run.stdout + run.stderr)
        print(f"\n{self.VDEV}: dnsperf {DNSPERF_SECONDS} s: {completed.group(1)} answered, "
              f"{lost.group(1)} lost", file=sys.stderr)
        self.assertEqual(int(lost.group(1)), 0, run.stdout)
        self.assertGreater(int(completed.group(1)), 10000, run.stdout)
        _, port = self.port_stats()
        queue = port["queues"][0]
        self.assertGreaterEqual(queue["dns_answers"] - answers_before, int(completed.group(1)))
        self.assertEqual(queue["tx_dropped"], 0, queue)
        self.assertEqual(queue["dropped_checksum"], 0, queue)


class AfPacket(DpdkOnVeth, unittest.TestCase):
    VDEV = "net_af_packet0"
    # The kernel keeps receiving the frames net_af_packet copies: make it ignore them.
    QUIET_HOST_STACK = True


class AfXdp(DpdkOnVeth, unittest.TestCase):
    VDEV = "net_af_xdp0"  # XDP redirects the frames: the host stack never sees them


if __name__ == "__main__":
    h.main()
