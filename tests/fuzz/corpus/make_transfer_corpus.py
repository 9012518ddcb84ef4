#!/usr/bin/python3
"""Writes the seed corpus of the 'transfer' fuzz target (tests/fuzz/corpus/transfer/).

Each file is one primary's answer as canond reads it off TCP: messages, each
after a 2-octet length. The answers are made by dnspython (Debian's
python3-dnspython 2.3; names compressed as dnspython does), for example.com.,
request ID 0x4b1d; the signed ones with key edge-key. (hmac-sha256, the
secret of tests/system/xfr_primaries.py), as answers to a request whose MAC
is REQUEST_MAC, at the pinned clock T0. fuzz_transfer.cpp holds the same
zone (CURRENT, serial 1), key, ID, MAC and clock: keep them in step.

    /usr/bin/python3 tests/fuzz/corpus/make_transfer_corpus.py [OUTPUT_DIR]
"""
import base64
import os
import struct
import sys
import time

import dns.flags
import dns.message
import dns.opcode
import dns.rdatatype
import dns.rrset
import dns.tsigkeyring
import dns.zone

ORIGIN = "example.com."
QID = 0x4b1d
T0 = 1700000000
REQUEST_MAC = b"canon-fuzz-transfer-request-mac!"
SECRET = base64.b64encode(b"canon-edge-key-secret-0123456789").decode()
KEY = dns.tsigkeyring.from_text({"edge-key.": ("hmac-sha256", SECRET)})
assert len(REQUEST_MAC) == 32

CURRENT = """$ORIGIN example.com.
$TTL 300
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN NS ns1
@ IN MX 10 mail
ns1 IN A 198.18.0.53
mail IN A 198.18.0.25
www IN A 198.18.0.1
www IN AAAA 2001:db8::1
alias IN CNAME www
txt IN TXT "hello" "world"
_sip._tcp IN SRV 10 5 5060 www
sub IN NS ns.sub
ns.sub IN A 198.18.0.54
"""

time.time = lambda: T0


def soa(serial):
    return dns.rrset.from_text(ORIGIN, 300, "IN", "SOA", f"ns1.{ORIGIN} hostmaster.{ORIGIN} {serial} 7200 3600 1209600 300")


def rr(owner, rtype, rdata, ttl=300):
    return dns.rrset.from_text(owner + "." + ORIGIN if owner != "@" else ORIGIN, ttl, "IN", rtype, rdata)


def zone_rrsets(text, serial):
    z = dns.zone.from_text(text, origin=ORIGIN, relativize=False)
    out = []
    for name, node in z.nodes.items():
        for rdataset in node.rdatasets:
            if rdataset.rdtype == dns.rdatatype.SOA:
                continue
            s = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype)
            s.update(rdataset)
            out.append(s)
    return out


def response(qtype, rrsets, question=True):
    q = dns.message.make_query(ORIGIN, qtype)
    q.id = QID
    q.flags = 0
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    if not question:
        r.question = []
    r.answer = list(rrsets)
    return r


def stream(messages, signed=True, unsigned_middle=False):
    """Wires of one answer; signed as a multi-message TSIG stream."""
    wires, ctx = [], None
    for i, m in enumerate(messages):
        last = i == len(messages) - 1
        if not signed or (unsigned_middle and 0 < i and not last):
            w = m.to_wire()
            if ctx is not None:
                ctx.update(w)
        else:
            m.use_tsig(KEY, keyname="edge-key.", algorithm="hmac-sha256")
            m.request_mac = REQUEST_MAC
            w = m.to_wire(multi=True, tsig_ctx=ctx)
            ctx = m.tsig_ctx
        wires.append(w)
    if signed:  # verify back with dnspython
        ctx = None
        for w in wires:
            back = dns.message.from_wire(w, keyring=KEY, request_mac=REQUEST_MAC, multi=True, tsig_ctx=ctx,
                                         one_rr_per_rrset=True)
            ctx = back.tsig_ctx
    return wires


def framed(wires):
    return b"".join(struct.pack("!H", len(w)) + w for w in wires)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "transfer")
    os.makedirs(out, exist_ok=True)
    body = zone_rrsets(CURRENT, 1)
    serial2 = CURRENT.replace(" 1 7200", " 2 7200").replace("198.18.0.1\n", "198.18.0.2\n") + "new IN A 198.18.0.77\n"
    body2 = zone_rrsets(serial2, 2)
    seeds = {}

    # AXFR: one message; three (the SOA alone, the records, the SOA alone);
    # the same with its middle unsigned; unsigned.
    seeds["axfr_one_message_signed"] = stream([response("AXFR", [soa(1)] + body + [soa(1)])])
    three = lambda: [response("AXFR", [soa(2)]), response("AXFR", body2, question=False),
                     response("AXFR", [soa(2)], question=False)]
    seeds["axfr_three_messages_signed"] = stream(three())
    seeds["axfr_unsigned_middle"] = stream(three(), unsigned_middle=True)
    seeds["axfr_unsigned"] = stream([response("AXFR", [soa(1)] + body + [soa(1)])], signed=False)

    # IXFR: one diff 1 → 2; two diffs 1 → 2 → 3 (the second takes back one
    # of the first's additions); up to date; AXFR-style; several messages.
    diff12 = [soa(1), rr("www", "A", "198.18.0.1"), soa(2), rr("www", "A", "198.18.0.2"), rr("new", "A", "198.18.0.77")]
    diff23 = [soa(2), rr("new", "A", "198.18.0.77"), rr("txt", "TXT", '"hello" "world"'),
              soa(3), rr("txt", "TXT", '"hello again"'), rr("mail", "MX", f"20 www.{ORIGIN}")]
    seeds["ixfr_one_diff_signed"] = stream([response("IXFR", [soa(2)] + diff12 + [soa(2)])])
    seeds["ixfr_two_diffs_signed"] = stream([response("IXFR", [soa(3)] + diff12 + diff23 + [soa(3)])])
    seeds["ixfr_two_diffs_three_messages"] = stream([response("IXFR", [soa(3)] + diff12),
                                                     response("IXFR", diff23, question=False),
                                                     response("IXFR", [soa(3)], question=False)],
                                                    unsigned_middle=True)
    seeds["ixfr_up_to_date"] = stream([response("IXFR", [soa(1)])])
    seeds["ixfr_axfr_style"] = stream([response("IXFR", [soa(2)] + body2 + [soa(2)])])
    seeds["ixfr_unsigned"] = stream([response("IXFR", [soa(2)] + diff12 + [soa(2)])], signed=False)

    # A signed NOTIFY (a request, for tsig_verify_request), then an answer.
    n = dns.message.make_query(ORIGIN, "SOA")
    n.id = QID
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags |= dns.flags.AA
    n.use_tsig(KEY, keyname="edge-key.", algorithm="hmac-sha256")
    seeds["notify_signed_then_axfr"] = [n.to_wire()] + stream([response("AXFR", [soa(1)] + body + [soa(1)])])

    for name, wires in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(framed(wires))
    print(f"wrote {len(seeds)} seeds to {out}")


if __name__ == "__main__":
    main()
