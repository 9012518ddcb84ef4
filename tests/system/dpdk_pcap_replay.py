"""DPDK path replay: canond --backend dpdk on a net_pcap port, frames in, frames out.

    dpdk_pcap_replay.py CANOND CANONCTL EXAMPLE_ZONES_DIR [--update-golden]

The test writes a pcap of frames from a client (02:00:00:00:00:01,
198.18.0.1, 2001:2::1) to canond (198.18.0.2, 2001:2::2): DNS queries over
IPv4 and IPv6 (plain answers, a CNAME chain crossing into another zone, DNAME,
MX with additional data, NXDOMAIN, NODATA, REFUSED, with and without EDNS,
802.1Q-tagged, broadcast, with an Ethernet trailer), ARP, ICMP and ICMPv6
echo, neighbour solicitations, and frames that must get no reply (bad
checksums, another IP or MAC, truncated). canond reads it as the rx_pcap of a
net_pcap vdev and writes what it sends to the tx_pcap; the test waits
(bounded) until every frame was received, stops canond with SIGTERM and
decodes each frame it sent into text: Ethernet, VLAN, ARP, IP, ICMP and UDP
fields, every length and checksum verified (printed "ok"), DNS messages
through dnspython. Replies are listed under the frame that asked (matched by
their addresses, ports and ids, not by their order in the file), so the text
is stable; it must equal tests/system/golden/dpdk_pcap_replay.txt, and a
difference fails with a unified diff. --update-golden writes the golden file
instead (read it before committing it).

Independently of the golden file it checks:
  - the per-queue counters of `canonctl stats --json` against what each frame
    must do (neighbour, echo, dns_queries, dns_answers, dropped_*, ...);
  - every DNS answer byte for byte against the socket backend's answer to the
    same query (one engine, two I/O paths: they must not differ).

net_pcap facts this relies on: the port's MAC is 02:70:63:61:70:00 (fixed by
the PMD; checked against `stats`), the PMD reads rx_pcap once to its end, it
has no checksum offload (canond computes checksums in software), and tx_pcap
is complete once canond stopped the port.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import system_python  # noqa: E402

system_python.ensure_dnspython("dpdk-pcap-replay")

import difflib  # noqa: E402
import ipaddress  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

import dns.edns  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402

import daemon_harness as h  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "dpdk_pcap_replay.txt")
UPDATE_GOLDEN = False  # set by main() from --update-golden
RX_SECONDS = 15.0  # bound on canond taking every frame of the pcap

CLIENT_MAC = bytes.fromhex("020000000001")
PORT_MAC = bytes.fromhex("027063617000")  # net_pcap's fixed MAC ("\x02pcap\0")
OTHER_MAC = bytes.fromhex("020000000099")
BROADCAST = b"\xff" * 6
CLIENT4, SERVER4, OTHER4 = "198.18.0.1", "198.18.0.2", "198.18.0.99"
CLIENT6, SERVER6 = "2001:2::1", "2001:2::2"
SOLICITED6 = "ff02::1:ff00:2"  # solicited-node multicast of 2001:2::2
SOLICITED_MAC = bytes.fromhex("3333ff000002")
ALL_NODES6 = "ff02::1"
UNSPECIFIED6 = "::"
VLAN = 100
DNS_PORT = 53
PROTO_ICMP, PROTO_UDP, PROTO_ICMP6 = 1, 17, 58
ETH_IPV4, ETH_ARP, ETH_VLAN, ETH_IPV6 = 0x0800, 0x0806, 0x8100, 0x86DD

# Counters of ports[0].queues[0] the table of frames sets (all others 0).
COUNTERS = ("rx", "tx", "tx_dropped", "dns_queries", "dns_answers", "neighbour", "echo",
            "exception_out", "exception_in", "exception_dropped", "dropped_not_for_us",
            "dropped_malformed", "dropped_checksum")


# --- building frames ----------------------------------------------------------

def ip4(text):
    return ipaddress.IPv4Address(text).packed


def ip6(text):
    return ipaddress.IPv6Address(text).packed


def csum(data):
    """RFC 1071 Internet checksum of data (already including any pseudo-header)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return src + dst + struct.pack("!I3xB", length, proto)


