// libFuzzer target: any bytes as a received frame → the decoder must not read
// past it, and every reply written in place must stay in the buffer and be a
// valid frame:
//   - the decoder's offsets lie inside the frame; verifying the UDP checksum
//     changes nothing but kDns → kDrop/kBadChecksum;
//   - ARP, ICMP echo, ICMPv6 echo and neighbour advertisement replies have
//     the right length and valid checksums by recomputation;
//   - a DNS answer of any length up to dns_answer_room, finished in software
//     mode, decodes as kDns at the asker (its MAC, address and port), with
//     the same payload; in offload mode its length is the same.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "nic/checksum.hpp"
#include "nic/frame_decoder.hpp"
#include "nic/frame_layout.hpp"
#include "nic/frame_replies.hpp"
#include "nic/local_addresses.hpp"

namespace {

using namespace canon::nic;
using namespace canon::nic::frame;

// The tail room a reply may grow into (a neighbour advertisement is 8 bytes
// longer than a minimal solicitation; a DNS answer up to the MTU).
constexpr std::size_t kTailRoom = 2048;

// Must match tests/fuzz/corpus/make_frames.py.
LocalAddresses make_local() {
  LocalAddresses local;
  local.mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x53};
  std::string error;
  if (!local.add(*parse_interface_address("198.18.0.2/15", error))) std::abort();
  if (!local.add(*parse_interface_address("2001:2::53/48", error))) std::abort();
  return local;
}
const LocalAddresses g_local = make_local();

void check(bool condition) {
  if (!condition) std::abort();
}

bool same(const DecodedFrame& a, const DecodedFrame& b) {
  return a.kind == b.kind && a.drop == b.drop && a.ipv6 == b.ipv6 && a.l3 == b.l3 && a.l4 == b.l4 &&
         a.payload == b.payload && a.payload_length == b.payload_length &&
         a.l4_length == b.l4_length;
}

void check_offsets(const DecodedFrame& d, std::size_t size) {
  if (d.kind == FrameKind::kDrop) {
    check(d.drop != DropReason::kNone);
    return;
  }
  check(d.drop == DropReason::kNone);
  if (d.kind == FrameKind::kException) return;
  check(d.l3 >= kEthernet && d.l3 <= kEthernet + kVlanTag);
  if (d.kind == FrameKind::kArpRequest) {
    check(d.l3 + kArp <= size);
    return;
  }
  check(d.l4 == d.l3 + (d.ipv6 ? kIpv6 : kIpv4));
  check(d.l4 + d.l4_length <= size);
  if (d.kind == FrameKind::kDns) {
    check(d.payload == d.l4 + kUdp);
    check(d.payload_length + kUdp == d.l4_length);
  }
}

std::uint32_t ipv6_pseudo(const std::uint8_t* ip, std::size_t length, std::uint8_t protocol) {
  return checksum_add(ip + 8, 32) + static_cast<std::uint32_t>(length) + protocol;
}

void check_dns_answers(const std::uint8_t* data, std::size_t size, const DecodedFrame& d) {
  std::vector<std::uint8_t> buffer(size + kTailRoom);
  // The asker, as it would decode our answer: its MAC, address and port.
  LocalAddresses asker;
  std::memcpy(asker.mac.data(), data + kMacBytes, kMacBytes);
  InterfaceAddress source;
  source.ipv6 = d.ipv6;
  std::memcpy(source.bytes.data(), data + d.l3 + (d.ipv6 ? 8 : 12), d.ipv6 ? 16 : 4);
  asker.add(source);
  asker.dns_port = load16(data + d.l4);

  for (const std::size_t mtu : {std::size_t{1500}, std::size_t{9000}}) {
    const std::size_t room = dns_answer_room(d, buffer.size(), mtu);
    check(d.payload + room <= buffer.size());
    check(room + kUdp + (d.ipv6 ? kIpv6 : kIpv4) <= mtu);
    for (const std::size_t length :
         {std::size_t{0}, std::size_t{1}, std::size_t{12}, std::size_t{d.payload_length}, room / 2,
          room - (room > 0 ? 1 : 0), room}) {
      if (length > room) continue;
      for (const TxOffload offload : {TxOffload{false, false}, TxOffload{true, true}}) {
        std::memcpy(buffer.data(), data, size);
        const std::size_t n = finish_dns_answer(buffer.data(), d, length, g_local, offload);
        check(n == d.payload + length && n <= buffer.size());
        if (offload.udp) continue;
        const DecodedFrame back = decode_frame(buffer.data(), n, asker, true);
        check(back.kind == FrameKind::kDns && back.payload == d.payload &&
              back.payload_length == length);
      }
    }
  }
}

