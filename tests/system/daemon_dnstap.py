#!/usr/bin/env python3
"""canond's dnstap query log, read back as an operator reads it.

    daemon_dnstap.py CANOND CANONCTL EXAMPLE_ZONES_DIR

canond on loopback with `dnstap = { file = ..., sample = 1 }` answers 200
distinct queries from dnspython (UDP, a few over TCP) and a bounded dnsperf
pass (pinned to CPU 0, the worker to CPU 1); once it stopped, `dnstap-read
-y` (bind9-dnsutils) reads the file: one AUTH_QUERY and one AUTH_RESPONSE
per query sent, less what `canonctl stats` says was dropped; each of
dnspython's queries is there with its name, type, client 127.0.0.1 and
port, and its answer with the rcode dnspython got. `sample = 10` logs one
query in 10 (exactly, with one worker); `messages = ["auth-query"]` logs no
answer; `socket = ...` feeds fstrm_capture (fstrm-bin), which writes the
same file; the DPDK worker logs what a net_pcap port brings. Bad dnstap
values are refused with FILE:LINE, and a reload that changes dnstap says it
needs a restart.
"""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)

import shutil  # noqa: E402
import unittest  # noqa: E402

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import yaml  # noqa: E402  (python3-yaml, with dnspython)

DNSPERF_SECONDS = 10  # -l: a bound; the pass over the file ends long before

# The example zone's names and types: answers, NODATA, NXDOMAIN, aliases.
NAMES = ["example.com", "www.example.com", "mail.example.com", "foo.example.com", "bar.example.com",
         "ns2.example.com", "legacy.example.com", "a.users.example.com", "sip.example.com"]
TYPES = ["A", "AAAA", "MX", "TXT"]


def dnstap_config(d, table):
    """canond.toml in d's directory: its admin socket and the dnstap table."""
    return h.write(d.dir, "canond.toml", f'admin-socket = "{d.socket}"\ndnstap = {{ {table} }}\n')


def daemon(table, extra_args=()):
    """A canond (not started) serving example.com with the dnstap table TABLE
    ({dir} in it is its directory), its one worker on CPU 1."""
    d = h.Canond(zones={"example.com": h.example("example.com")},
                 args=["--workers", "1", "--cpus", "1", *extra_args], config="canond.toml")
    d.config = dnstap_config(d, table.replace("{dir}", d.dir))
    return d


def queries():
    """200 distinct (name, type): the zone's names first, then names it lacks."""
    out = [(n, t) for n in NAMES for t in TYPES]
    i = 0
    while len(out) < 200:
        out.append((f"q{i}.nx.example.com", "A" if i % 2 else "AAAA"))
        i += 1
    return out


def ask(port, name, rdtype, tcp=False):
    """One query from a socket of its own, so from a port of its own:
    (response, client port). One try: a retry would be logged twice."""
    q = dns.message.make_query(name, rdtype, use_edns=0)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        client_port = s.getsockname()[1]
        if tcp:
            s.settimeout(3)
            s.connect(("127.0.0.1", port))
        s.setblocking(False)  # as dnspython wants a socket given to it
        if tcp:
            r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=3, sock=s)
        else:
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3, sock=s)
    finally:
        s.close()
    return r, client_port


def dnsperf_pass(port, lines, path):
    """One pass of dnsperf over LINES (pinned to CPU 0, bounded in time):
    the queries it sent and completed."""
    with open(path, "w") as f:
        f.write("".join(f"{line}\n" for line in lines))
    run = subprocess.run(["taskset", "-c", "0", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", path,
                          "-n", "1", "-l", str(DNSPERF_SECONDS), "-c", "1", "-q", "20", "-t", "2"],
                         capture_output=True, text=True, timeout=DNSPERF_SECONDS + 60)
    sent = re.search(r"Queries sent:\s+(\d+)", run.stdout)
    done = re.search(r"Queries completed:\s+(\d+)", run.stdout)
    if run.returncode != 0 or not sent or not done:
        raise AssertionError(f"dnsperf exited {run.returncode}:\n{run.stdout}{run.stderr}")
    return int(sent.group(1)), int(done.group(1))