def ethernet(dst, ethertype, payload, vlan=None, src=CLIENT_MAC):
    tag = struct.pack("!HH", ETH_VLAN, vlan) if vlan is not None else b""
    return dst + src + tag + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=0x1000, bad_checksum=False, options=False, fragment=False):
    extra = b"\x01\x01\x01\x00" if options else b""  # NOP NOP NOP EOL
    header = struct.pack("!BBHHHBBH4s4s", 0x45 + len(extra) // 4, 0, 20 + len(extra) + len(payload), ident,
                         0x2000 if fragment else 0x4000, 64, proto, 0, ip4(src), ip4(dst)) + extra
    check = csum(header) ^ (0x5555 if bad_checksum else 0)
    return header[:10] + struct.pack("!H", check) + header[12:] + payload


def ipv6(src, dst, next_header, payload, hop_limit=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), next_header, hop_limit,
                       ip6(src), ip6(dst)) + payload


def udp(src_ip, dst_ip, sport, dport, payload, v6, checksum="good"):
    """checksum: good, bad (off by one bit pattern) or zero (none computed)."""
    length = 8 + len(payload)
    segment = struct.pack("!HHHH", sport, dport, length, 0) + payload
    pseudo = (pseudo6(ip6(src_ip), ip6(dst_ip), PROTO_UDP, length) if v6
              else pseudo4(ip4(src_ip), ip4(dst_ip), PROTO_UDP, length))
    value = csum(pseudo + segment) or 0xFFFF
    if checksum == "bad":
        value ^= 0x00FF
    elif checksum == "zero":
        value = 0
    return segment[:6] + struct.pack("!H", value) + segment[8:]


def arp_request(target, vlan=None):
    body = struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, 1, CLIENT_MAC, ip4(CLIENT4), b"\0" * 6, ip4(target))
    return ethernet(BROADCAST, ETH_ARP, body, vlan)


def icmp_echo(ident, seq, data):
    message = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    message = message[:2] + struct.pack("!H", csum(message)) + message[4:]
    return ethernet(PORT_MAC, ETH_IPV4, ipv4(CLIENT4, SERVER4, PROTO_ICMP, message, ident=0x2000))


def icmp6_message(src, dst, message):
    message = message[:2] + b"\0\0" + message[4:]
    check = csum(pseudo6(ip6(src), ip6(dst), PROTO_ICMP6, len(message)) + message)
    return message[:2] + struct.pack("!H", check) + message[4:]


def icmp6_echo(ident, seq, data):
    message = icmp6_message(CLIENT6, SERVER6, struct.pack("!BBHHH", 128, 0, 0, ident, seq) + data)
    return ethernet(PORT_MAC, ETH_IPV6, ipv6(CLIENT6, SERVER6, PROTO_ICMP6, message))


def neighbour_solicitation(src, dst, dst_mac, target):
    option = struct.pack("!BB6s", 1, 1, CLIENT_MAC) if src != UNSPECIFIED6 else b""  # none in DAD
    message = icmp6_message(src, dst, struct.pack("!BBHI16s", 135, 0, 0, 0, ip6(target)) + option)
    return ethernet(dst_mac, ETH_IPV6, ipv6(src, dst, PROTO_ICMP6, message, hop_limit=255))


def dns_query(ident, name, rdtype, edns=True, qr=False, cut_dns=None):
    q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False, payload=1232)
    q.id = ident
    if qr:
        q.flags |= dns.flags.QR
    return q.to_wire()[:cut_dns]


def dns_frame(payload, sport, v6=False, vlan=None, dst_mac=PORT_MAC, dst=None, dport=DNS_PORT,
              udp_checksum="good", ip_checksum="good", ip_options=False, fragment=False):
    if v6:
        dst = dst or SERVER6
        segment = udp(CLIENT6, dst, sport, dport, payload, True, udp_checksum)
        return ethernet(dst_mac, ETH_IPV6, ipv6(CLIENT6, dst, PROTO_UDP, segment), vlan)
    dst = dst or SERVER4
    segment = udp(CLIENT4, dst, sport, dport, payload, False, udp_checksum)
    packet = ipv4(CLIENT4, dst, PROTO_UDP, segment, ident=sport, bad_checksum=ip_checksum == "bad",
                  options=ip_options, fragment=fragment)
    return ethernet(dst_mac, ETH_IPV4, packet, vlan)


def pad(frame):
    """As a NIC delivers a short frame: padded to the 60-byte Ethernet minimum."""
    return frame + b"\0" * max(0, 60 - len(frame))


class Case:
    """One frame of the pcap: what it is, what it must do to the counters, and
    the key of the reply it may get (see reply_key)."""

    def __init__(self, name, what, frame, counters, key, query=None):
        self.name = name
        self.what = what
        self.frame = frame
        self.counters = counters  # {counter: increment}
        self.key = key
        self.query = query  # DNS payload, for the socket-backend comparison


