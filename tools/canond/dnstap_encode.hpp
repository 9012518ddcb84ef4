// One worker sample (nic/dnstap_ring.hpp) as the dnstap protobuf messages the
// writer frames: dnstap.Dnstap{identity, version, type MESSAGE, message},
// packed by the code protoc-c made from tools/canond/dnstap.proto.
//
//   AUTH_QUERY:     socket_family, socket_protocol, query_address, query_port,
//                   query_time, query_message
//   AUTH_RESPONSE:  the same without query_message, with response_time (the
//                   same as query_time: one clock reading per burst) and
//                   response_message
//
// The address is 4 octets (INET) for an IPv4 client, as the sample's mapped
// form says, else 16 (INET6).
//
// The envelope is the same for every message, so it is packed once (by
// protobuf-c, at construction); each frame is that envelope, then field 14
// (the Message, packed by protobuf-c in place) with its tag and length:
//
//   | identity(1) version(2) type(15) | 0x72 len | Message ... |
//
// Protobuf readers take fields in any order, and dnstap-read, kdig -G and
// the generated unpack all read it. Packing the whole Dnstap per message
// instead sized the Message twice and cost ~40 % of the writer's time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nic/dnstap_ring.hpp"

namespace canon::daemon {

enum class DnstapMessageType : std::uint8_t { kAuthQuery, kAuthResponse };

// What every message says of its writer: the host name and "canon VERSION".
struct DnstapIdentity {
  std::string identity;
  std::string version;
};

class DnstapEncoder {
 public:
  // A packed Message of one sample is at most this long: its octets (one
  // message of a slot), the fixed fields and their tags (well under 128).
  static constexpr std::size_t kMaxMessage = nic::DnstapSample::kData + 128;
  static_assert(kMaxMessage < 16384, "the Message's length is a varint of at most 2 octets");

  explicit DnstapEncoder(const DnstapIdentity& id);

  // The room encode() needs.
  [[nodiscard]] std::size_t max_encoded() const noexcept {
    return envelope_.size() + 3 + kMaxMessage;
  }

  // Message `type` of `sample` as one Dnstap, built in `out` (max_encoded()
  // octets); the frame is a part of `out`, not necessarily at its start.
  [[nodiscard]] std::span<const std::uint8_t> encode(const nic::DnstapSample& sample,
                                                     DnstapMessageType type,
                                                     std::uint8_t* out) const;

 private:
  std::vector<std::uint8_t> envelope_;  // Dnstap{identity, version, type} packed
};

}  // namespace canon::daemon
