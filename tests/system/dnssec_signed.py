#!/usr/bin/env python3
"""Signed zones served by canond, proven by validating resolvers (issue 18, first slice).

    dnssec_signed.py CANOND [--keep] [--verbose]

1. Generates keys with dnssec-keygen and signs two small zones with
   dnssec-signzone, at test time: nsec.test. (algorithm 13, ECDSAP256SHA256,
   NSEC) and nsec3.test. (algorithm 8, RSASHA256, NSEC3 without salt and
   with 0 iterations, RFC 9276). Each holds A, AAAA, MX, TXT, a CNAME chain,
   a wildcard, a DNAME and a delegation with glue. canon-checkzone (next to
   CANOND) must find nothing in them: no ttl-mismatch, no unsigned set.
2. Serves both from canond, knotd and nsd (plain signed zone files; the peers
   sign nothing) on loopback and asks the positive questions with DO=1 over
   UDP: canond's answer must equal knotd's and nsd's section by section,
   RRSIGs included (compare.View: RRs as sets with owner, TTL and RDATA), and
   be no larger than knotd's on the wire. Where both truncate (RSA
   signatures on a 3-link chain pass 1232 octets), the TCP answers are
   compared: which RRs a truncated answer keeps is each server's choice.
3. Starts unbound on loopback as a validating resolver, with the zones' KSKs
   as trust anchors and a stub zone per zone pointing at canond: every
   positive question but the wildcard ones must come back NOERROR with AD=1.
   delv, a second validator, must say "fully validated" on a sample.

Left out until the next slice of issue 18 builds them (and said so here, not
asserted): negative answers (NXDOMAIN, NODATA) need NSEC/NSEC3 denial proofs,
a wildcard answer needs the proof that the query name does not exist (RFC
4035 §5.3.4), and a referral needs DS or the proof of no DS. canond answers
them today without those proofs, so a validator finds them bogus.

Exit status: 0 pass, 1 fail, 77 skip (a tool missing).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import system_python  # noqa: E402

system_python.ensure_dnspython("dnssec_signed")

import argparse  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import dns.exception  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

import compare  # noqa: E402
import servers  # noqa: E402

ZONE_BODY = """$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
@ MX 10 mail
www 300 A 192.0.2.1
www AAAA 2001:db8::1
www 600 TXT "hello world"
mail A 192.0.2.25
mail AAAA 2001:db8::25
c1 CNAME c2
c2 CNAME c3
c3 CNAME www
*.wild 120 A 192.0.2.8
*.wild TXT "wild"
dn DNAME target.{origin}
host.target A 192.0.2.77
deleg NS ns.deleg
ns.deleg A 192.0.2.99
"""

# origin -> (algorithm, dnssec-signzone's extra arguments)
ZONES = {
    "nsec.test.": ("ECDSAP256SHA256", []),
    "nsec3.test.": ("RSASHA256", ["-3", "-", "-H", "0"]),
}

# Positive questions: (name relative to the origin, type). The wildcard ones
# are compared with the peers but not asked of the validators (docstring).
POSITIVE = [("www", "A"), ("www", "AAAA"), ("www", "TXT"), ("@", "MX"), ("mail", "A"),
            ("c1", "A"), ("c2", "AAAA"), ("c3", "TXT"), ("host.dn", "A"), ("@", "SOA"),
            ("@", "NS"), ("@", "DNSKEY"), ("ns1", "A"), ("host.target", "A"),
            ("x.wild", "A"), ("y.wild", "TXT")]
WILDCARD = {"x.wild", "y.wild"}
DELV_SAMPLE = [("www", "A"), ("c1", "A"), ("host.dn", "A"), ("@", "DNSKEY"), ("@", "MX")]

TIMEOUT_S = 2.0


def fqdn(name, origin):
    return origin if name == "@" else f"{name}.{origin}"


def run(cmd, cwd, timeout=60):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def sign_zones(work):
    """Writes, keys and signs each zone; returns {origin: signed file} and
    {origin: [KSK DNSKEY presentation lines]}."""
    signed, anchors = {}, {}
    for origin, (algorithm, extra) in ZONES.items():
        zdir = os.path.join(work, origin.rstrip("."))
        os.makedirs(zdir)
        unsigned = os.path.join(zdir, "zone")
        with open(unsigned, "w") as f:
            f.write(f"$ORIGIN {origin}\n" + ZONE_BODY.format(origin=origin))
        ksk = run(["dnssec-keygen", "-q", "-K", zdir, "-a", algorithm, "-f", "KSK", origin], zdir).strip()
        run(["dnssec-keygen", "-q", "-K", zdir, "-a", algorithm, origin], zdir)
        signed[origin] = os.path.join(zdir, "zone.signed")
        run(["dnssec-signzone", "-S", "-K", zdir, "-o", origin, "-f", signed[origin]] + extra + [unsigned], zdir)
        with open(os.path.join(zdir, ksk + ".key")) as f:
            anchors[origin] = [line.strip() for line in f if "DNSKEY" in line and not line.startswith(";")]
    return signed, anchors


def check_zones(checkzone, signed):
    args = [checkzone, "--signature-warn-days", "7"]
    for origin, path in signed.items():
        args += [origin, path]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    out = (r.stdout + r.stderr).strip()
    problems = []
    if r.returncode != 0:
        problems.append(f"canon-checkzone exited {r.returncode}")
    if "warning:" in out or "error:" in out:
        problems.append("canon-checkzone found something in the signed zones:\n" + out)
    return problems


def ask(port, name, qtype, rd=False, ad=False, tries=3, tcp=False):
    """(message, wire size) of a DO=1 query (UDP, or TCP), or (None, 0)."""
    q = dns.message.make_query(name, qtype, want_dnssec=True, payload=1232)
    q.flags = (dns.flags.RD if rd else 0) | (dns.flags.AD if ad else 0)
    if tcp:
        try:
            msg = dns.query.tcp(q, "127.0.0.1", port=port, timeout=TIMEOUT_S)
            return msg, len(msg.to_wire())
        except (OSError, dns.exception.DNSException):
            return None, 0
    wire = q.to_wire()
    for _ in range(tries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT_S)
            s.sendto(wire, ("127.0.0.1", port))
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                try:
                    data = s.recv(65535)
                except socket.timeout:
                    break
                msg = dns.message.from_wire(data)
                if msg.id == q.id:
                    return msg, len(data)
    return None, 0


def view(msg, name, peer):
    """compare.View of MSG, with what this slice does not compare left out:
    the authority section of a wildcard answer (the peers prove there that
    the query name does not exist: next slice), and NSD's additional
    section (with minimal-responses, as the benchmarks run it, NSD gives no
    additional data but referral glue; knotd's is compared)."""
    v = compare.View(msg)
    if name in WILDCARD:
        v.sections["authority"] = []
    if peer == "nsd":
        v.sections["additional"] = []
    return v


def compare_peers(canond, peers, verbose):
    """canond against each peer on the positive questions, DO=1 over UDP
    (payload 1232); when both truncate, the answers over TCP are compared."""
    problems, sizes = [], {"canond": 0, "knotd": 0}
    count = truncated = 0
    for origin in ZONES:
        for name, qtype in POSITIVE:
            qname = fqdn(name, origin)
            mine, my_size = ask(canond.port, qname, qtype)
            if mine is None:
                problems.append(f"{qname} {qtype}: no answer from canond")
                continue
            count += 1
            mine_tcp = None
            if mine.flags & dns.flags.TC:
                truncated += 1
                mine_tcp, _ = ask(canond.port, qname, qtype, tcp=True)
            full = mine_tcp or mine
            if not any(rr.rdtype == dns.rdatatype.RRSIG for rr in full.answer):
                problems.append(f"{qname} {qtype}: canond's answer has no RRSIG\n{compare.render(full)}")
            for peer in peers:
                theirs, their_size = ask(peer.port, qname, qtype)
                if theirs is None:
                    problems.append(f"{qname} {qtype}: no answer from {peer.name}")
                    continue
                ours = mine
                if (mine.flags & dns.flags.TC) and (theirs.flags & dns.flags.TC):
                    # Both truncated: what each kept of the answer is its own choice.
                    theirs, _ = ask(peer.port, qname, qtype, tcp=True)
                    ours = mine_tcp
                    if theirs is None or ours is None:
                        problems.append(f"{qname} {qtype}: no TCP answer from canond or {peer.name}")
                        continue
                a, b = view(ours, name, "canond"), view(theirs, name, peer.name)
                if peer.name == "nsd":
                    a.sections["additional"] = []
                if a != b:
                    problems.append(f"{qname} {qtype}: canond differs from {peer.name}: "
                                    + "; ".join(compare.differences(a, b))
                                    + f"\n  canond:\n{compare.render(ours)}\n  {peer.name}:\n{compare.render(theirs)}")
                if peer.name == "knotd" and ours is mine and name not in WILDCARD:
                    sizes["canond"] += my_size
                    sizes["knotd"] += their_size
                    if my_size > their_size:
                        problems.append(f"{qname} {qtype}: canond's answer is {my_size} octets, knotd's {their_size}")
                    if verbose:
                        print(f"  {qname} {qtype}: {my_size} vs knotd {their_size} octets")
    print(f"compared {count} DO=1 answers with knotd and nsd ({truncated} truncated at 1232, compared over TCP); "
          f"UDP bytes where both fit and no proof is missing: canond {sizes['canond']}, knotd {sizes['knotd']}")
    return problems


def unbound_conf(dir, port, canond_port, anchor_file):
    text = ("server:\n"
            f"    interface: 127.0.0.1@{port}\n    port: {port}\n    do-ip6: no\n"
            f'    directory: "{dir}"\n    chroot: ""\n    username: ""\n    pidfile: "{dir}/unbound.pid"\n'
            '    use-syslog: no\n    logfile: ""\n    verbosity: 1\n    num-threads: 1\n'
            "    do-not-query-localhost: no\n"
            '    module-config: "validator iterator"\n    val-permissive-mode: no\n'
            f'    trust-anchor-file: "{anchor_file}"\n'
            "    access-control: 127.0.0.0/8 allow\n"
            # No network here: keep unbound from asking the root servers.
            '    local-zone: "." refuse\n')
    for origin in ZONES:
        text += f'    local-zone: "{origin}" transparent\n'
    text += "remote-control:\n    control-enable: no\n"
    for origin in ZONES:
        text += f'stub-zone:\n    name: "{origin}"\n    stub-addr: 127.0.0.1@{canond_port}\n'
    return text


def start_unbound(work, canond_port, anchors):
    udir = os.path.join(work, "unbound")
    os.makedirs(udir)
    anchor_file = os.path.join(udir, "anchors")
    with open(anchor_file, "w") as f:
        for lines in anchors.values():
            f.write("\n".join(lines) + "\n")
    port = servers.free_port()
    conf = os.path.join(udir, "unbound.conf")
    with open(conf, "w") as f:
        f.write(unbound_conf(udir, port, canond_port, anchor_file))
    log = open(os.path.join(udir, "log"), "w")
    proc = subprocess.Popen([shutil.which("unbound") or "/usr/sbin/unbound", "-d", "-c", conf], cwd=udir,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        # Up once it answers at all: a bogus answer is SERVFAIL, judged later.
        msg, _ = ask(port, next(iter(ZONES)), "SOA", rd=True, tries=1)
        if msg is not None:
            return proc, port, log
        time.sleep(0.1)
    log.close()
    with open(os.path.join(udir, "log")) as f:
        tail = f.read()[-1500:]
    servers.stop_tree(proc.pid, proc, 5)
    raise RuntimeError(f"unbound did not answer within 15 s: {tail}")


def validate_with_unbound(port):
    problems, count = [], 0
    for origin in ZONES:
        for name, qtype in POSITIVE:
            if name in WILDCARD:
                continue
            qname = fqdn(name, origin)
            msg, _ = ask(port, qname, qtype, rd=True, ad=True)
            count += 1
            if msg is None:
                problems.append(f"unbound: {qname} {qtype}: no answer")
            elif msg.rcode() != dns.rcode.NOERROR or not msg.flags & dns.flags.AD or not msg.answer:
                problems.append(f"unbound: {qname} {qtype}: {dns.rcode.to_text(msg.rcode())}, "
                                f"flags {dns.flags.to_text(msg.flags)} (want NOERROR, ad, an answer)")
    print(f"unbound validated {count - len(problems)} of {count} positive answers (AD=1)")
    return problems


def validate_with_delv(work, canond_port, anchors):
    problems = []
    for origin, lines in anchors.items():
        anchor_file = os.path.join(work, f"delv-{origin}anchors")
        with open(anchor_file, "w") as f:
            f.write("trust-anchors {\n")
            for line in lines:
                owner, *rest = line.split()
                # "OWNER [TTL] [IN] DNSKEY FLAGS PROTOCOL ALGORITHM KEY..."
                fields = rest[rest.index("DNSKEY") + 1:]
                f.write(f'  "{owner}" static-key {fields[0]} {fields[1]} {fields[2]} "{"".join(fields[3:])}";\n')
            f.write("};\n")
        for name, qtype in DELV_SAMPLE:
            qname = fqdn(name, origin)
            cmd = ["delv", "@127.0.0.1", "-p", str(canond_port), "-a", anchor_file, f"+root={origin}",
                   qname, qtype]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            out = r.stdout + r.stderr
            if "; fully validated" not in out:
                problems.append(f"delv {qname} {qtype}: not fully validated:\n{out.strip()}")
    print(f"delv: {len(ZONES) * len(DELV_SAMPLE) - len(problems)} of {len(ZONES) * len(DELV_SAMPLE)} fully validated")
    return problems


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("canond")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    canond_binary = os.path.abspath(args.canond)
    checkzone = os.path.join(os.path.dirname(os.path.dirname(canond_binary)), "canon-checkzone")
    for exe in (canond_binary, checkzone):
        if not os.access(exe, os.X_OK):
            print(f"dnssec_signed: {exe} not found (build first)")
            return 1
    for tool in ("dnssec-keygen", "dnssec-signzone", "knotd", "nsd", "unbound", "delv"):
        if not (shutil.which(tool) or os.path.exists("/usr/sbin/" + tool)):
            print(f"dnssec_signed: SKIP, {tool} is not installed (tools/install-deps)")
            return 77

    work = tempfile.mkdtemp(prefix="canon-dnssec-")
    started, unbound = [], None
    problems = []
    try:
        signed, anchors = sign_zones(work)
        problems += check_zones(checkzone, signed)
        zone_list = list(signed.items())
        canond = servers.Canond(zone_list, work)
        canond.binary = canond_binary
        peers = [servers.Knotd(zone_list, work), servers.BenchNsd(zone_list, work)]
        for server in [canond] + peers:
            server.start(wait_s=20)
            started.append(server)
        problems += compare_peers(canond, peers, args.verbose)
        for peer in peers:
            peer.stop()
        unbound, port, log = start_unbound(work, canond.port, anchors)
        try:
            problems += validate_with_unbound(port)
        finally:
            servers.stop_tree(unbound.pid, unbound, 5)
            log.close()
        problems += validate_with_delv(work, canond.port, anchors)
    finally:
        for server in started:
            server.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if problems:
        print(f"FAIL: {len(problems)} problem(s)")
        for p in problems:
            print("- " + p)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