def cases():
    out = []
    port = iter(range(40001, 40100))  # one client port (and DNS id) per DNS frame

    def dns_case(name, qname, rdtype, v6=False, edns=True, vlan=None, dst_mac=PORT_MAC, answered=True,
                 counters=None, trailer=b"", qr=False, cut_dns=None, **frame_args):
        sport = next(port)
        payload = dns_query(sport, qname, rdtype, edns, qr, cut_dns)
        frame = dns_frame(payload, sport, v6=v6, vlan=vlan, dst_mac=dst_mac, **frame_args) + trailer
        what = (f"DNS {qname} {rdtype} over IPv{6 if v6 else 4}, {'EDNS 1232' if edns else 'no EDNS'}, "
                f"id {sport}, from port {sport}" + (f", VLAN {vlan}" if vlan is not None else "")
                + (", to broadcast" if dst_mac == BROADCAST else ""))
        if counters is None:
            counters = {"dns_queries": 1, "dns_answers": 1, "tx": 1} if answered else {"dns_queries": 1}
        out.append(Case(name, what, frame, counters, ("dns", sport), payload if answered else None))
        return out[-1]

    # Neighbours and echo.
    # An ARP reply's key: (asker's IP, VLAN, the address it answers for).
    out.append(Case("arp-ours", f"ARP who-has {SERVER4} tell {CLIENT4}, broadcast, padded to 60 bytes",
                    pad(arp_request(SERVER4)), {"neighbour": 1, "tx": 1}, ("arp", CLIENT4, None, SERVER4)))
    out.append(Case("arp-ours-vlan", f"ARP who-has {SERVER4} tell {CLIENT4}, VLAN {VLAN}, broadcast",
                    pad(arp_request(SERVER4, VLAN)), {"neighbour": 1, "tx": 1}, ("arp", CLIENT4, VLAN, SERVER4)))
    out.append(Case("arp-other", f"ARP who-has {OTHER4} (not ours), broadcast",
                    pad(arp_request(OTHER4)), {"exception_dropped": 1}, ("arp", CLIENT4, None, OTHER4)))
    out.append(Case("icmp-echo", f"ICMP echo request {CLIENT4} > {SERVER4} id 0x4242 seq 1, 33 data bytes",
                    icmp_echo(0x4242, 1, bytes(range(33))), {"echo": 1, "tx": 1}, ("icmp", 0x4242, 1)))
    out.append(Case("icmp-echo-padded", f"ICMP echo request {CLIENT4} > {SERVER4} id 0x4242 seq 2, 4 data bytes,"
                                        " padded to 60 bytes",
                    pad(icmp_echo(0x4242, 2, bytes(range(4)))), {"echo": 1, "tx": 1}, ("icmp", 0x4242, 2)))
    bad = bytearray(icmp_echo(0x4242, 3, bytes(range(8))))
    bad[14 + 20 + 2] ^= 0x01  # the ICMP checksum
    out.append(Case("icmp-echo-bad-checksum", f"ICMP echo request {CLIENT4} > {SERVER4} id 0x4242 seq 3, "
                                              "ICMP checksum wrong",
                    bytes(bad), {"dropped_checksum": 1}, ("icmp", 0x4242, 3)))
    out.append(Case("icmp6-echo", f"ICMPv6 echo request {CLIENT6} > {SERVER6} id 0x4343 seq 2, 41 data bytes",
                    icmp6_echo(0x4343, 2, bytes(range(41))), {"echo": 1, "tx": 1}, ("icmp6", 0x4343, 2)))
    out.append(Case("ns", f"neighbour solicitation {CLIENT6} > {SOLICITED6} for {SERVER6}, "
                          "source link-layer option",
                    neighbour_solicitation(CLIENT6, SOLICITED6, SOLICITED_MAC, SERVER6),
                    {"neighbour": 1, "tx": 1}, ("na", CLIENT6)))
    out.append(Case("ns-dad", f"neighbour solicitation :: > {SOLICITED6} for {SERVER6} "
                              "(duplicate address detection)",
                    neighbour_solicitation(UNSPECIFIED6, SOLICITED6, SOLICITED_MAC, SERVER6),
                    {"neighbour": 1, "tx": 1}, ("na", ALL_NODES6)))
    hop64 = neighbour_solicitation(CLIENT6, SERVER6, PORT_MAC, SERVER6)
    hop64 = hop64[:14 + 7] + b"\x40" + hop64[14 + 8:]  # hop limit 64 (the checksum does not cover it)
    # A wrong advertisement for it would have the key of "ns" and show there.
    out.append(Case("ns-hop-limit-64", f"neighbour solicitation {CLIENT6} > {SERVER6} for {SERVER6}, "
                                       "hop limit 64 (RFC 4861 7.1.1: not from a neighbour; the kernel's)",
                    hop64, {"exception_dropped": 1}, ("na", CLIENT6, "hop64")))

    # DNS answers.
    dns_case("a-v4", "example.com.", "A")
    dns_case("aaaa-v6", "example.com.", "AAAA", v6=True)
    dns_case("cname-chain-v4", "www.example.com.", "A")
    dns_case("cname-chain-v6", "static.example.com.", "AAAA", v6=True)
    dns_case("dname-v4", "xyzzy.old.example.com.", "A")
    dns_case("cname-to-dname-v6", "legacy.example.com.", "A", v6=True)
    dns_case("mx-v4", "example.com.", "MX")
    dns_case("nxdomain-v4", "nope.example.com.", "A")
    dns_case("nodata-v6", "foo.example.com.", "AAAA", v6=True)
    dns_case("refused-v4", "example.org.", "A")
    dns_case("no-edns-v4", "mail.example.com.", "A", edns=False)
    dns_case("no-edns-v6", "mail.example.com.", "AAAA", v6=True, edns=False)
    dns_case("vlan-v4", "foo.example.com.", "A", vlan=VLAN)
    dns_case("vlan-v6", "edge.example.net.", "AAAA", v6=True, vlan=VLAN)
    dns_case("broadcast-v4", "bar.example.com.", "A", dst_mac=BROADCAST)
    dns_case("trailer-v4", "ns2.example.com.", "AAAA", trailer=b"\xee" * 24).what += \
        ", 24 bytes of Ethernet trailer after the IP packet"
    dns_case("udp-checksum-zero-v4", "sip.example.com.", "A", udp_checksum="zero").what += \
        ", UDP checksum 0 (none: allowed over IPv4)"

    dns_case("response-to-us-v4", "example.com.", "A", answered=False,
             counters={"dns_queries": 1}, qr=True).what += ", QR set (a response: the engine stays silent)"
    dns_case("short-dns-v4", "example.com.", "A", answered=False, counters={"dns_queries": 1},
             cut_dns=6).what += ", DNS message cut to 6 bytes (no full header: silence)"

    # No reply: each has the key its reply would have, so a wrong reply shows.
    dns_case("bad-udp-checksum-v4", "example.com.", "A", answered=False, udp_checksum="bad",
             counters={"dropped_checksum": 1}).what += ", UDP checksum wrong"
    dns_case("bad-udp-checksum-v6", "example.com.", "AAAA", v6=True, answered=False, udp_checksum="bad",
             counters={"dropped_checksum": 1}).what += ", UDP checksum wrong"
    dns_case("udp-checksum-zero-v6", "example.com.", "AAAA", v6=True, answered=False, udp_checksum="zero",
             counters={"dropped_checksum": 1}).what += ", UDP checksum 0 (forbidden over IPv6, RFC 8200)"
    dns_case("bad-ip-checksum-v4", "example.com.", "A", answered=False, ip_checksum="bad",
             counters={"dropped_checksum": 1}).what += ", IPv4 header checksum wrong"
    dns_case("other-ip-v4", "example.com.", "A", answered=False, dst=OTHER4,
             counters={"exception_dropped": 1}).what += f", to {OTHER4} (not ours)"
    dns_case("other-port-v4", "example.com.", "A", answered=False, dport=54,
             counters={"exception_dropped": 1}).what += ", to UDP port 54"
    dns_case("ip-options-v4", "example.com.", "A", answered=False, ip_options=True,
             counters={"exception_dropped": 1}).what += ", IPv4 header with options (the kernel's)"
    dns_case("fragment-v4", "example.com.", "A", answered=False, fragment=True,
             counters={"exception_dropped": 1}).what += ", IPv4 first fragment (MF; the kernel's)"
    dns_case("other-mac-v4", "example.com.", "A", answered=False, dst_mac=OTHER_MAC,
             counters={"dropped_not_for_us": 1}).what += f", to MAC {mac_text(OTHER_MAC)}"
    cut = dns_case("truncated-v4", "example.com.", "A", answered=False, counters={"dropped_malformed": 1})
    cut.frame = cut.frame[:14 + 20 + 8 + 10]
    cut.what += f", cut to {len(cut.frame)} bytes (IP total length says more)"
    cut = dns_case("truncated-v6", "example.com.", "AAAA", v6=True, answered=False,
                   counters={"dropped_malformed": 1})
    cut.frame = cut.frame[:14 + 30]
    cut.what += f", cut to {len(cut.frame)} bytes (inside the IPv6 header)"
    out.append(Case("runt", "a 10-byte frame (shorter than an Ethernet header)", PORT_MAC + CLIENT_MAC[:4],
                    {"dropped_malformed": 1}, ("none",)))
    for c in out:
        c.counters = dict(c.counters, rx=1)
    return out


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1_700_000_000 + i, 0, len(frame), len(frame)))
            f.write(frame)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise AssertionError(f"{path}: {len(data)} bytes, not a pcap file")
    magic = struct.unpack("<I", data[:4])[0]
    order = {0xA1B2C3D4: "<", 0xA1B23C4D: "<", 0xD4C3B2A1: ">", 0x4D3CB2A1: ">"}.get(magic)
    if order is None:
        raise AssertionError(f"{path}: magic {magic:#x} is not a pcap file's")
    linktype = struct.unpack(order + "I", data[20:24])[0]
    if linktype != 1:
        raise AssertionError(f"{path}: link type {linktype}, not Ethernet")
    frames, at = [], 24
    while at + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(order + "IIII", data[at:at + 16])
        frame = data[at + 16:at + 16 + caplen]
        if caplen != wirelen or len(frame) != caplen:
            raise AssertionError(f"{path}: record at {at}: captured {caplen} of {wirelen} bytes")
        frames.append(frame)
        at += 16 + caplen
    if at != len(data):
        raise AssertionError(f"{path}: {len(data) - at} trailing bytes")
    return frames


