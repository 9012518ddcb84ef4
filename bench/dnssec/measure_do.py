#!/usr/bin/python3
"""bench/dnssec's measurement: DO=1 answers (issue 18), canond beside knotd and nsd.

    measure_do.py --canond BIN --out FILE [--quick] [--names N] [--qcount N] [--passes R]
               [--servers "canond knotd nsd"] [--meta key=value]...

Started by bench/dnssec/run, which builds canond. One zone, generated here
and signed with dnssec-keygen + dnssec-signzone (ECDSAP256SHA256, NSEC3 with
no salt and 0 iterations, RFC 9276): N hosts with an A record, a wildcard
*.wild, and N/20 CNAME chains of 3 links (c1-K -> c2-K -> c3-K -> hK). All
three servers serve the signed file as it is (none signs). Query kinds, one
query file each (dnsperf -B: wire queries with EDNS, payload 1232, DO=1):
  a_hit     hK A                     (positive answer)
  nxdomain  nxK A, names not there   (NXDOMAIN: NSEC3 closest-encloser proof)
  wildcard  wK.wild A                (wildcard answer: NSEC3 for the next closer)
  chain3    c1-K A                   (3 CNAMEs and the A, each with its RRSIG)
and the same with DO=0 for canond only (DO=0 answers must not change).

Before any measurement every query of every kind is asked once of every
server with dnspython (UDP, DO=1, payload 1232) and checked: the rcode and
the answer the kind must give (a failure stops the run: a wrong workload is
worse than none); the wire lengths give the mean response size per kind and
server. Then the instructions per answer are bench/daemon's (the suite's
servers and measures: tests/system/servers.py, bench/suite/measure.py): the
server under callgrind (every thread), pinned to CPU 1, dnsperf on CPU 0;
canond and knotd: counters zeroed once it answers, R passes over the kind's
file (`-n R -c 1 -q 20`), dumped, the dumps' summary lines summed; nsd, whose
forked server process callgrind_control cannot reach: two runs of 1 and 1+R
passes, stopped, the difference of the totals at exit. Instructions over the
answered queries. Servers are stopped by PID; traffic to 127.0.0.1 only.
"""
import argparse
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "suite"))
import paths  # noqa: E402,F401  (tests/system on sys.path)
import measure  # noqa: E402  (bench/suite/measure.py)
import servers  # noqa: E402  (tests/system/servers.py)

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

ROOT = paths.ROOT
ORIGIN = "example.com."
KINDS = ("a_hit", "nxdomain", "wildcard", "chain3")
PAYLOAD = 1232
SERVER_CPU = 1
SERVER_WAIT = 120    # s for a native server to answer
VG_WAIT = 600        # s for a server under valgrind to answer
RUNNING = []         # servers started and not yet stopped: stopped by PID on any exit
PEER_NSEC3 = {"nxdomain": 2, "wildcard": 1}  # at least, in knotd's and nsd's answers
TARGET_RATIO = 3.0   # issue 18: at least 3x fewer instructions than knotd


def log(msg):
    print(f"== {msg}", file=sys.stderr, flush=True)


def run(cmd, cwd, timeout=600):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[-800:]}")
    return r.stdout


# ---- zone ------------------------------------------------------------------------------------

