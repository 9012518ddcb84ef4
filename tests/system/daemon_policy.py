#!/usr/bin/env python3
"""The query policy (canond --policy FILE), its metrics, policy-reload and RRL.

    daemon_policy.py CANOND CANONCTL EXAMPLE_ZONES_DIR

Actions: one canond with a policy holding a rule of each action, and one
without a policy serving the same zones as the reference. drop is silent (and
the next query is answered), refuse is REFUSED, nxdomain and nodata carry the
zone's SOA exactly as the zone's own negative answers do, truncate is TC=1
over UDP and the zone's answer over TCP, answer gives the local records with
their TTL; qtypes and prefixes (a client socket bound to 127.0.1.5) decide
which rule applies, the first admitting rule wins, and names no rule matches
are answered byte for byte as without a policy.
Metrics: /metrics (--metrics) and `canonctl stats --prometheus` before and
after a known set of queries: each rule's counter, rcodes, qtypes, drops and
truncations grow by exactly what was sent; the text parses.
Reload: a bad regex is refused naming the rule, the old policy stays; a good
file changes the behaviour, the policy generation and keeps old counters.
RRL: rate 50 slip 2 over 2 workers: a flood from 127.0.0.1 and 127.0.0.77
(one /24) is held to the rate (one second of burst), every 2nd limited answer
slips out truncated, a second /24 and an exempt one are not limited, the
flooding /24's NXDOMAINs (another class) and TCP are not limited.
"""
import os
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402  (first: re-execs /usr/bin/python3 if needed)
from prometheus_samples import samples, value  # noqa: E402
from reply_tally import Tally  # noqa: E402

import unittest  # noqa: E402

import dns.exception  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    text_string_to_metric_families = None

ZONES = ("example.com", "example.net")
LAN = "127.0.1.5"      # inside the prefixes rules' 127.0.1.0/24
SOA_SERIAL = 2026112201

POLICY = r"""
[[rule]]
name = "drop-it"
match = '^drop\.example\.com$'
action = "drop"

[[rule]]
name = "refuse-it"
match = '^refused\.example\.com$'
action = "refuse"

[[rule]]
name = "gone"
match = '^foo\.example\.com$'
action = "nxdomain"

[[rule]]
name = "foo-late"          # never wins: "gone" is first
match = '^foo\.'
action = "refuse"

[[rule]]
name = "blocked-outside"   # no served zone holds blocked.test
match = '(^|\.)blocked\.test$'
action = "nxdomain"

[[rule]]
name = "no-v6"
match = '^www\.example\.com$'
action = "nodata"
qtypes = ["AAAA"]

[[rule]]
name = "to-tcp"
match = '^static\.example\.com$'
action = "truncate"

[[rule]]
name = "parked"
match = '^[a-z0-9-]+\.parked\.example\.com$'
action = "answer"
records = ["A 198.18.0.10", "A 198.18.0.11", "AAAA 2001:db8::10"]
ttl = 42

[[rule]]
name = "lan-refuse"
match = '^ns1\.example\.com$'
action = "refuse"
prefixes = ["127.0.1.0/24"]

[[rule]]
name = "sip-lan"
match = '^sip\.example\.com$'
action = "answer"
prefixes = ["127.0.1.0/24"]
records = ["A 10.1.2.3"]
ttl = 5

[[rule]]
name = "sip-others"
match = '^sip\.example\.com$'
action = "refuse"
"""
RULES = [("drop-it", "drop"), ("refuse-it", "refuse"), ("gone", "nxdomain"), ("foo-late", "refuse"),
         ("blocked-outside", "nxdomain"), ("no-v6", "nodata"), ("to-tcp", "truncate"),
         ("parked", "answer"), ("lan-refuse", "refuse"), ("sip-lan", "answer"), ("sip-others", "refuse")]

