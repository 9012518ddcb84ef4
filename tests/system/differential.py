#!/usr/bin/env python3
"""Differential test: canon's answers against Knot DNS (knotd) and NSD.

    differential.py CANON_QUERY [--verbose] [--keep]

1. Writes an alias-rich zone set (zones.py) to a temp dir and checks it with
   canon-checkzone (found next to CANON_QUERY): no errors, and exactly the
   warnings the zones provoke on purpose.
2. Starts knotd and nsd on 127.0.0.1, free high ports, each in its own temp
   dir; waits (bounded) until each answers SOA; always stops exactly the
   processes it started.
3. Sends the same deterministic queries (queries.py) to both over UDP and
   through one `canon-query --wire` process (and once more with --tcp: canon's
   untruncated answers, to check its TC answers and to compare those).
4. Compares canon with each peer section by section. The contract in
   DESIGN.md ("DNS behaviour") is the judge: where a peer departs from it in a
   known, documented way, a rule in rules.py says which peer, which rule and
   why, and must reproduce the peer's answer exactly from canon's. Anything
   else fails and is printed with the three answers.
5. Checks that canon agrees with at least one peer on >= 80% of the queries
   (exactly, or but for the letter case of names in RDATA) and that every
   canon response parses.
6. Checks that where canon and knotd answer with the same records, canon's
   UDP response is never larger than knotd's (names in RDATA compressed at
   least as well, RFC 1035 §4.1.4), and prints both totals.

Exit status: 0 pass, 1 fail, 77 skip (knotd or nsd missing).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import system_python  # noqa: E402

system_python.ensure_dnspython("differential")

import argparse  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402

import dns.exception  # noqa: E402
import dns.query  # noqa: E402
import dns.zone  # noqa: E402

import compare  # noqa: E402
import queries  # noqa: E402
import rules  # noqa: E402
import servers  # noqa: E402
import zones  # noqa: E402

# Share of queries where canon's answer equals at least one peer's, exactly or
# but for the letter case of names inside RDATA (RFC 4343: no difference in
# meaning; the peers take the query's case through compression). Guards
# against a rule table that explains everything away.
MIN_AGREEMENT = 0.80
MIN_QUERIES = 500
# The peer whose response sizes canon's must not exceed (issue: RDATA name
# compression): knotd compresses names in RDATA as RFC 1035 §4.1.4 allows.
SIZE_PEER = "knotd"


def write_zones(directory):
    paths = {}
    for origin, text in zones.ZONES.items():
        paths[origin] = os.path.join(directory, origin + ".zone")
        with open(paths[origin], "w") as f:
            f.write(text)
    return paths


def check_zones(checkzone, paths):
    """canon-checkzone on the whole set: no error, exactly the expected warnings."""
    args = [checkzone]
    for origin, path in paths.items():
        args += [origin, path]
    run = subprocess.run(args, capture_output=True, text=True, timeout=60)
    problems = []
    if run.returncode != 0:
        problems.append(f"canon-checkzone exited {run.returncode}")
    found = set()
    for line in (run.stdout + run.stderr).splitlines():
        m = re.match(r"^[^:]+:\d+: (error|warning): (\S+) .*\[([a-z-]+)\]$", line)
        if not m:
            continue
        if m.group(1) == "error":
            problems.append("error: " + line)
        else:
            found.add((m.group(2), m.group(3)))
    for w in sorted(found - zones.EXPECTED_WARNINGS):
        problems.append(f"unexpected warning {w}")
    for w in sorted(zones.EXPECTED_WARNINGS - found):
        problems.append(f"expected warning missing {w}")
    if problems:
        problems.append("canon-checkzone said:\n" + run.stdout + run.stderr)
    return problems


def ask_canon(canon_query, paths, qs, tcp=False):
    """canon's answers, one hex line per query, from one canon-query process.
    With tcp, the same queries as if over TCP: no UDP size limit."""
    args = [canon_query]
    for origin, path in paths.items():
        args += ["--zone", f"{origin}={path}"]
    args.append("--wire")
    if tcp:
        args.append("--tcp")
    feed = "".join(q.wire.hex() + "\n" for q in qs)
    run = subprocess.run(args, input=feed, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"canon-query exited {run.returncode}: {run.stderr}")
    lines = run.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(qs):
        raise RuntimeError(f"canon-query wrote {len(lines)} lines for {len(qs)} queries")
    return lines


def ask_peer(server, q, tries=3):
    """(message, its size on the wire) or None, over UDP."""
    wire = q.message.to_wire()
    for _ in range(tries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            sock.sendto(wire, ("127.0.0.1", server.port))
            try:
                data = sock.recv(65535)
            except socket.timeout:
                continue
        msg = dns.message.from_wire(data)
        if msg.id == q.message.id:
            return msg, len(data)
    return None


def parse_canon(hex_line):
    """(message or None, problem or None)."""
    if hex_line == "":
        return None, "no response"
    try:
        return dns.message.from_wire(bytes.fromhex(hex_line)), None
    except Exception as e:  # any parse failure is a canon bug
        return None, f"unparsable response ({type(e).__name__}: {e}): {hex_line}"


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("canon_query")
    ap.add_argument("--verbose", action="store_true", help="print every documented difference")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs (zones, server logs)")
    args = ap.parse_args(argv)

    canon_query = os.path.abspath(args.canon_query)
    checkzone = os.path.join(os.path.dirname(canon_query), "canon-checkzone")
    for exe in (canon_query, checkzone):
        if not os.access(exe, os.X_OK):
            print(f"differential: {exe} not found (build first)")
            return 1
    for exe in ("knotd", "nsd"):
        if not (shutil.which(exe) or os.path.exists("/usr/sbin/" + exe)):
            print(f"differential: SKIP, {exe} is not installed (apt-get install knot nsd)")
            return 77

    work = tempfile.mkdtemp(prefix="canon-diff-")
    peers = [servers.Knot(zones.ZONES), servers.Nsd(zones.ZONES)]
    try:
        paths = write_zones(work)
        problems = check_zones(checkzone, paths)
        if problems:
            print("FAIL: the zone set does not check as intended:")
            print("\n".join(problems))
            return 1
        model = {o: dns.zone.from_text(t, origin=o, relativize=False, check_origin=True)
                 for o, t in zones.ZONES.items()}
        qs = queries.generate(model)
        canon_udp = ask_canon(canon_query, paths, qs)
        canon_full = ask_canon(canon_query, paths, qs, tcp=True)
        answers, sizes = {}, {}
        for p in peers:
            try:
                p.start()
            except RuntimeError as e:
                print(f"FAIL: {e}")
                return 1
            replies = [ask_peer(p, q) for q in qs]
            answers[p.name] = [r[0] if r else None for r in replies]
            sizes[p.name] = [r[1] if r else None for r in replies]
            p.stop()
        result = compare_all(qs, canon_udp, canon_full, answers, model, args.verbose)
        compare_sizes(qs, canon_udp, answers, sizes, SIZE_PEER, result)
        return summarize(result, len(qs), list(answers), canon_query, paths)
    finally:
        for p in peers:
            p.stop()
            p.cleanup(keep=args.keep)
        if args.keep:
            print(f"kept: {work} " + " ".join(p.dir or "" for p in peers))
        else:
            shutil.rmtree(work, ignore_errors=True)


def views_of(qs, lines):
    """Parsed canon answers: (list of View or None, list of problems)."""
    views, problems = [], []
    for q, line in zip(qs, lines):
        msg, problem = parse_canon(line)
        views.append(compare.View(msg, len(line) // 2) if msg else None)
        problems.append(problem)
    return views, problems


class Result:
    def __init__(self):
        self.failures = []          # (query, why, canon message, {label: message})
        self.agree = Counter()      # peer -> queries equal to canon's answer
        self.agree_any = 0          # queries equal to at least one peer's answer
        self.agree_folded = 0       # same, or different only in RDATA-name case
        self.by_rule = Counter()    # (peer, rule name) -> queries
        self.unparsable = 0
        self.sized = 0              # queries whose sizes were compared (same records as the size peer)
        self.canon_bytes = 0
        self.peer_bytes = 0


def compare_all(qs, canon_udp, canon_full, answers, model, verbose):
    names = list(answers)
    r = Result()
    udp, udp_problems = views_of(qs, canon_udp)
    full, full_problems = views_of(qs, canon_full)
    by_key, full_by_key = {}, {}
    for q, v, f in zip(qs, udp, full):
        if v is not None:
            by_key.setdefault(q.key(), v)
        if f is not None:
            full_by_key.setdefault(q.key(), f)
    ctx = rules.Context(model, by_key, full_by_key)
    r.unparsable = sum(1 for p in udp_problems + full_problems if p)
    for i, q in enumerate(qs):
        peer_msgs = {n: answers[n][i] for n in names}
        problem = udp_problems[i] or full_problems[i]
        if problem:
            r.failures.append((q, f"canon: {problem}", None, peer_msgs))
            continue
        cview = udp[i]
        if cview.tc and not rules.truncation_is_legitimate(q, cview, full[i]):
            r.failures.append((q, "canon: TC set, but the answer is not whole RRsets of the"
                               " untruncated answer with the next one too large (RFC 2181 §9)",
                               cview.msg, {"canon without size limit": full[i].msg}))
        exact = folded = False
        for n in names:
            pmsg = answers[n][i]
            if pmsg is None:
                r.failures.append((q, f"{n}: no response after retries", cview.msg, peer_msgs))
                continue
            pview = compare.View(pmsg)
            if cview == pview:
                r.agree[n] += 1
                exact = True
                continue
            used = rules.explain(n, q, cview, pview, ctx)
            if used is None:
                r.failures.append((q, f"{n} differs and no documented rule explains it:\n      "
                                   + "\n      ".join(compare.differences(cview, pview)),
                                   cview.msg, peer_msgs))
                continue
            folded = folded or used == [rules.CASE_RULE]
            for rule in used:
                r.by_rule[(n, rule.name)] += 1
            if verbose:
                print(f"{q.label()}: {n} differs by {', '.join(x.name for x in used)}")
        r.agree_any += exact
        r.agree_folded += exact or folded
    return r


def compare_sizes(qs, canon_udp, answers, sizes, peer, r):
    """canon's UDP response is never larger than the peer's where both hold
    the same records (same View): names are compressed at least as well."""
    udp, _ = views_of(qs, canon_udp)
    for i, q in enumerate(qs):
        pmsg, psize, cview = answers[peer][i], sizes[peer][i], udp[i]
        if pmsg is None or cview is None or cview != compare.View(pmsg):
            continue
        r.sized += 1
        r.canon_bytes += cview.wire_length
        r.peer_bytes += psize
        if cview.wire_length > psize:
            r.failures.append((q, f"canon's response is {cview.wire_length} octets, {peer}'s {psize}"
                               " for the same records: a name is compressed less", cview.msg,
                               {peer: pmsg}))


def summarize(r, total, names, canon_query, paths):
    pct = lambda n: f"{n} ({100.0 * n / total:.1f}%)"  # noqa: E731
    print(f"queries: {total}")
    for n in names:
        print(f"  canon = {n}: {pct(r.agree[n])}")
    print(f"  canon = at least one peer: {pct(r.agree_any)}")
    print(f"  canon = at least one peer, letter case of RDATA names aside: {pct(r.agree_folded)}")
    print("documented differences (peer, rule: queries); the rules are listed below")
    for rule in rules.RULES:
        for n in names:
            if r.by_rule[(n, rule.name)]:
                print(f"  {n:6} {rule.name}: {r.by_rule[(n, rule.name)]}")
    print(f"canon responses that do not parse: {r.unparsable}")
    if r.sized:
        print(f"response sizes where canon and {SIZE_PEER} hold the same records: {r.sized} queries,"
              f" canon {r.canon_bytes} octets, {SIZE_PEER} {r.peer_bytes}"
              f" ({r.canon_bytes / r.peer_bytes:.3f}x)")
    print(f"failures: {len(r.failures)}")
    zone_args = " ".join(f"--zone {o}={p}" for o, p in paths.items())
    for q, why, cmsg, peer_msgs in r.failures:
        print(f"\nFAIL {q.label()}\n  {why}\n  canon:\n{compare.render(cmsg)}")
        for n, m in peer_msgs.items():
            print(f"  {n}:\n{compare.render(m)}")
        print(f"  reproduce (run with --keep): {canon_query} {zone_args} {q.cli()}")
    print("\nthe documented differences (DESIGN.md, 'DNS behaviour', is the contract):")
    for rule in rules.RULES:
        print(f"  {rule.name} [{', '.join(rule.peers)}] ({rule.contract}):\n    {rule.why}")
    ok = True
    if total < MIN_QUERIES:
        print(f"FAIL: only {total} queries (want >= {MIN_QUERIES})")
        ok = False
    if r.agree_folded < MIN_AGREEMENT * total:
        print(f"FAIL: canon agrees with a peer (RDATA-name case aside) on {r.agree_folded}/{total},"
              f" below {MIN_AGREEMENT:.0%}: the rule table explains too much")
        ok = False
    if r.sized < MIN_QUERIES // 2:
        print(f"FAIL: only {r.sized} responses compared by size with {SIZE_PEER}")
        ok = False
    if r.failures:
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