def chains_for(names):
    return max(10, names // 20)


def write_zone(path, names):
    chains = chains_for(names)
    lines = [f"$ORIGIN {ORIGIN}", "$TTL 3600", "@ SOA ns1 hostmaster 1 7200 3600 1209600 300",
             "@ NS ns1", "@ NS ns2", "ns1 A 192.0.2.53", "ns2 A 192.0.2.54"]
    lines += [f"h{i} A 198.51.{i // 256 % 256}.{i % 256}" for i in range(names)]
    lines += ["*.wild A 192.0.2.8"]
    for k in range(chains):
        lines += [f"c1-{k} CNAME c2-{k}", f"c2-{k} CNAME c3-{k}", f"c3-{k} CNAME h{k % names}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def sign_zone(work, unsigned):
    """KSK and ZSK (ECDSAP256SHA256), NSEC3 with no salt and 0 iterations; returns the signed file."""
    kdir = os.path.join(work, "keys")
    os.makedirs(kdir)
    run(["dnssec-keygen", "-q", "-K", kdir, "-a", "ECDSAP256SHA256", "-f", "KSK", ORIGIN], kdir)
    run(["dnssec-keygen", "-q", "-K", kdir, "-a", "ECDSAP256SHA256", ORIGIN], kdir)
    signed = unsigned + ".signed"
    run(["dnssec-signzone", "-S", "-K", kdir, "-3", "-", "-H", "0", "-o", ORIGIN, "-f", signed, unsigned], kdir)
    return signed


# ---- queries ---------------------------------------------------------------------------------

def questions(kind, names, count, rng):
    if kind == "a_hit":
        return [f"h{rng.randrange(names)}.{ORIGIN}" for _ in range(count)]
    if kind == "nxdomain":
        return [f"nx{i}.{ORIGIN}" for i in rng.sample(range(count * 10), count)]
    if kind == "wildcard":
        return [f"w{i}.wild.{ORIGIN}" for i in rng.sample(range(count * 10), count)]
    if kind == "chain3":
        return [f"c1-{rng.randrange(chains_for(names))}.{ORIGIN}" for _ in range(count)]
    raise ValueError(kind)


def query(name, do):
    q = dns.message.make_query(name, "A", want_dnssec=do, use_edns=0, payload=PAYLOAD)
    q.flags = 0  # an authoritative's query: no RD
    return q


def write_binary(path, names, do):
    """dnsperf -B input: each query as on TCP (2-octet length, then the message)."""
    with open(path, "wb") as f:
        for name in names:
            w = query(name, do).to_wire()
            f.write(struct.pack("!H", len(w)) + w)


# ---- checks and sizes --------------------------------------------------------------------------

def ask(port, name, do):
    """(message, wire length) over UDP; None when nothing came back (after 3 tries)."""
    import socket
    q = query(name, do)
    wire = q.to_wire()
    for _ in range(3):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2.0)
            s.connect(("127.0.0.1", port))
            s.send(wire)
            try:
                while True:
                    data = s.recv(65535)
                    msg = dns.message.from_wire(data)
                    if msg.id == q.id:
                        return msg, len(data)
            except (socket.timeout, OSError):
                continue
    return None, 0


def judge(kind, name, msg, do):
    """Why MSG is not the answer KIND must give to NAME A (None: it is)."""
    if msg is None:
        return "no answer"
    if msg.flags & dns.flags.TC:
        return f"truncated at payload {PAYLOAD}"
    rc = msg.rcode()
    want = dns.rcode.NXDOMAIN if kind == "nxdomain" else dns.rcode.NOERROR
    if rc != want:
        return f"rcode {dns.rcode.to_text(rc)}, want {dns.rcode.to_text(want)}"
    data = [r for r in msg.answer if r.rdtype != dns.rdatatype.RRSIG]
    sigs = [r for r in msg.answer if r.rdtype == dns.rdatatype.RRSIG]
    if kind == "nxdomain":
        if data:
            return "NXDOMAIN with an answer"
        if not any(r.rdtype == dns.rdatatype.SOA for r in msg.authority):
            return "NXDOMAIN without the SOA in authority"
        return None
    cnames = [r for r in data if r.rdtype == dns.rdatatype.CNAME]
    a = [r for r in data if r.rdtype == dns.rdatatype.A]
    if not a or not a[0]:
        return "no A record in the answer"
    if kind == "chain3" and len(cnames) != 3:
        return f"{len(cnames)} CNAMEs in the answer, want 3"
    if kind in ("a_hit", "wildcard") and (cnames or a[0].name.to_text() != name):
        return f"the A is owned by {a[0].name}, want {name}"
    if do and len(sigs) != len(data):
        return f"{len(data)} RRsets but {len(sigs)} RRSIG sets in the answer"
    if not do and (sigs or any(r.rdtype in (dns.rdatatype.RRSIG, dns.rdatatype.NSEC3) for r in msg.authority)):
        return "DNSSEC records in a DO=0 answer"
    return None


def check(server, kind, names, do):
    """Every query of KIND asked once: the first few failures, the mean size in octets, the NSEC3
    records per answer (authority section) and the largest answer."""
    bad, total, nsec3, largest = [], 0, 0, 0
    for name in names:
        msg, size = ask(server.port, name, do)
        why = judge(kind, name, msg, do)
        if why:
            bad.append(f"{name} A: {why}")
            if len(bad) >= 5:
                break
            continue
        total += size
        largest = max(largest, size)
        nsec3 += sum(len(r) for r in msg.authority if r.rdtype == dns.rdatatype.NSEC3)
    n = len(names)
    return {"bad": bad, "bytes": round(total / n, 1), "nsec3": round(nsec3 / n, 2), "largest": largest}


# ---- callgrind -------------------------------------------------------------------------------

def cg_pass(server, queries, out_path, passes):
    """PASSES passes over the binary query file, one query in flight: dnsperf's summary."""
    cmd = ["dnsperf", "-s", "127.0.0.1", "-p", str(server.port), "-B", "-d", queries, "-n", str(passes),
           "-c", "1", "-q", "20", "-t", "10"]
    text, _ = measure._timed(cmd, out_path, 1800)
    st = measure.dnsperf_stats(text)
    if st["completed"] <= 0:
        raise RuntimeError(f"{server.name} answered nothing under callgrind")
    return st


def zero_dump(server, queries, prefix, out_path, passes):
    """measure.zero_dump's method with dnsperf -B: (instructions, dnsperf's summary)."""
    pids = server.pids()
    for p in pids:
        measure.callgrind_control("z", p)
    st = cg_pass(server, queries, out_path, passes)
    before = set(glob.glob(prefix + ".*"))
    for p in pids:
        measure.callgrind_control("d", p)
    new = sorted(set(glob.glob(prefix + ".*")) - before)
    if not new:
        raise RuntimeError(f"no callgrind dump appeared for {server.name}")
    return measure.summary_total(new), st


class Bench:
    def __init__(self, a, work):
        self.a, self.work = a, work
        self.rows = []
        self.started = 0
        self.zone = None

    def add(self, row):
        self.rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def out(self, name):
        return os.path.join(self.work, name)

    def qfile(self, kind, do):
        return self.out(f"{kind}-do{int(do)}.bin")

    def start(self, name, mode, callgrind_out=None):
        s = servers.CLASSES[name]([(ORIGIN, self.zone)], self.work, [(ORIGIN, "SOA"), (f"h0.{ORIGIN}", "A")],
                                  SERVER_CPU)
        if name == "canond":
            s.binary = self.a.canond
        self.started += 1
        RUNNING.append(s)
        s.start(VG_WAIT if callgrind_out else SERVER_WAIT, f"{mode}-{self.started}", callgrind_out)
        log(f"{name} ({mode}) answers on 127.0.0.1:{s.port} (pid {s.proc.pid})")
        return s

    def stop(self, s, wait_s=10):
        if s in RUNNING:
            RUNNING.remove(s)
        s.stop(wait_s)

    def expect(self, st, kind, answered):
        """dnsperf's rcodes must be the kind's only."""
        want = "NXDOMAIN" if kind == "nxdomain" else "NOERROR"
        if not st["rcodes"].startswith(want) or st["rcodes"].count("(") != 1 or st["completed"] != answered:
            raise RuntimeError(f"{kind}: dnsperf saw {st['completed']} answers ({st['rcodes']}), "
                               f"want {answered} {want}")

    def checks(self, names):
        """Every server up at once, every kind asked; stops the run on a wrong answer."""
        up = {n: self.start(n, "check") for n in self.a.servers}
        problems = []
        for kind in KINDS:
            for n, s in up.items():
                for do in ((True, False) if n == "canond" else (True,)):
                    r = check(s, kind, names[kind], do)
                    self.add({"measure": "check", "server": n, "kind": kind, "do": int(do),
                              "queries": len(names[kind]), **{k: v for k, v in r.items() if k != "bad"},
                              "bad": len(r["bad"])})
                    problems += [f"{n} {kind} DO={int(do)}: {b}" for b in r["bad"]]
                    # the peers prove that the zone is NSEC3-signed and the kinds ask what they should
                    least = PEER_NSEC3.get(kind, 0)
                    if n != "canond" and r["nsec3"] < least:
                        problems.append(f"{n} {kind}: {r['nsec3']} NSEC3 records per answer, want {least}+")
        for s in up.values():
            self.stop(s)
        if problems:
            raise RuntimeError("wrong answers, nothing measured:\n  " + "\n  ".join(problems))

    def callgrind(self, name):
        cg = self.out("cg")
        os.makedirs(cg, exist_ok=True)
        R, n = self.a.passes, self.a.qcount
        if name != "nsd":
            s = self.start(name, "callgrind", os.path.join(cg, name))
            time.sleep(1)
            for kind in KINDS:
                for do in ((True, False) if name == "canond" else (True,)):
                    log(f"{name} under callgrind: {kind} DO={int(do)}, {R} pass(es) of {n}")
                    dp = self.out(f"cg-{name}-{kind}-{int(do)}.dnsperf")
                    ir, st = zero_dump(s, self.qfile(kind, do), os.path.join(cg, name), dp, R)
                    self.expect(st, kind, R * n)
                    self.add({"measure": "cg", "server": name, "kind": kind, "do": int(do), "ir": ir,
                              "answered": st["completed"], "lost": st["lost"], "rcodes": st["rcodes"],
                              "dnsperf_resp_size": st["resp_size"], "method": "zero-dump"})
            self.stop(s, 60)
            return
        for kind in KINDS:
            totals, st = {}, {}
            for passes in (1, 1 + R):
                log(f"nsd under callgrind: {kind} DO=1, {passes} pass(es) of {n}, then stopped")
                prefix = os.path.join(cg, f"nsd-{kind}-{passes}")
                s = self.start(name, "callgrind", prefix)
                time.sleep(1)
                st[passes] = cg_pass(s, self.qfile(kind, True), self.out(f"cg-nsd-{kind}-{passes}.dnsperf"), passes)
                self.expect(st[passes], kind, passes * n)
                self.stop(s, 120)
                totals[passes] = measure.summary_total(glob.glob(prefix + ".*"))
            big = st[1 + R]
            self.add({"measure": "cg", "server": name, "kind": kind, "do": 1, "ir": totals[1 + R] - totals[1],
                      "answered": big["completed"] - st[1]["completed"], "lost": big["lost"],
                      "rcodes": big["rcodes"], "dnsperf_resp_size": big["resp_size"], "method": "difference",
                      "totals": f"{totals[1]}/{totals[1 + R]}"})


# ---- report ----------------------------------------------------------------------------------

def short_proofs(ck):
    """Kinds whose canond DO=1 answers carry fewer NSEC3 records than knotd's."""
    out = []
    for kind in KINDS:
        c, k = ck.get(("canond", kind, 1)), ck.get(("knotd", kind, 1))
        if c and k and c["nsec3"] < k["nsec3"]:
            out.append(kind)
    return out


def fmt(x):
    return "–" if x is None else f"{x:,.0f}"


def ratio(a, b):
    return None if not a or not b else a / b


def report(a, rows, meta):
    cg = {(r["server"], r["kind"], r["do"]): r["ir"] / r["answered"] for r in rows if r["measure"] == "cg"}
    ck = {(r["server"], r["kind"], r["do"]): r for r in rows if r["measure"] == "check"}
    L = ["# DNSSEC: DO=1 answers, canond beside knotd and nsd (issue 18)", "",
         f"Written by `{meta['command']}` on {meta['date']} ({meta['duration']}); commit {meta['commit']}.", "",
         "Targets (issue 18): instructions per DO=1 answer at least 3× fewer than knotd for each kind; "
         "bytes per DO=1 answer never above knotd's.", "",
         "## Instructions per answer (DO=1)", "",
         "User-space instructions per answered query under callgrind, every thread of the server "
         "(nsd: the difference of two runs at exit).", "",
         "| kind | canond | knotd | nsd | knotd ÷ canond | nsd ÷ canond | ≥ 3× knotd |",
         "|---|---:|---:|---:|---:|---:|:---:|"]
    short = short_proofs(ck)
    for kind in KINDS:
        c, k, n = (cg.get((s, kind, 1)) for s in ("canond", "knotd", "nsd"))
        rk, rn = ratio(k, c), ratio(n, c)
        L.append(f"| {kind}{' †' if kind in short else ''} | {fmt(c)} | {fmt(k)} | {fmt(n)} | {'–' if rk is None else f'{rk:.2f}×'} | "
                 f"{'–' if rn is None else f'{rn:.2f}×'} | "
                 f"{'–' if rk is None else ('yes' if rk >= TARGET_RATIO else 'no')} |")
    L += ["", "## Bytes per answer (DO=1, UDP, payload 1232)", "",
          "Mean response size in octets over every query of the kind, asked once with dnspython; "
          "NSEC3: NSEC3 records per answer in the authority section.", "",
          "| kind | canond | knotd | nsd | canond − knotd | ≤ knotd | NSEC3 canond / knotd / nsd |",
          "|---|---:|---:|---:|---:|:---:|---|"]
    for kind in KINDS:
        c, k, n = (ck.get((s, kind, 1)) for s in ("canond", "knotd", "nsd"))
        b = [x["bytes"] if x else None for x in (c, k, n)]
        diff = None if b[0] is None or b[1] is None else b[0] - b[1]
        L.append(f"| {kind}{' †' if kind in short else ''} | {'–' if b[0] is None else b[0]} | {'–' if b[1] is None else b[1]} | "
                 f"{'–' if b[2] is None else b[2]} | {'–' if diff is None else f'{diff:+.1f}'} | "
                 f"{'–' if diff is None else ('yes' if diff <= 0 else 'no')} | "
                 + " / ".join("–" if x is None else f"{x['nsec3']:g}" for x in (c, k, n)) + " |")
    if short:
        L += ["", f"† canond's answers of {', '.join(short)} carry fewer NSEC3 records than knotd's (its denial "
              "proofs are not all served yet): these figures do not compare like with like, and the ≤ knotd "
              "bytes column says yes for a shorter, incomplete answer."]
    L += ["", "## canond, DO=0 beside DO=1", "",
          "| kind | instructions DO=0 | instructions DO=1 | DO=1 ÷ DO=0 | bytes DO=0 | bytes DO=1 |",
          "|---|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        i0, i1 = cg.get(("canond", kind, 0)), cg.get(("canond", kind, 1))
        b0, b1 = ck.get(("canond", kind, 0)), ck.get(("canond", kind, 1))
        r = ratio(i1, i0)
        L.append(f"| {kind} | {fmt(i0)} | {fmt(i1)} | {'–' if r is None else f'{r:.2f}'} | "
                 f"{b0['bytes'] if b0 else '–'} | {b1['bytes'] if b1 else '–'} |")
    L += ["", "DO=0 answers were checked to carry no RRSIG or NSEC3 record.", "", "## How", "",
          f"- Zone: {ORIGIN} generated at run time: {a.names} hosts with an A record, `*.wild` A, "
          f"{chains_for(a.names)} chains c1-K → c2-K → c3-K → hK; signed with dnssec-keygen and dnssec-signzone "
          "(ECDSAP256SHA256, KSK + ZSK, NSEC3 with no salt and 0 iterations, RFC 9276). knotd, nsd and canond "
          "serve the signed file as it is (none of them signs).",
          f"- Queries: one file per kind, {a.qcount} queries (seed 1): a_hit `hK A`; nxdomain `nxK A` (names "
          "not in the zone: NSEC3 closest-encloser proof); wildcard `wK.wild A`; chain3 `c1-K A`. Wire "
          f"queries (dnsperf -B) with EDNS payload {PAYLOAD} and DO=1 (canond also DO=0), RD=0.",
          "- Before measuring, every query of each kind was asked once of each server and checked (rcode; "
          "the A, the 3 CNAMEs of a chain, an RRSIG set per RRset with DO=1 and none with DO=0; SOA with "
          "NXDOMAIN; no truncation); a wrong answer stops the run.",
          f"- Instructions: each server under `valgrind --tool=callgrind` pinned to CPU 1, dnsperf on CPU 0; "
          f"counters zeroed once it answers, {a.passes} pass(es) over the kind's file (`dnsperf -B -n "
          f"{a.passes} -c 1 -q 20`), dumped, summed over every thread; nsd forks its server process, which "
          f"callgrind_control cannot reach: runs of 1 and {1 + a.passes} passes, the difference of the totals "
          "at exit. Divided by the answered queries (dnsperf's count; its rcodes checked). One server "
          "started per measurement series (canond and knotd once, nsd twice per kind).",
          f"- Machine: {meta['machine']}. Callgrind counts do not depend on the load of the other core.",
          f"- Versions: {meta['versions']}.",
          f"- Raw figures: bench/results/work/{meta['raw']}/results.jsonl (git-ignored)."]
    if any(m.startswith("note=") for m in a.meta):
        L += [""] + [m[5:] for m in a.meta if m.startswith("note=")]
    return "\n".join(L) + "\n"


def signzone_version():
    r = subprocess.run(["dnssec-signzone", "-V"], capture_output=True, text=True, timeout=20)
    lines = (r.stdout + r.stderr).strip().splitlines()
    return lines[0] if lines else "dnssec-signzone ?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({model}), {os.uname().sysname} {os.uname().release}, "
            f"load average {load:.1f} at the start (other builds on the machine)")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canond", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--names", type=int, default=5000)
    ap.add_argument("--qcount", type=int)
    ap.add_argument("--passes", type=int)
    ap.add_argument("--servers", default="canond knotd nsd")
    ap.add_argument("--command", default="bench/dnssec/run")
    ap.add_argument("--meta", action="append", default=[], help="key=value (note=TEXT: a paragraph at the end)")
    a = ap.parse_args()
    a.servers = a.servers.replace(",", " ").split()
    for s in a.servers:
        if s not in servers.CLASSES:
            ap.error(f"unknown server '{s}'")
    if "canond" not in a.servers:
        ap.error("canond is the reference of the ratios: keep it in --servers")
    a.qcount = a.qcount or (200 if a.quick else 2000)
    a.passes = a.passes or (1 if a.quick else 2)
    if a.names < 10:
        ap.error("--names: at least 10")
    return a


