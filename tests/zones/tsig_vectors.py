#!/usr/bin/python3
# Writes tests/zones/tsig_vectors.hpp: TSIG-signed messages made by dnspython
# (an independent implementation of RFC 8945), for tests/zones/tsig_test.cpp.
# Run from the repository root with Debian's python3-dnspython (2.3):
#
#   /usr/bin/python3 tests/zones/tsig_vectors.py > tests/zones/tsig_vectors.hpp
#
# dnspython signs with int(time.time()); the clock is pinned so the vectors
# are fixed. Every stream is verified back with dnspython before it is
# written (the unsigned-middle stream included: dnspython feeds an unsigned
# message of a multi-message sequence into the running digest).
import base64
import time

import dns.message
import dns.name
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring

SECRET = base64.b64encode(bytes(range(1, 33))).decode()  # 32 octets 01..20
KEY_NAME = "edge-key."
T0 = 1700000000
ALGORITHMS = [
    ("sha256", dns.tsig.HMAC_SHA256),
    ("sha1", dns.tsig.HMAC_SHA1),
    ("sha512", dns.tsig.HMAC_SHA512),
]

clock = [T0]
time.time = lambda: clock[0]


def signed(make, key, **tsig):
    """(unsigned wire, signed wire, message object)"""
    plain = make().to_wire()
    m = make()
    m.use_tsig(key, **tsig)
    return plain, m


def soa_query(qid):
    q = dns.message.make_query("example.com.", "SOA")
    q.id = qid
    q.flags = 0
    return q


def answer(query_plain, records, qid):
    def make():
        r = dns.message.make_response(dns.message.from_wire(query_plain))
        r.id = qid
        for rr in records:
            r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", *rr))
        return r
    return make


SOA = ("SOA", "ns1.example.com. admin.example.com. 2024010101 3600 600 86400 300")
STREAM = [
    [SOA, ("NS", "ns1.example.com.")],
    [("A", "192.0.2.1"), ("A", "192.0.2.2"), ("TXT", '"middle"')],
    [("MX", "10 mail.example.com."), SOA],
]


def c_array(name, data):
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",")
    return "inline const std::vector<std::uint8_t> %s = {\n%s\n};\n" % (name, "\n".join(lines))


out = []
for tag, alg in ALGORITHMS:
    key = dns.tsig.Key(KEY_NAME, SECRET, alg)

    # A signed SOA query, and the signed answer to it (request MAC in the digest).
    clock[0] = T0
    q_plain = soa_query(0x1234).to_wire()
    q = soa_query(0x1234)
    q.use_tsig(key)
    q_wire = q.to_wire()
    q_mac = q.mac
    back = dns.message.from_wire(q_wire, keyring=key)
    assert back.had_tsig

    clock[0] = T0 + 1
    make = answer(q_plain, [SOA], 0x1234)
    a_plain = make().to_wire()
    a = make()
    a.use_tsig(key)
    a.request_mac = q_mac
    a_wire = a.to_wire()
    dns.message.from_wire(a_wire, keyring=key, request_mac=q_mac)

    # An AXFR-like answer of three messages, every one signed.
    clock[0] = T0
    x_plain = soa_query(0x4321).to_wire()
    xq = soa_query(0x4321)
    xq.use_tsig(key)
    xq_wire = xq.to_wire()
    x_mac = xq.mac
    plains, wires = [], []
    ctx = None
    for i, recs in enumerate(STREAM):
        clock[0] = T0 + 10 + i
        make = answer(x_plain, recs, 0x4321)
        plains.append(make().to_wire())
        m = make()
        m.use_tsig(key)
        m.request_mac = x_mac
        wires.append(m.to_wire(multi=True, tsig_ctx=ctx))
        ctx = m.tsig_ctx
    ctx = None
    for w in wires:
        back = dns.message.from_wire(w, keyring=key, request_mac=x_mac, multi=True, tsig_ctx=ctx)
        ctx = back.tsig_ctx

    # The same stream with the middle message unsigned (RFC 8945 §5.3.1): its
    # bytes go into the digest of the third.
    u_wires = []
    ctx = None
    for i, recs in enumerate(STREAM):
        clock[0] = T0 + 10 + i
        make = answer(x_plain, recs, 0x4321)
        m = make()
        if i == 1:
            w = m.to_wire()
            ctx.update(w)
        else:
            m.use_tsig(key)
            m.request_mac = x_mac
            w = m.to_wire(multi=True, tsig_ctx=ctx)
            ctx = m.tsig_ctx
        u_wires.append(w)
    assert u_wires[0] == wires[0] and u_wires[1] == plains[1]
    ctx = None
    for i, w in enumerate(u_wires):
        back = dns.message.from_wire(w, keyring=key, request_mac=x_mac, multi=True, tsig_ctx=ctx)
        assert back.had_tsig == (i != 1)
        ctx = back.tsig_ctx

    out.append("// hmac-%s\n" % tag)
    out.append(c_array("k%sQueryPlain" % tag.capitalize(), q_plain))
    out.append(c_array("k%sQuery" % tag.capitalize(), q_wire))
    out.append(c_array("k%sAnswerPlain" % tag.capitalize(), a_plain))
    out.append(c_array("k%sAnswer" % tag.capitalize(), a_wire))
    out.append(c_array("k%sXfrRequest" % tag.capitalize(), xq_wire))
    for i in range(3):
        out.append(c_array("k%sXfrPlain%d" % (tag.capitalize(), i), plains[i]))
        out.append(c_array("k%sXfr%d" % (tag.capitalize(), i), wires[i]))
    out.append(c_array("k%sXfrUnsignedMiddle%d" % (tag.capitalize(), 1), u_wires[1]))
    out.append(c_array("k%sXfrUnsignedMiddle%d" % (tag.capitalize(), 2), u_wires[2]))

print("// Generated by tests/zones/tsig_vectors.py (dnspython %s); do not edit." %
      __import__("dns.version").version.version)
print("// Key %s, secret %s (octets 01..20), fudge 300; the query and the" % (KEY_NAME, SECRET))
print("// transfer request signed at %d, the answer at %d, the stream's" % (T0, T0 + 1))
print("// messages at %d, %d, %d. The stream with an unsigned middle is" % (T0 + 10, T0 + 11, T0 + 12))
print("// Xfr0, XfrUnsignedMiddle1 (= XfrPlain1), XfrUnsignedMiddle2.")
print("#pragma once\n\n#include <cstdint>\n#include <vector>\n\nnamespace canon::zones::tsig_vectors {\n")
print("inline constexpr std::uint64_t kTime = %d;\n" % T0)
print("\n".join(out))
print("}  // namespace canon::zones::tsig_vectors")