# --- decoding what canond sent ----------------------------------------------------

def mac_text(mac):
    return ":".join(f"{b:02x}" for b in mac)


class Decoded:
    """One sent frame as text lines, with the key that ties it to a Case."""

    def __init__(self):
        self.lines = []
        self.key = ("unknown",)

    def add(self, text):
        self.lines.append(text)


def ok(flag):
    return "ok" if flag else "WRONG"


def decode(frame):
    d = Decoded()
    if len(frame) < 14:
        d.add(f"runt frame of {len(frame)} bytes: {frame.hex()}")
        return d
    dst, src = frame[:6], frame[6:12]
    ethertype, l3 = struct.unpack("!H", frame[12:14])[0], 14
    vlan = None
    if ethertype == ETH_VLAN and len(frame) >= 18:
        tci, ethertype = struct.unpack("!HH", frame[14:18])
        vlan, l3 = tci, 18
    d.add(f"eth {mac_text(src)} > {mac_text(dst)}" + (f" vlan {vlan}" if vlan is not None else "")
          + f" type {ethertype:#06x}")
    body = frame[l3:]
    if ethertype == ETH_ARP:
        decode_arp(d, body, vlan)
    elif ethertype == ETH_IPV4:
        decode_ipv4(d, body)
    elif ethertype == ETH_IPV6:
        decode_ipv6(d, body)
    else:
        d.add(f"payload {body.hex()}")
    return d