# Names no rule takes (or a rule that does not admit them): as without a policy.
UNMATCHED = ["example.com A", "example.com MX", "example.com TXT", "nothere.example.com A",
             "host7.example.com A", "edge.example.net AAAA", "legacy.example.com A",
             "x.users.example.com A", "lab.example.com A", "www.example.com A",
             "www.example.com TXT", "bar.example.com A", "ns1.example.com A", "foo.example.com.x A",
             "xrefused.example.com A", "drop.example.com.example.net A", "parked.example.com A",
             "static.example.net A"]


# --- helpers ------------------------------------------------------------------

def ask(port, name, rdtype="A", source=None, tcp=False, timeout=3.0):
    """One query (EDNS) from `source` (None: the kernel's choice, 127.0.0.1)."""
    q = dns.message.make_query(name, rdtype, use_edns=0)
    for attempt in range(2):
        try:
            if tcp:
                return dns.query.tcp(q, "127.0.0.1", port=port, timeout=timeout, source=source)
            return dns.query.udp(q, "127.0.0.1", port=port, timeout=timeout, source=source)
        except dns.exception.Timeout:
            if attempt:
                raise AssertionError(f"no answer for {name} {rdtype} from {source or '127.0.0.1'} "
                                     f"({'TCP' if tcp else 'UDP'})") from None


def silent(port, name, rdtype="A", seconds=1.5):
    """True when canond sends nothing back within `seconds`."""
    q = dns.message.make_query(name, rdtype, use_edns=0)
    try:
        dns.query.udp(q, "127.0.0.1", port=port, timeout=seconds)
    except dns.exception.Timeout:
        return True
    return False


def view(r):
    """What a user compares: rcode, AA/TC, the sections as text (TTLs included)."""
    return {"rcode": dns.rcode.to_text(r.rcode()),
            "aa": bool(r.flags & dns.flags.AA), "tc": bool(r.flags & dns.flags.TC),
            "question": [q.to_text() for q in r.question],
            "answer": [s.to_text() for s in r.answer],
            "authority": [s.to_text() for s in r.authority],
            "additional": [s.to_text() for s in r.additional],
            "edns": r.edns}


def soa_of(r):
    return [s for s in r.authority if s.rdtype == dns.rdatatype.SOA]


