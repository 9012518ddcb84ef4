// One worker sample (nic/dnstap_ring.hpp) as the dnstap protobuf messages the
// writer frames: dnstap.Dnstap{type MESSAGE, identity, version, message},
// packed by the code protoc-c made from tools/canond/dnstap.proto.
//
//   AUTH_QUERY:     socket_family, socket_protocol, query_address, query_port,
//                   query_time, query_message
//   AUTH_RESPONSE:  the same without query_message, with response_time and
//                   response_message
//
// The address is 4 octets (INET) for an IPv4 client, as the sample's mapped
// form says, else 16 (INET6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "nic/dnstap_ring.hpp"

namespace canon::daemon {

enum class DnstapMessageType : std::uint8_t { kAuthQuery, kAuthResponse };

// What every message says of its writer: the host name and "canon VERSION".
struct DnstapIdentity {
  std::string identity;
  std::string version;
};

// Room enough for any message of one sample: its octets, the fixed fields
// and their tags (well under 128 octets), the identity and the version.
[[nodiscard]] inline std::size_t dnstap_max_encoded(const DnstapIdentity& id) noexcept {
  return nic::DnstapSample::kData + 128 + id.identity.size() + id.version.size();
}

// Packs message `type` of `sample` into `out`, which has `capacity` octets;
// returns its length, 0 when it does not fit.
[[nodiscard]] std::size_t encode_dnstap(const nic::DnstapSample& sample, DnstapMessageType type,
                                        const DnstapIdentity& id, std::uint8_t* out,
                                        std::size_t capacity);

}  // namespace canon::daemon