void check_replies(const std::uint8_t* data, std::size_t size, const DecodedFrame& d) {
  if (d.kind == FrameKind::kDrop || d.kind == FrameKind::kException) return;
  if (d.kind == FrameKind::kDns) {
    check_dns_answers(data, size, d);
    return;
  }
  std::vector<std::uint8_t> buffer(size + kTailRoom);
  std::memcpy(buffer.data(), data, size);
  std::uint8_t* f = buffer.data();
  switch (d.kind) {
    case FrameKind::kArpRequest: {
      const std::size_t n = reply_arp(f, d, g_local);
      check(n == d.l3 + kArp && n <= size);
      check(load16(f + d.l3 + 6) == 2 &&
            std::memcmp(f + d.l3 + 8, g_local.mac.data(), kMacBytes) == 0);
      break;
    }
    case FrameKind::kIcmpEcho: {
      const std::size_t n = reply_icmp_echo(f, d, g_local);
      check(n == d.l4 + d.l4_length && n <= size);
      check(checksum_fold(checksum_add(f + d.l3, kIpv4)) == 0);
      check(checksum_fold(checksum_add(f + d.l4, d.l4_length)) == 0);
      check(f[d.l4] == kIcmpEchoReply && load16(f + d.l3 + 2) == kIpv4 + d.l4_length);
      break;
    }
    case FrameKind::kIcmp6Echo: {
      const std::size_t n = reply_icmp6_echo(f, d, g_local);
      check(n == d.l4 + d.l4_length && n <= size);
      check(checksum_fold(checksum_add(f + d.l4, d.l4_length,
                                       ipv6_pseudo(f + d.l3, d.l4_length, kProtoIcmp6))) == 0);
      check(f[d.l4] == kIcmp6EchoReply);
      break;
    }
    case FrameKind::kNeighborSolicit: {
      constexpr std::size_t kAdvert = 32;
      const std::size_t n = reply_neighbor_advert(f, d, g_local);
      check(n == d.l4 + kAdvert && n <= buffer.size());
      check(f[d.l4] == kIcmp6NeighborAdvert && f[d.l3 + 7] == 255 &&
            load16(f + d.l3 + 4) == kAdvert);
      check(g_local.has_ipv6(f + d.l3 + 8) && std::memcmp(f + d.l3 + 8, f + d.l4 + 8, 16) == 0);
      check(checksum_fold(
                checksum_add(f + d.l4, kAdvert, ipv6_pseudo(f + d.l3, kAdvert, kProtoIcmp6))) == 0);
      break;
    }
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy: ASan sees a read one byte past the frame.
  const std::vector<std::uint8_t> frame(data, data + size);
  const DecodedFrame verified = decode_frame(frame.data(), size, g_local, true);
  const DecodedFrame trusted = decode_frame(frame.data(), size, g_local, false);
  check_offsets(verified, size);
  check_offsets(trusted, size);
  // Verification only ever turns a DNS query with a bad UDP checksum into a drop.
  check(same(verified, trusted) ||
        (trusted.kind == FrameKind::kDns && verified.kind == FrameKind::kDrop &&
         verified.drop == DropReason::kBadChecksum));
  check_replies(frame.data(), size, trusted);
  return 0;
}