def scrape(port):
    """(text, content type) of http://127.0.0.1:port/metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        if resp.status != 200:
            raise AssertionError(f"/metrics: HTTP {resp.status}")
        return resp.read().decode(), resp.headers.get("Content-Type", "")


def families(text):
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


# --- actions and metrics --------------------------------------------------------

class Actions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = h.tempdir()
        cls.policy = h.write(cls.dir, "policy.toml", POLICY)
        zones = {z: h.example(z) for z in ZONES}
        cls.mport = h.free_port()
        cls.d = h.Canond(zones=zones, args=["--policy", cls.policy, "--metrics", f"127.0.0.1:{cls.mport}"])
        cls.plain = h.Canond(zones=zones)
        try:
            cls.d.start()
            cls.plain.start()
        except BaseException:
            cls.d.kill()
            cls.plain.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.d.stop()
            cls.plain.stop()
        finally:
            cls.d.kill()
            cls.plain.kill()

    def q(self, name, rdtype="A", **kw):
        return ask(self.d.port, name, rdtype, **kw)

    def reference(self, name, rdtype="A", **kw):
        return ask(self.plain.port, name, rdtype, **kw)

    def test_drop(self):
        for name in ("drop.example.com", "DROP.Example.Com"):
            self.assertTrue(silent(self.d.port, name), f"{name}: answered, the rule says drop")
            r = self.q("mail.example.com")  # right after: answered
            self.assertEqual(r.rcode(), dns.rcode.NOERROR, r)
            self.assertEqual([rd.address for rd in r.answer[0]], ["192.0.2.25"], r)

    def test_refuse(self):
        for name, tcp in (("refused.example.com", False), ("REFUSED.Example.COM", False),
                          ("refused.example.com", True)):
            r = self.q(name, tcp=tcp)
            self.assertEqual(r.rcode(), dns.rcode.REFUSED, f"{name} tcp={tcp}\n{r}")
            self.assertFalse(r.flags & dns.flags.AA, r)
            self.assertEqual((r.answer, r.authority), ([], []), r)

    def test_nxdomain(self):
        # foo.example.com holds an A in the zone: the rule hides it.
        r = self.q("foo.example.com")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN, r)
        self.assertTrue(r.flags & dns.flags.AA, r)
        self.assertEqual(r.answer, [], r)
        soa = soa_of(r)
        self.assertEqual([str(s.name) for s in soa], ["example.com."], r)
        self.assertEqual(soa[0][0].serial, SOA_SERIAL, r)
        # The same authority section as the zone's own NXDOMAIN.
        self.assertEqual(view(r)["authority"], view(self.reference("nothere.example.com"))["authority"])
        # A later rule matching foo never wins.
        self.assertEqual(self.q("foo.example.com", "TXT").rcode(), dns.rcode.NXDOMAIN)
        # A name no served zone holds: NXDOMAIN, no SOA, not authoritative.
        r = self.q("a.blocked.test")
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN, r)
        self.assertFalse(r.flags & dns.flags.AA, r)
        self.assertEqual((r.answer, r.authority), ([], []), r)

    def test_nodata_only_for_its_qtypes(self):
        r = self.q("www.example.com", "AAAA")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR, r)
        self.assertTrue(r.flags & dns.flags.AA, r)
        self.assertEqual(r.answer, [], r)
        self.assertEqual([str(s.name) for s in soa_of(r)], ["example.com."], r)
        self.assertEqual(view(r)["authority"], view(self.reference("foo.example.com", "TXT"))["authority"])
        # Without the rule it would be the chain to edge's AAAA.
        self.assertIn("2001:db8:cd::10", str(self.reference("www.example.com", "AAAA")))
        # A is not in qtypes: the zone's chain www -> web -> cdn.example.net -> edge.
        r = self.q("www.example.com", "A")
        self.assertEqual(view(r), view(self.reference("www.example.com", "A")))
        self.assertEqual([(str(s.name), dns.rdatatype.to_text(s.rdtype)) for s in r.answer],
                         [("www.example.com.", "CNAME"), ("web.example.com.", "CNAME"),
                          ("cdn.example.net.", "CNAME"), ("edge.example.net.", "A")], r)
        self.assertEqual(sorted(rd.address for rd in r.answer[-1]), ["203.0.113.10", "203.0.113.11"], r)

    def test_truncate_udp_then_tcp(self):
        r = self.q("static.example.com")
        self.assertTrue(r.flags & dns.flags.TC, f"no TC over UDP\n{r}")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR, r)
        self.assertEqual((r.answer, r.authority, r.additional), ([], [], []), r)
        self.assertEqual([q.to_text() for q in r.question], ["static.example.com. IN A"], r)
        # The retry over TCP: the rule does not apply, the zone answers.
        r = self.q("static.example.com", tcp=True)
        self.assertFalse(r.flags & dns.flags.TC, r)
        self.assertEqual(view(r), view(self.reference("static.example.com", tcp=True)))
        self.assertEqual(len(r.answer), 5, r)  # four CNAMEs and edge's A

    def test_answer_local_records(self):
        for name in ("host-1.parked.example.com", "Mixed-Case.PARKED.example.com"):
            r = self.q(name, "A")
            self.assertEqual(r.rcode(), dns.rcode.NOERROR, r)
            self.assertTrue(r.flags & dns.flags.AA, r)
            self.assertEqual(len(r.answer), 1, r)
            rrset = r.answer[0]
            self.assertEqual(rrset.name, r.question[0].name, r)  # owner: the question
            self.assertEqual(rrset.name.to_text(), name + ".", "the question's case is kept")
            self.assertEqual(rrset.rdtype, dns.rdatatype.A, r)
            self.assertEqual(rrset.ttl, 42, r)
            self.assertEqual(sorted(rd.address for rd in rrset), ["198.18.0.10", "198.18.0.11"], r)
        r = self.q("host-1.parked.example.com", "AAAA")
        self.assertEqual([(s.rdtype, s.ttl, [rd.address for rd in s]) for s in r.answer],
                         [(dns.rdatatype.AAAA, 42, ["2001:db8::10"])], r)
        r = self.q("host-1.parked.example.com", "TXT")  # a type it has none of
        self.assertEqual(r.rcode(), dns.rcode.NOERROR, r)
        self.assertEqual(r.answer, [], r)
        # The plain zone has no such name.
        self.assertEqual(self.reference("host-1.parked.example.com").rcode(), dns.rcode.NXDOMAIN)

    def test_prefixes(self):
        r = self.q("ns1.example.com", source=LAN)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED, f"from {LAN}\n{r}")
        r = self.q("ns1.example.com")
        self.assertEqual(view(r), view(self.reference("ns1.example.com")), "from 127.0.0.1")
        self.assertEqual([rd.address for rd in r.answer[0]], ["192.0.2.53"], r)
        # sip: the LAN's rule first; everyone else falls through to the next rule.
        r = self.q("sip.example.com", source=LAN)
        self.assertEqual([(s.ttl, [rd.address for rd in s]) for s in r.answer], [(5, ["10.1.2.3"])], r)
        r = self.q("sip.example.com")
        self.assertEqual(r.rcode(), dns.rcode.REFUSED, f"from 127.0.0.1\n{r}")

    def test_unmatched_as_without_policy(self):
        for line in UNMATCHED:
            name, rdtype = line.split()
            for tcp in (False, True):
                got, want = self.q(name, rdtype, tcp=tcp), self.reference(name, rdtype, tcp=tcp)
                self.assertEqual(view(got), view(want), f"{line} tcp={tcp}")
        # and the zone data is what the zone file says
        self.assertEqual([rd.address for rd in self.q("host7.example.com").answer[0]], ["198.51.100.7"])
        self.assertEqual(self.q("nothere.example.com").rcode(), dns.rcode.NXDOMAIN)

    def test_metrics_move(self):
        before, ctype = scrape(self.mport)
        self.assertTrue(ctype.startswith("text/plain"), ctype)
        stats0 = self.d.ok("stats")
        b = samples(before)

        sent = 0
        sent_a = 0  # A queries answered (drop is not)

        def send(name, rdtype="A", expect=None, **kw):
            nonlocal sent, sent_a
            r = self.q(name, rdtype, **kw)
            sent += 1
            sent_a += rdtype == "A"
            if expect is not None:
                self.assertEqual(dns.rcode.to_text(r.rcode()), expect, f"{name} {rdtype}\n{r}")
            return r

        plan = {"refuse-it": 3, "gone": 2, "blocked-outside": 1, "no-v6": 2, "to-tcp": 2,
                "parked": 4, "lan-refuse": 1, "sip-lan": 1, "sip-others": 1, "drop-it": 2, "foo-late": 0}
        for _ in range(3):
            send("refused.example.com", expect="REFUSED")
        for _ in range(2):
            send("foo.example.com", expect="NXDOMAIN")
        send("x.blocked.test", expect="NXDOMAIN")
        for _ in range(2):
            send("www.example.com", "AAAA", expect="NOERROR")
        for _ in range(2):
            self.assertTrue(send("static.example.com").flags & dns.flags.TC)
        send("a.parked.example.com")
        send("b.parked.example.com")
        send("a.parked.example.com", "AAAA")
        send("a.parked.example.com", "TXT")
        send("ns1.example.com", source=LAN, expect="REFUSED")
        send("ns1.example.com", expect="NOERROR")      # not from the LAN: no rule
        send("sip.example.com", source=LAN, expect="NOERROR")
        send("sip.example.com", expect="REFUSED")
        send("example.com", "MX", expect="NOERROR")    # no rule
        send("www.example.com", expect="NOERROR")      # qtype not admitted
        for _ in range(2):
            self.assertTrue(silent(self.d.port, "drop.example.com", seconds=1.0))
            sent += 1

        after, _ = scrape(self.mport)
        stats1 = self.d.ok("stats")
        a = samples(after)

        def delta(name, **labels):
            return value(a, name, **labels) - value(b, name, **labels)

        for rule, action in RULES:
            self.assertIn(("canon_policy_matches_total", frozenset({"rule": rule, "action": action}.items())),
                          a, f"no sample for rule {rule}\n{after}")
            self.assertEqual(delta("canon_policy_matches_total", rule=rule, action=action), plan[rule],
                             f"rule {rule}")
        self.assertEqual(delta("canon_responses_total", rcode="REFUSED"), 3 + 1 + 1)
        self.assertEqual(delta("canon_responses_total", rcode="NXDOMAIN"), 2 + 1)
        self.assertEqual(delta("canon_queries_total", qtype="A"), sent_a)
        self.assertEqual(delta("canon_queries_total", qtype="AAAA"), 3)
        self.assertEqual(delta("canon_queries_received_total"), sent)
        self.assertEqual(delta("canon_responses_sent_total"), sent - 2)
        self.assertEqual(delta("canon_dropped_total"), 2)
        self.assertEqual(delta("canon_truncated_total"), 2)
        self.assertEqual(value(a, "canon_policy_rules"), len(RULES))
        self.assertEqual(value(a, "canon_rrl_limited_total"), 0)

        # canonctl stats --json says the same.
        want_actions = {"drop": 2, "refuse": 5, "nxdomain": 3, "nodata": 2, "truncate": 2, "answer": 5}
        actions0, actions1 = stats0["policy"]["actions"], stats1["policy"]["actions"]
        got_actions = {k: actions1[k] - actions0[k] for k in want_actions}
        self.assertEqual(got_actions, want_actions)
        m0 = {(m["rule"], m["action"]): m["matches"] for m in stats0["policy"]["matches"]}
        m1 = {(m["rule"], m["action"]): m["matches"] for m in stats1["policy"]["matches"]}
        self.assertEqual(list(m1), RULES, "served rules in file order")
        self.assertEqual({k[0]: m1[k] - m0[k] for k in m1}, plan)
        self.assertTrue(all(m["served"] for m in stats1["policy"]["matches"]), stats1["policy"])
        self.assertEqual(stats1["policy"]["rules"], len(RULES))
        self.assertEqual(os.path.basename(stats1["policy"]["file"]), "policy.toml")
        self.assertFalse(stats1["rrl"]["enabled"], stats1["rrl"])

        # canonctl stats --prometheus: the same families.
        ctl = self.d.ctl("stats", "--prometheus")
        self.assertEqual(ctl.rc, 0, str(ctl))
        self.assertEqual(families(ctl.out), families(after))
        for fam in ("canon_policy_matches_total", "canon_policy_generation", "canon_policy_rules",
                    "canon_rrl_limited_total", "canon_queries_total", "canon_responses_total"):
            self.assertIn(fam, families(after))
        self.assertEqual(value(samples(ctl.out), "canon_policy_matches_total", rule="refuse-it",
                               action="refuse"), value(a, "canon_policy_matches_total", rule="refuse-it",
                                                       action="refuse"))

        if text_string_to_metric_families is None:
            print("prometheus_client is not importable (apt-get install python3-prometheus-client): "
                  "parse check skipped", file=sys.stderr)
            return
        for text in (after, ctl.out):
            parsed = {f.name: f for f in text_string_to_metric_families(text)}
            matches = parsed["canon_policy_matches"]  # the parser drops _total from counter families
            self.assertEqual(matches.type, "counter")
            self.assertEqual({(s.labels["rule"], s.labels["action"]) for s in matches.samples}, set(RULES))
            self.assertEqual(parsed["canon_policy_generation"].type, "gauge")


# --- policy-reload -------------------------------------------------------------

GATE_REFUSE = r"""
[[rule]]
name = "gate"
match = '^mail\.example\.com$'
action = "refuse"
"""
BAD_REGEX = r"""
[[rule]]
name = "gate"
match = '^mail\.example\.com$'
action = "nxdomain"