class Logged:
    """One dnstap message as dnstap-read -y prints it (its DNS message parsed
    by dnstap-read too: *_message_data)."""

    def __init__(self, doc):
        self.doc = doc
        m = doc.get("message", {})
        self.type = m.get("type")
        self.family = m.get("socket_family")
        self.protocol = m.get("socket_protocol")
        self.address = m.get("query_address")
        self.port = m.get("query_port")
        data = m.get("query_message_data" if self.type == "AUTH_QUERY" else "response_message_data") or {}
        self.rcode = data.get("status")
        question = (data.get("QUESTION_SECTION") or [""])[0].split()  # 'www.example.com. IN A'
        self.name = question[0].rstrip(".").lower() if question else None
        self.qtype = question[2] if len(question) == 3 else None


def read_dnstap(path):
    """Every message of a dnstap file, by dnstap-read -y."""
    run = subprocess.run(["dnstap-read", "-y", path], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise AssertionError(f"dnstap-read -y {path} exited {run.returncode}: {run.stderr[-2000:]}")
    return [Logged(doc) for doc in yaml.safe_load_all(run.stdout) if doc]


def dnstap_stats(d):
    return d.ok("stats")["dnstap"]


def settled(d, done, what="the writer to take every sample"):
    """canonctl stats' dnstap section once done(section) holds (bounded wait)."""
    return h.wait_for(what, lambda: (lambda s: s if done(s) else None)(dnstap_stats(d)))


def both_written(s):
    return s["written"] == 2 * s["sampled"]


class Dnstap(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("dnstap-read", "taskset"):
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} is not installed (tools/install-deps: bind9-dnsutils, util-linux)")

    def test_file_every_query(self):
        d = daemon('file = "{dir}/dnstap.fstrm", sample = 1')
        path = os.path.join(d.dir, "dnstap.fstrm")
        asked = {}
        with d:
            self.assertIn("dnstap: auth-query and auth-response messages of every query to file " + path,
                          d.log())
            for i, (name, rdtype) in enumerate(queries()):
                tcp = i % 50 == 0  # 4 over TCP
                r, port = ask(d.port, name, rdtype, tcp)
                asked[(name, rdtype)] = (port, dns.rcode.to_text(r.rcode()), tcp)
            perf_lines = [f"p{i}.perf.example.com A" for i in range(300)] + ["host1.example.com A"] * 100
            sent, completed = dnsperf_pass(d.port, perf_lines, os.path.join(d.dir, "perf.txt"))
            self.assertEqual(completed, sent)
            stats = settled(d, both_written)
            self.assertEqual(stats["output"], "file " + path)
            self.assertTrue(stats["connected"])
            metrics = d.ok("metrics")["text"]
            self.assertRegex(metrics, r"canon_dnstap_messages_written_total \d+")
            self.assertRegex(metrics, r'canon_dnstap_dropped_total\{reason="ring_full"\} \d+')
        # Stopped: the stream is closed, the file complete.
        self.assertIn("message(s) written", d.log())
        logged = read_dnstap(path)
        total = len(asked) + sent
        # Nothing here is too big for a slot, and the file takes everything;
        # a ring may fill while the writer sleeps, which the count says.
        self.assertEqual((stats["dropped_too_big"], stats["lost"]), (0, 0))
        dropped = stats["dropped_ring_full"]
        self.assertEqual(stats["sampled"], total - dropped)
        by_type = {"AUTH_QUERY": [], "AUTH_RESPONSE": []}
        for m in logged:
            self.assertIn(m.type, by_type, m.doc)
            by_type[m.type].append(m)
        self.assertEqual(len(by_type["AUTH_QUERY"]), total - dropped, "one AUTH_QUERY per query sent")
        self.assertEqual(len(by_type["AUTH_RESPONSE"]), total - dropped, "one AUTH_RESPONSE per answer")
        for m in logged:
            self.assertEqual(m.address, "127.0.0.1", m.doc)
            self.assertEqual(m.family, "INET", m.doc)
            self.assertEqual(m.doc.get("identity"), os.uname().nodename, m.doc)
            self.assertRegex(m.doc.get("version", ""), r"^canon \d", m.doc)
        # dnspython's queries, each with its own port: name, type, transport, rcode.
        mine = {}
        for m in logged:
            if m.name and (m.name, m.qtype) in asked:
                mine.setdefault((m.name, m.qtype, m.type), []).append(m)
        if dropped == 0:
            for (name, rdtype), (port, rcode, tcp) in asked.items():
                for kind in ("AUTH_QUERY", "AUTH_RESPONSE"):
                    found = mine.get((name, rdtype, kind), [])
                    self.assertEqual(len(found), 1, f"{kind} for {name} {rdtype}: {len(found)}")
                    self.assertEqual(found[0].port, port, found[0].doc)
                    self.assertEqual(found[0].protocol, "TCP" if tcp else "UDP", found[0].doc)
                    if kind == "AUTH_RESPONSE":
                        self.assertEqual(found[0].rcode, rcode, found[0].doc)
            self.assertIn("NXDOMAIN", {rcode for _, rcode, _ in asked.values()})
            # dnsperf's: every name it sent, once.
            perf = sorted(m.name for m in by_type["AUTH_QUERY"] if m.name and m.name.endswith(".perf.example.com"))
            self.assertEqual(perf, sorted(f"p{i}.perf.example.com" for i in range(300)))

    def test_one_in_ten(self):
        d = daemon('file = "{dir}/dnstap.fstrm", sample = 10')
        path = os.path.join(d.dir, "dnstap.fstrm")
        with d:
            sent, completed = dnsperf_pass(d.port, [f"s{i}.example.com A" for i in range(2005)],
                                           os.path.join(d.dir, "perf.txt"))
            self.assertEqual(completed, sent)
            stats = settled(d, both_written)
        logged = read_dnstap(path)
        queries_logged = [m for m in logged if m.type == "AUTH_QUERY"]
        # One worker, one countdown: queries 10, 20, ... of what it received.
        self.assertEqual(len(queries_logged), sent // 10 - stats["dropped_ring_full"])
        self.assertEqual(len(logged), 2 * len(queries_logged))
        names = [m.name for m in queries_logged]
        self.assertEqual(names[:3], ["s9.example.com", "s19.example.com", "s29.example.com"])

    def test_queries_only(self):
        d = daemon('file = "{dir}/q.fstrm", messages = ["auth-query"]')
        path = os.path.join(d.dir, "q.fstrm")
        with d:
            for name, rdtype in queries()[:50]:
                ask(d.port, name, rdtype)
            stats = settled(d, lambda s: s["written"] == s["sampled"] == 50)
            self.assertEqual(stats["messages"], "auth-query")
        logged = read_dnstap(path)
        self.assertEqual(len(logged), 50)
        self.assertEqual({m.type for m in logged}, {"AUTH_QUERY"})
        self.assertEqual(sorted((m.name, m.qtype) for m in logged), sorted(queries()[:50]))

    def test_unix_socket_to_fstrm_capture(self):
        if not shutil.which("fstrm_capture"):
            self.skipTest("fstrm_capture is not installed (fstrm-bin)")
        work = h.tempdir()
        sock, out = os.path.join(work, "dnstap.sock"), os.path.join(work, "captured.fstrm")
        capture = h.spawn(["fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-u", sock, "-w", out],
                          stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        h.wait_for("fstrm_capture's socket", lambda: os.path.exists(sock), seconds=10)
        d = daemon(f'socket = "{sock}"')
        with d:
            settled(d, lambda s: s["connected"], "the writer thread to connect")
            for name, rdtype in queries()[:40]:
                ask(d.port, name, rdtype)
            stats = settled(d, lambda s: s["written"] == 2 * s["sampled"] == 80)
            self.assertTrue(stats["connected"])
            self.assertEqual(stats["output"], "socket " + sock)
        # canond closed its stream (STOP, FINISH); fstrm_capture closes its file on SIGTERM.
        capture.terminate()
        capture.wait(timeout=10)
        logged = read_dnstap(out)
        self.assertEqual(len(logged), 80)
        self.assertEqual(sorted((m.name, m.qtype) for m in logged if m.type == "AUTH_QUERY"),
                         sorted(queries()[:40]))

    def test_socket_without_listener_serves_and_counts(self):
        """No collector yet: canond serves anyway, says so, counts what it loses."""
        sock = os.path.join(h.tempdir(), "nobody.sock")
        d = daemon(f'socket = "{sock}"')
        with d:
            for name, rdtype in queries()[:5]:
                self.assertEqual(ask(d.port, name, rdtype)[0].rcode(), dns.rcode.NOERROR)
            stats = settled(d, lambda s: s["lost"] == 10, "the writer to count 10 messages lost")
            self.assertFalse(stats["connected"])
            self.assertEqual(stats["written"], 0)
            self.assertIn("dnstap: cannot connect to socket " + sock, d.log())
            self.assertRegex(d.ok("metrics")["text"], r"canon_dnstap_output_up 0")

    def test_dpdk_worker(self):
        """The DPDK worker samples too: canond --backend dpdk on a net_pcap port
        (tests/system/dpdk_pcap_replay.py's frames), IPv4 and IPv6 clients."""
        import dpdk_pcap_replay as pcap
        if os.geteuid() != 0:
            self.skipTest("DPDK's EAL wants root here")
        work = h.tempdir()
        rx, tx = os.path.join(work, "in.pcap"), os.path.join(work, "out.pcap")
        sent = [(f"d{i}.example.com", 40000 + i, i % 4 == 3) for i in range(20)]  # (name, port, IPv6)
        pcap.write_pcap(rx, [pcap.dns_frame(pcap.dns_query(0x100 + i, name, "A"), port, v6)
                             for i, (name, port, v6) in enumerate(sent)])
        eal = (f"--no-huge -m 512 --no-shconf --no-pci -l 0,1 --file-prefix canon-dnstap-{os.getpid()} "
               f"--vdev net_pcap0,rx_pcap={rx},tx_pcap={tx}")
        d = h.Canond(zones={"example.com": h.example("example.com")}, listen=[], config="canond.toml",
                     args=["--backend", "dpdk", "--eal", eal, "--address", f"{pcap.SERVER4}/24",
                           "--address", f"{pcap.SERVER6}/64", "--exception-iface", "none"],
                     env={"RUNTIME_DIRECTORY": work})
        d.config = dnstap_config(d, f'file = "{d.dir}/dnstap.fstrm"')
        try:
            d.start()
        except AssertionError:
            if 'failed to parse device "net_pcap0"' in d.log():
                self.skipTest("DPDK has no net_pcap PMD here (librte-net-pcap23)")
            raise
        try:
            settled(d, lambda s: s["written"] == 2 * len(sent), "the writer to take the pcap's 20 queries")
        finally:
            d.stop()
        logged = read_dnstap(os.path.join(d.dir, "dnstap.fstrm"))
        got = sorted((m.name, m.port, m.address, m.family, m.protocol) for m in logged if m.type == "AUTH_QUERY")
        want = sorted((name, port, pcap.CLIENT6 if v6 else pcap.CLIENT4, "INET6" if v6 else "INET", "UDP")
                      for name, port, v6 in sent)
        self.assertEqual(got, want)
        self.assertEqual(sorted(m.rcode for m in logged if m.type == "AUTH_RESPONSE"), ["NXDOMAIN"] * len(sent))

    def test_bad_values_name_file_and_line(self):
        work = h.tempdir()
        for table, message in [
                ('sample = 0, file = "/tmp/x"', "'sample' must be an integer from 1"),
                ('file = "/tmp/x", socket = "/tmp/y"', "dnstap needs one of file"),
                ('sample = 2', "dnstap needs one of file"),
                ('file = "relative.fstrm"', "must be an absolute path"),
                ('file = "/tmp/x", messages = ["client-query"]', "'client-query' is not one canond writes"),
                ('file = "/tmp/x", messages = []', "must name auth-query, auth-response or both"),
                ('file = "/tmp/x", rate = 5', "unknown key 'rate' in dnstap")]:
            config = h.write(work, "bad.toml", f'zone = ["example.com={h.example("example.com")}"]\n'
                                               f"\ndnstap = {{ {table} }}\n")
            run = subprocess.run([h.CANOND, "--config", config, "--check-config"], capture_output=True,
                                 text=True, timeout=60)
            self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
            self.assertIn("bad.toml:3", run.stderr, table)
            self.assertIn(message, run.stderr, table)
        # A file canond cannot create: start-up fails, naming it.
        config = h.write(work, "nodir.toml", 'dnstap = { file = "/nonexistent-dir/d.fstrm" }\n'
                                             f'admin-socket = "{work}/admin.sock"\n')
        run = subprocess.run([h.CANOND, "--config", config, "--listen", f"127.0.0.1:{h.free_port()}"],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("/nonexistent-dir/d.fstrm", run.stderr)

    def test_reload_asks_for_restart(self):
        d = daemon('file = "{dir}/dnstap.fstrm", sample = 1')
        with d:
            dnstap_config(d, f'file = "{d.dir}/other.fstrm", sample = 5')
            r = d.ok("reload")
            self.assertIn("dnstap", r["restart_needed"])
            self.assertIn("need a restart (not applied): dnstap", d.log())
            ask(d.port, "example.com", "A")
            stats = settled(d, lambda s: s["written"] == 2)
            self.assertEqual(stats["sample"], 1)  # the running one
        self.assertFalse(os.path.exists(os.path.join(d.dir, "other.fstrm")))


if __name__ == "__main__":
    h.main()