def decode_arp(d, body, vlan):
    if len(body) != 28:
        d.add(f"ARP of {len(body)} bytes (28 expected): {body.hex()}")
        return
    htype, ptype, hlen, plen, op, sha, spa, tha, tpa = struct.unpack("!HHBBH6s4s6s4s", body)
    d.add(f"arp htype {htype} ptype {ptype:#06x} hlen {hlen} plen {plen} op {op}"
          f" ({'reply' if op == 2 else 'request' if op == 1 else '?'})")
    d.add(f"arp sender {mac_text(sha)} {ipaddress.IPv4Address(spa)}"
          f" target {mac_text(tha)} {ipaddress.IPv4Address(tpa)}")
    d.key = ("arp", str(ipaddress.IPv4Address(tpa)), vlan, str(ipaddress.IPv4Address(spa)))


def decode_ipv4(d, packet):
    if len(packet) < 20:
        d.add(f"IPv4 packet of {len(packet)} bytes: {packet.hex()}")
        return
    ver_ihl, tos, total, ident, frag, ttl, proto, _, src, dst = struct.unpack("!BBHHHBBH4s4s", packet[:20])
    header = (ver_ihl & 15) * 4
    flags = ("DF " if frag & 0x4000 else "") + ("MF " if frag & 0x2000 else "")
    d.add(f"ipv4 {ipaddress.IPv4Address(src)} > {ipaddress.IPv4Address(dst)} version {ver_ihl >> 4}"
          f" header {header} tos {tos} flags {flags or '- '}offset {frag & 0x1fff} ttl {ttl} proto {proto}"
          f" length {ok(total == len(packet))} header-checksum {ok(csum(packet[:header]) == 0)}")
    l4 = packet[header:total]
    if proto == PROTO_UDP:
        decode_udp(d, l4, pseudo4(src, dst, PROTO_UDP, len(l4)), v6=False)
    elif proto == PROTO_ICMP:
        if len(l4) < 8:
            d.add(f"ICMP of {len(l4)} bytes: {l4.hex()}")
            return
        kind, code, _, ident, seq = struct.unpack("!BBHHH", l4[:8])
        d.add(f"icmp type {kind} code {code} id {ident:#06x} seq {seq} checksum {ok(csum(l4) == 0)}"
              f" data {len(l4) - 8} bytes {ok(l4[8:] == bytes(range(len(l4) - 8)))}")
        d.key = ("icmp", ident, seq)
    else:
        d.add(f"payload {l4.hex()}")