[[rule]]
name = "oops"
match = '(unclosed'
action = "refuse"
"""
BAD_ACTION = r"""
[[rule]]
name = "gate"
match = '^mail\.example\.com$'
action = "block"
"""
GATE_NXDOMAIN = r"""
[[rule]]
name = "gate"
match = '^mail\.example\.com$'
action = "nxdomain"
"""


class Reload(unittest.TestCase):
    def test_policy_reload(self):
        work = h.tempdir()
        path = h.write(work, "policy.toml", GATE_REFUSE)
        mport = h.free_port()
        with h.Canond(zones={z: h.example(z) for z in ZONES},
                      args=["--policy", path, "--metrics", f"127.0.0.1:{mport}"]) as d:
            for _ in range(3):
                self.assertEqual(ask(d.port, "mail.example.com").rcode(), dns.rcode.REFUSED)
            s0 = samples(scrape(mport)[0])
            self.assertEqual(value(s0, "canon_policy_generation"), 1)
            self.assertEqual(value(s0, "canon_policy_matches_total", rule="gate", action="refuse"), 3)

            for text, words in ((BAD_REGEX, ("'oops'", "Hyperscan")),
                                (BAD_ACTION, ("policy.toml:5", "'block'"))):
                h.write(work, "policy.toml", text)
                r = d.ctl("policy-reload")
                self.assertEqual(r.rc, 1, str(r))
                for word in words:
                    self.assertIn(word, r.err, str(r))
                # still the old policy: refuse, not the new file's nxdomain
                r = ask(d.port, "mail.example.com")
                self.assertEqual(r.rcode(), dns.rcode.REFUSED, f"after a refused reload\n{r}")
                self.assertTrue(d.running())
            s1 = samples(scrape(mport)[0])
            self.assertEqual(value(s1, "canon_policy_generation"), 1)
            self.assertEqual(value(s1, "canon_policy_matches_total", rule="gate", action="refuse"), 5)
            self.assertEqual(d.ok("stats")["policy"]["generation"], 1)

            h.write(work, "policy.toml", GATE_NXDOMAIN)
            r = d.ctl("policy-reload")
            self.assertEqual(r.rc, 0, str(r))
            for _ in range(2):
                r = ask(d.port, "mail.example.com")
                self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN, f"after the reload\n{r}")
                self.assertEqual([str(s.name) for s in soa_of(r)], ["example.com."], r)
            self.assertEqual(ask(d.port, "mail.example.com", tcp=True).rcode(), dns.rcode.NXDOMAIN)
            self.assertEqual([rd.address for rd in ask(d.port, "foo.example.com").answer[0]], ["192.0.2.23"])

            text2 = scrape(mport)[0]
            s2 = samples(text2)
            self.assertEqual(value(s2, "canon_policy_generation"), 2)
            self.assertEqual(value(s2, "canon_policy_rules"), 1)
            self.assertEqual(value(s2, "canon_policy_matches_total", rule="gate", action="nxdomain"), 3)
            old = ("canon_policy_matches_total", frozenset({"rule": "gate", "action": "refuse"}.items()))
            self.assertIn(old, s2, f"the old rule's counter is gone\n{text2}")
            for key, v in s1.items():  # matches never go down
                if key[0] == "canon_policy_matches_total":
                    self.assertGreaterEqual(s2.get(key, -1), v, key)
            self.assertEqual(value(s2, "canon_policy_matches_total", rule="gate", action="refuse"), 5)
            policy = d.ok("stats")["policy"]
            self.assertEqual(policy["generation"], 2, policy)
            self.assertEqual(sorted((m["rule"], m["action"], m["matches"], m["served"])
                                    for m in policy["matches"]),
                             [("gate", "nxdomain", 3, True), ("gate", "refuse", 5, False)], policy)


# --- response rate limiting --------------------------------------------------------

RATE = 50
SLIP = 2
RRL_POLICY = f"""
[rrl]
rate = {RATE}
slip = {SLIP}
ipv4-prefix = 24
exempt = ["127.0.2.0/24"]
"""
FLOOD = 2000          # queries from 127.0.0.1
FLOOD_SECONDS = 2.0   # spread over
FLOOD_SOCKETS = 8     # source ports: spread over both workers
FLOOD_SOURCES = ("127.0.0.1", "127.0.0.77")  # one /24
SECOND = "127.0.1.9"  # another /24
SECOND_COUNT = 20
EXEMPT = "127.0.2.1"
EXEMPT_COUNT = 500


def wire_query(name, rdtype="A"):
    return bytearray(dns.message.make_query(name, rdtype, use_edns=0).to_wire())


def udp_socket(source):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((source, 0))
    s.setblocking(False)
    return s


def send(sock, wire, qid, port):
    wire[0:2] = qid.to_bytes(2, "big")
    sock.sendto(wire, ("127.0.0.1", port))


class RateLimiting(unittest.TestCase):
    def test_rrl(self):
        work = h.tempdir()
        path = h.write(work, "policy.toml", RRL_POLICY)
        mport = h.free_port()
        with h.Canond(zones={z: h.example(z) for z in ZONES},
                      args=["--policy", path, "--metrics", f"127.0.0.1:{mport}", "--workers", "2"]) as d:
            started = time.monotonic()
            self.assertEqual(ask(d.port, "example.com", tcp=True).rcode(), dns.rcode.NOERROR)
            stats0 = d.ok("stats")
            self.assertEqual({k: stats0["rrl"][k] for k in ("enabled", "rate", "slip", "limited")},
                             {"enabled": True, "rate": RATE, "slip": SLIP, "limited": 0}, stats0["rrl"])
            m0 = samples(scrape(mport)[0])

            # Half the sockets from another address of the same /24: one bucket.
            flood = [udp_socket(FLOOD_SOURCES[i % 2]) for i in range(FLOOD_SOCKETS)]
            second = udp_socket(SECOND)
            wire = wire_query("example.com")
            begin = time.monotonic()
            flood_tally, second_tally = Tally(begin), Tally(begin)
            try:
                sent = second_sent = 0
                while ((sent < FLOOD or second_sent < SECOND_COUNT)
                       and time.monotonic() - begin < FLOOD_SECONDS + 2):
                    now = time.monotonic() - begin
                    while sent < FLOOD and sent <= now * FLOOD / FLOOD_SECONDS:
                        send(flood[sent % FLOOD_SOCKETS], wire, sent, d.port)
                        sent += 1
                    if second_sent < SECOND_COUNT and now >= second_sent * FLOOD_SECONDS / SECOND_COUNT:
                        send(second, wire, second_sent, d.port)
                        second_sent += 1
                    for s in flood:
                        flood_tally.take(s)
                    second_tally.take(second)
                    time.sleep(0.0005)
                last_sent = time.monotonic()
                # the last replies (bounded)
                while time.monotonic() - last_sent < 1.0:
                    for s in flood:
                        flood_tally.take(s)
                    second_tally.take(second)
                    if len(second_tally.ids) == SECOND_COUNT and time.monotonic() - last_sent > 0.3:
                        break
                    time.sleep(0.005)
            finally:
                for s in flood + [second]:
                    s.close()
            self.assertEqual(sent, FLOOD, "the flood did not go out in time")
            window = flood_tally.last_full
            info = (f"flood: {sent} sent in {last_sent - begin:.2f} s, {flood_tally.full} full, "
                    f"{flood_tally.slipped} truncated, {flood_tally.other} other; full answers within "
                    f"{window:.2f} s; second source: {second_tally.full}/{SECOND_COUNT} full")
            print(info, file=sys.stderr)

            self.assertEqual(flood_tally.other, 0, info)
            self.assertLessEqual(flood_tally.full, RATE * window + RATE + 5, info)
            self.assertGreaterEqual(flood_tally.full, 0.4 * RATE * window,
                                    "limits more than the rate\n" + info)
            self.assertLess(flood_tally.full, sent / 4, info)
            self.assertGreater(flood_tally.slipped, 0, info)
            stats1 = d.ok("stats")
            m1 = samples(scrape(mport)[0])
            # What canond took in (a loaded machine may overflow its socket
            # buffer): each was answered in full or limited.
            received = stats1["udp"]["received"] - stats0["udp"]["received"] - SECOND_COUNT
            self.assertGreaterEqual(received, 0.9 * FLOOD, f"canond lost datagrams\n{stats1['udp']}")
            limited_seen = received - flood_tally.full
            self.assertLessEqual(abs(SLIP * flood_tally.slipped - limited_seen), 2 * 2 * SLIP,
                                 "not every 2nd limited answer slipped\n" + info)
            self.assertEqual((second_tally.full, second_tally.slipped, len(second_tally.ids)),
                             (SECOND_COUNT, 0, SECOND_COUNT), "another /24 was limited\n" + info)

            rrl = {k: stats1["rrl"][k] - stats0["rrl"][k] for k in ("limited", "slipped", "dropped")}
            self.assertEqual(rrl, {"limited": limited_seen, "slipped": flood_tally.slipped,
                                   "dropped": limited_seen - flood_tally.slipped}, info)
            self.assertEqual(value(m1, "canon_rrl_limited_total") - value(m0, "canon_rrl_limited_total"),
                             limited_seen)
            self.assertEqual(value(m1, "canon_rrl_slipped_total") - value(m0, "canon_rrl_slipped_total"),
                             flood_tally.slipped)

            # The same /24 still gets its NXDOMAINs (another class) and TCP answers.
            for i in range(5):
                r = ask(d.port, f"nothere{i}.example.com")
                self.assertEqual((r.rcode(), bool(r.flags & dns.flags.TC)), (dns.rcode.NXDOMAIN, False), r)
            for _ in range(RATE // 5):
                r = ask(d.port, "example.com", tcp=True)
                self.assertEqual((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 1), r)

            # An exempt prefix is never limited.
            limited_before = d.ok("stats")["rrl"]["limited"]
            exempt = [udp_socket(EXEMPT) for _ in range(4)]
            tally = Tally()
            try:
                begin = time.monotonic()
                for i in range(EXEMPT_COUNT):
                    send(exempt[i % 4], wire, i, d.port)
                    if i % 50 == 49:
                        for s in exempt:
                            tally.take(s)
                        time.sleep(0.02)
                while len(tally.ids) < EXEMPT_COUNT and time.monotonic() - begin < 5:
                    for s in exempt:
                        tally.take(s)
                    time.sleep(0.005)
            finally:
                for s in exempt:
                    s.close()
            self.assertEqual((tally.full, tally.slipped, tally.other), (EXEMPT_COUNT, 0, 0),
                             f"exempt {EXEMPT}: answers by kind")
            self.assertEqual(d.ok("stats")["rrl"]["limited"], limited_before)
            self.assertLess(time.monotonic() - started, 20, "the RRL part took too long")


if __name__ == "__main__":
    h.main()
