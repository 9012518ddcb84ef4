#!/usr/bin/env python3
"""Writes the seed corpus of the 'frames' fuzz target (tests/fuzz/corpus/frames/).

One frame per file, one of each kind the DPDK path decodes: DNS over IPv4 and
IPv6 (untagged, 802.1Q, padded, UDP checksum 0 or bad), ARP request and reply, ICMP and
ICMPv6 echo, neighbour solicitations (multicast, DAD), and frames for the
kernel or the bin (QinQ, fragment, extension header, bad checksum, cut).
The addresses match LocalAddresses in fuzz_frames.cpp.

    tests/fuzz/corpus/make_frames.py [OUTPUT_DIR]
"""
import ipaddress
import os
import struct
import sys

OUR_MAC = bytes.fromhex("020000000053")
PEER_MAC = bytes.fromhex("020000000007")
BROADCAST = b"\xff" * 6
OUR4 = ipaddress.ip_address("198.18.0.2").packed
PEER4 = ipaddress.ip_address("198.19.1.7").packed
OUR6 = ipaddress.ip_address("2001:2::53").packed
PEER6 = ipaddress.ip_address("2001:2::7").packed
OUR_SOLICITED6 = ipaddress.ip_address("ff02::1:ff00:53").packed
OUR_SOLICITED_MAC = bytes.fromhex("3333ff000053")
UNSPECIFIED6 = bytes(16)

# example.com A, ID 0x1234, RD
QUERY = bytes.fromhex("123401000001000000000000") + b"\x07example\x03com\x00" + b"\x00\x01\x00\x01"


def checksum(data: bytes, start: int = 0) -> int:
    if len(data) % 2:
        data += b"\0"
    total = start + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(ethertype: int, dst=OUR_MAC, src=PEER_MAC, vlans=()) -> bytes:
    tags = b"".join(struct.pack("!HH", 0x8100, tci) for tci in vlans)
    return dst + src + tags + struct.pack("!H", ethertype)


def ipv4(proto: int, l4: bytes, src=PEER4, dst=OUR4, fragment=0) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0x1234, fragment, 64, proto, 0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + l4


def ipv6(next_header: int, upper: bytes, src=PEER6, dst=OUR6, hop_limit=64) -> bytes:
    return struct.pack("!IHBB", 0x60000000, len(upper), next_header, hop_limit) + src + dst + upper


def pseudo_sum(src: bytes, dst: bytes, proto: int, length: int) -> int:
    return (0xFFFF - checksum(src + dst)) + proto + length


def with_checksum(message: bytes, at: int, start: int, zero_as_ones=False) -> bytes:
    value = checksum(message, start)
    if zero_as_ones and value == 0:
        value = 0xFFFF
    return message[:at] + struct.pack("!H", value) + message[at + 2:]


def udp(src_ip: bytes, dst_ip: bytes, payload: bytes, sport=40000, dport=53) -> bytes:
    segment = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return with_checksum(segment, 6, pseudo_sum(src_ip, dst_ip, 17, len(segment)), zero_as_ones=True)


def icmp6(src: bytes, dst: bytes, message: bytes) -> bytes:
    return with_checksum(message, 2, pseudo_sum(src, dst, 58, len(message)))


def arp(op: int, sha: bytes, spa: bytes, tha: bytes, tpa: bytes) -> bytes:
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def frames() -> dict:
    echo = struct.pack("!HH", 0x4242, 7) + bytes(range(32))
    dns4 = ethernet(0x0800) + ipv4(17, udp(PEER4, OUR4, QUERY))
    dns6 = ethernet(0x86DD) + ipv6(17, udp(PEER6, OUR6, QUERY))
    ns = icmp6(PEER6, OUR_SOLICITED6, bytes([135, 0, 0, 0, 0, 0, 0, 0]) + OUR6 + b"\x01\x01" + PEER_MAC)
    dad = icmp6(UNSPECIFIED6, OUR_SOLICITED6, bytes([135, 0, 0, 0, 0, 0, 0, 0]) + OUR6)
    nocsum = bytearray(dns4)
    nocsum[14 + 20 + 6:14 + 20 + 8] = b"\0\0"
    bad_ip = bytearray(dns4)
    bad_ip[14 + 10] ^= 0xFF
    bad_udp4 = bytearray(dns4)
    bad_udp4[-1] ^= 0x40
    bad_udp6 = bytearray(dns6)
    bad_udp6[-1] ^= 0x40
    hop_by_hop = bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(PEER6, OUR6, QUERY)
    return {
        "dns_v4": dns4,
        "dns_v6": dns6,
        "dns_v4_vlan": ethernet(0x0800, vlans=(100,)) + ipv4(17, udp(PEER4, OUR4, QUERY)),
        "dns_v6_vlan": ethernet(0x86DD, vlans=(100,)) + ipv6(17, udp(PEER6, OUR6, QUERY)),
        "dns_v4_broadcast_padded": (ethernet(0x0800, dst=BROADCAST) + ipv4(17, udp(PEER4, OUR4, b"\x12\x34"))).ljust(60, b"\0"),
        "dns_v4_no_checksum": bytes(nocsum),
        "dns_v4_bad_ip_checksum": bytes(bad_ip),
        "dns_v4_bad_udp_checksum": bytes(bad_udp4),
        "dns_v6_bad_udp_checksum": bytes(bad_udp6),
        "dns_v4_fragment": ethernet(0x0800) + ipv4(17, udp(PEER4, OUR4, QUERY), fragment=0x2000),
        "dns_v6_hop_by_hop": ethernet(0x86DD) + ipv6(0, hop_by_hop),
        "dns_qinq": ethernet(0x0800, vlans=(100, 200)) + ipv4(17, udp(PEER4, OUR4, QUERY)),
        "dns_v4_cut": dns4[:len(dns4) - 5],
        "arp_request": ethernet(0x0806, dst=BROADCAST) + arp(1, PEER_MAC, PEER4, bytes(6), OUR4),
        "arp_reply": ethernet(0x0806) + arp(2, PEER_MAC, PEER4, OUR_MAC, OUR4),
        "icmp_echo": ethernet(0x0800) + ipv4(1, with_checksum(bytes([8, 0, 0, 0]) + echo, 2, 0)),
        "icmp6_echo": ethernet(0x86DD) + ipv6(58, icmp6(PEER6, OUR6, bytes([128, 0, 0, 0]) + echo)),
        "ns_multicast": ethernet(0x86DD, dst=OUR_SOLICITED_MAC) + ipv6(58, ns, dst=OUR_SOLICITED6, hop_limit=255),
        "ns_dad": ethernet(0x86DD, dst=OUR_SOLICITED_MAC)
        + ipv6(58, dad, src=UNSPECIFIED6, dst=OUR_SOLICITED6, hop_limit=255),
        "tcp_v4": ethernet(0x0800) + ipv4(6, struct.pack("!HHIIBBHHH", 40000, 53, 1, 0, 0x50, 0x02, 1024, 0, 0)),
        "short": dns4[:13],
    }


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "frames")
    os.makedirs(out, exist_ok=True)
    for name, data in frames().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(frames())} frames to {out}")


if __name__ == "__main__":
    main()