def decode_ipv6(d, packet):
    if len(packet) < 40:
        d.add(f"IPv6 packet of {len(packet)} bytes: {packet.hex()}")
        return
    first, plen, nxt, hop, src, dst = struct.unpack("!IHBB16s16s", packet[:40])
    d.add(f"ipv6 {ipaddress.IPv6Address(src)} > {ipaddress.IPv6Address(dst)} version {first >> 28}"
          f" class {(first >> 20) & 0xff} flow {first & 0xfffff} next {nxt} hop-limit {hop}"
          f" length {ok(plen == len(packet) - 40)}")
    l4 = packet[40:40 + plen]
    pseudo = pseudo6(src, dst, nxt, len(l4))
    if nxt == PROTO_UDP:
        decode_udp(d, l4, pseudo, v6=True)
    elif nxt == PROTO_ICMP6 and len(l4) >= 8:
        kind, code = l4[0], l4[1]
        good = ok(csum(pseudo + l4) == 0)
        if kind in (128, 129):
            ident, seq = struct.unpack("!HH", l4[4:8])
            d.add(f"icmp6 type {kind} code {code} id {ident:#06x} seq {seq} checksum {good}"
                  f" data {len(l4) - 8} bytes {ok(l4[8:] == bytes(range(len(l4) - 8)))}")
            d.key = ("icmp6", ident, seq)
        elif kind == 136 and len(l4) >= 24:
            flags = l4[4]
            names = "".join(n for bit, n in ((0x80, "R"), (0x40, "S"), (0x20, "O")) if flags & bit) or "-"
            d.add(f"icmp6 type {kind} (neighbour advertisement) code {code} checksum {good}"
                  f" flags {names} target {ipaddress.IPv6Address(l4[8:24])}")
            options = l4[24:]
            while len(options) >= 2 and options[1] != 0:
                size = options[1] * 8
                value = options[2:size]
                d.add(f"  option {options[0]} length {size}: "
                      + (mac_text(value) if options[0] in (1, 2) and len(value) == 6 else value.hex()))
                options = options[size:]
            if options:
                d.add(f"  left over: {options.hex()}")
            d.key = ("na", str(ipaddress.IPv6Address(dst)))
        else:
            d.add(f"icmp6 type {kind} code {code} checksum {good}: {l4.hex()}")
    else:
        d.add(f"payload {l4.hex()}")


def decode_udp(d, segment, pseudo, v6):
    if len(segment) < 8:
        d.add(f"UDP of {len(segment)} bytes: {segment.hex()}")
        return
    sport, dport, length, check = struct.unpack("!HHHH", segment[:8])
    good = check != 0 and csum(pseudo + segment) == 0  # canond always computes one
    d.add(f"udp {sport} > {dport} length {ok(length == len(segment))} checksum {ok(good)}")
    d.key = ("dns", dport)
    d.payload = segment[8:]
    d.lines += dns_lines(segment[8:])