def main():
    a = parse_args()
    t0 = time.monotonic()
    mach = machine()
    work = tempfile.mkdtemp(prefix="canon-dnssec-bench.")
    b = Bench(a, work)
    try:
        log(f"zone: {a.names} hosts, {chains_for(a.names)} chains of 3, a wildcard; signing (ECDSA P-256, NSEC3)")
        unsigned = b.out("example.com.zone")
        write_zone(unsigned, a.names)
        b.zone = sign_zone(work, unsigned)
        rng = random.Random(1)
        names = {kind: questions(kind, a.names, a.qcount, rng) for kind in KINDS}
        for kind in KINDS:
            for do in (True, False):
                write_binary(b.qfile(kind, do), names[kind], do)
        log(f"checking every answer of every server ({a.qcount} queries per kind)")
        b.checks(names)
        for name in a.servers:
            b.callgrind(name)
        raw_name = "dnssec-quick-raw" if a.quick else "dnssec-raw"
        raw = os.path.join(ROOT, "bench/results/work", raw_name)
        shutil.rmtree(raw, ignore_errors=True)
        os.makedirs(raw)
        with open(os.path.join(raw, "results.jsonl"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in b.rows))
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=ROOT).stdout.strip() or "unknown"
        if subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode != 0:
            commit += "+dirty"
        v = servers.versions(a.canond)
        dur = time.monotonic() - t0
        meta = {"command": a.command, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "duration": f"{dur / 60:.1f} min", "commit": commit, "machine": mach, "raw": raw_name,
                "versions": "; ".join(v[k] for k in ("canond", "knotd", "nsd", "dnsperf", "valgrind"))
                            + "; " + signzone_version()}
        text = report(a, b.rows, meta)
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            f.write(text)
        print(text)
        log(f"wrote {a.out} in {dur / 60:.1f} min")
    finally:
        while RUNNING:
            RUNNING.pop().stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