def dns_lines(wire):
    """A DNS message as stable text: header, then each section's RRsets in
    wire order (the order of a chain), each RRset's records sorted."""
    try:
        m = dns.message.from_wire(wire)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        return [f"dns: does not parse ({type(e).__name__}: {e}): {wire.hex()}"]
    flags = " ".join(f for f in ("QR", "AA", "TC", "RD", "RA", "AD", "CD")
                     if m.flags & dns.flags.Flag[f]) or "-"
    out = [f"dns id {m.id} opcode {dns.opcode.to_text(m.opcode())} rcode {dns.rcode.to_text(m.rcode())}"
           f" flags {flags}"]
    if m.edns >= 0:
        ednsflags = dns.flags.edns_to_text(m.ednsflags) or "-"
        options = ", ".join(f"{dns.edns.OptionType.to_text(o.otype)}={o.to_wire().hex()}"
                            for o in m.options) or "-"
        out.append(f"edns version {m.edns} payload {m.payload} flags {ednsflags} options {options}")
    else:
        out.append("edns none")
    for title, section in (("question", m.question), ("answer", m.answer),
                           ("authority", m.authority), ("additional", m.additional)):
        out.append(f"{title}:" + ("" if section else " -"))
        for rrset in section:
            if title == "question":
                out.append(f"  {rrset.name} {dns.rdataclass.to_text(rrset.rdclass)}"
                           f" {dns.rdatatype.to_text(rrset.rdtype)}")
                continue
            for line in sorted(rrset.to_text().splitlines()):
                out.append(f"  {line}")
    return out


# --- the test ---------------------------------------------------------------

def report(table, sent, queue):
    """The golden text: each frame of the pcap with the replies it got, then
    sent frames that answer none, then a summary."""
    decoded = [decode(f) for f in sent]
    by_key = {}
    for i, d in enumerate(decoded):
        by_key.setdefault(d.key, []).append(i)
    used = set()
    lines = ["# tests/system/golden/dpdk_pcap_replay.txt: what canond --backend dpdk sent back for",
             "# each frame of dpdk_pcap_replay.py's pcap (regenerate: --update-golden; read it first)", ""]
    kinds = {}
    for n, case in enumerate(table, 1):
        lines.append(f"#{n:02d} {case.name}: {case.what}")
        replies = by_key.get(case.key, [])
        if not replies:
            lines.append(f"  no reply (counted in {', '.join(c for c in case.counters if c != 'rx')})")
        for i in replies:
            used.add(i)
            lines += ["  " + line for line in decoded[i].lines]
        kind = decoded[replies[0]].key[0] if replies else "none"
        kinds[kind] = kinds.get(kind, 0) + 1
        lines.append("")
    stray = [i for i in range(len(sent)) if i not in used]
    for i in stray:
        lines.append(f"sent frame {i + 1} answers no frame of the pcap:")
        lines += ["  " + line for line in decoded[i].lines]
        lines.append("")
    names = {"dns": "DNS answers", "arp": "ARP replies", "na": "neighbour advertisements",
             "icmp": "ICMP echo replies", "icmp6": "ICMPv6 echo replies", "none": "no reply"}
    lines.append(f"summary: {len(table)} frames in, {len(sent)} frames out ({len(stray)} answering none); "
                 + ", ".join(f"{kinds[k]} {names.get(k, k)}" for k in sorted(kinds)))
    lines.append("counters of ports[0].queues[0]: " + " ".join(f"{c} {queue[c]}" for c in COUNTERS))
    return "\n".join(lines) + "\n", decoded


def expected_counters(table):
    total = {c: 0 for c in COUNTERS}
    for case in table:
        for name, value in case.counters.items():
            total[name] += value
    return total


def socket_answer(port, payload):
    """The socket backend's answer to one DNS payload over UDP (2 tries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        for _ in range(2):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recv(65535)
            except socket.timeout:
                continue
    return None


class PcapReplay(unittest.TestCase):
    def test_replay(self):
        table = cases()
        work = h.tempdir()
        rx_path, tx_path = os.path.join(work, "in.pcap"), os.path.join(work, "out.pcap")
        write_pcap(rx_path, [c.frame for c in table])
        eal = (f"--no-huge -m 512 --no-shconf --no-pci -l 0,1 --file-prefix canon-pcap-{os.getpid()} "
               f"--vdev net_pcap0,rx_pcap={rx_path},tx_pcap={tx_path}")
        zones = {"example.com.": h.example("example.com"), "example.net.": h.example("example.net")}
        os.environ["RUNTIME_DIRECTORY"] = work  # EAL's runtime files in the temp dir
        daemon = h.Canond(zones=zones, listen=[], args=[
            "--backend", "dpdk", "--eal", eal, "--address", f"{SERVER4}/24", "--address", f"{SERVER6}/64",
            "--exception-iface", "none"])
        try:
            daemon.start()
        except AssertionError as e:
            if 'failed to parse device "net_pcap0"' in daemon.log():
                self.skipTest("DPDK has no net_pcap PMD here (librte-net-pcap23)")
            raise e
        try:
            port = daemon.ok("stats")["ports"][0]
            self.assertEqual(port["mac"], mac_text(PORT_MAC),
                             "net_pcap's MAC changed: the frames of the pcap are addressed to "
                             f"{mac_text(PORT_MAC)} (PORT_MAC)")
            queue = self.wait_until_taken(daemon, len(table))
        finally:
            daemon.stop()  # SIGTERM, exit 0; the PMD closes tx_pcap
        sent = read_pcap(tx_path)
        text, decoded = report(table, sent, queue)

        failures = []
        want = expected_counters(table)
        got = {c: queue[c] for c in COUNTERS}
        if got != want:
            failures.append("counters of ports[0].queues[0] differ from the table of frames:\n"
                            + "\n".join(f"  {c}: {got[c]} (want {want[c]})" for c in COUNTERS
                                        if got[c] != want[c]))
        wrong = [line.strip() for d in decoded for line in d.lines if "WRONG" in line]
        if wrong:
            failures.append("sent frames with a wrong length, checksum or echoed data (whatever the golden "
                            "file says):\n  " + "\n  ".join(wrong))
        failures += self.compare_with_socket_backend(table, decoded, zones)

        if UPDATE_GOLDEN:
            os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
            with open(GOLDEN, "w") as f:
                f.write(text)
            print(f"wrote {GOLDEN} ({len(text.splitlines())} lines): read it before committing it",
                  file=sys.stderr)
        else:
            golden = h.read(GOLDEN) if os.path.exists(GOLDEN) else ""
            if text != golden:
                diff = "".join(difflib.unified_diff(golden.splitlines(True), text.splitlines(True),
                                                    "golden/dpdk_pcap_replay.txt", "canond's frames"))
                failures.append("what canond sent differs from the golden file (run with --update-golden "
                                f"to accept it, after reading it):\n{diff or 'no golden file: ' + GOLDEN}")
        if failures:
            keep = f" (pcaps in {work}; CANON_KEEP=1 keeps them)"
            self.fail("\n\n".join(failures) + keep)

    def wait_until_taken(self, daemon, frames):
        """The queue's counters once it took every frame and they stopped moving."""
        deadline = time.monotonic() + RX_SECONDS
        last = None
        while True:
            queue = daemon.ok("stats")["ports"][0]["queues"][0]
            if queue["rx"] == frames and queue == last:
                return queue
            if time.monotonic() > deadline:
                raise AssertionError(f"canond took {queue['rx']} of the pcap's {frames} frames within "
                                     f"{RX_SECONDS} s: {queue}\ncanond log:\n{daemon.log()}")
            last = queue
            time.sleep(0.3)

    def compare_with_socket_backend(self, table, decoded, zones):
        """Every DNS answer sent through DPDK must equal, byte for byte, the
        socket backend's answer to the same query payload."""
        by_key = {d.key: d for d in decoded if hasattr(d, "payload")}
        failures = []
        with h.Canond(zones=zones) as sockets:
            for case in table:
                if case.query is None:
                    continue
                dpdk = by_key.get(case.key)
                if dpdk is None:
                    continue  # no answer at all: the golden diff and the counters say so
                answer = socket_answer(sockets.port, case.query)
                if answer is None:
                    failures.append(f"{case.name}: the socket backend did not answer")
                elif answer != dpdk.payload:
                    theirs = "\n".join("    " + line for line in dns_lines(answer))
                    ours = "\n".join("    " + line for line in dns_lines(dpdk.payload))
                    failures.append(f"{case.name}: DPDK and socket backends answer differently:\n"
                                    f"  DPDK ({len(dpdk.payload)} bytes, {dpdk.payload.hex()}):\n{ours}\n"
                                    f"  socket ({len(answer)} bytes, {answer.hex()}):\n{theirs}")
        return failures


def main():
    global UPDATE_GOLDEN
    args = sys.argv[1:]
    if "--update-golden" in args:
        args.remove("--update-golden")
        UPDATE_GOLDEN = True
    if len(args) < 3:
        print(f"usage: {sys.argv[0]} CANOND CANONCTL EXAMPLE_ZONES_DIR [--update-golden] [unittest args]",
              file=sys.stderr)
        sys.exit(2)
    h.CANOND, h.CANONCTL, h.EXAMPLES = (os.path.abspath(a) for a in args[:3])
    for exe in (h.CANOND, h.CANONCTL):
        if not os.access(exe, os.X_OK):
            print(f"{exe} not found (build first)", file=sys.stderr)
            sys.exit(1)
    result = unittest.main(module=sys.modules[__name__], argv=[sys.argv[0]] + args[3:], verbosity=2,
                           exit=False).result
    if result.skipped and not result.failures and not result.errors:
        sys.exit(77)  # meson: skipped
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
