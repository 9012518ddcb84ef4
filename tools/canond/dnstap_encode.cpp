#include "tools/canond/dnstap_encode.hpp"

#include <cstring>

#include "engine/client_address.hpp"
#include "engine/query.hpp"
#include "tools/canond/dnstap.pb-c.h"

namespace canon::daemon {

namespace {

ProtobufCBinaryData bytes(const void* data, std::size_t length) {
  // protobuf-c reads through the non-const pointer when packing only.
  return ProtobufCBinaryData{length, static_cast<std::uint8_t*>(const_cast<void*>(data))};
}

constexpr std::uint8_t kMessageTag = (14 << 3) | 2;  // Dnstap.message, length-delimited

}  // namespace

DnstapEncoder::DnstapEncoder(const DnstapIdentity& id) {
  Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
  d.has_identity = !id.identity.empty();
  d.identity = bytes(id.identity.data(), id.identity.size());
  d.has_version = !id.version.empty();
  d.version = bytes(id.version.data(), id.version.size());
  d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
  envelope_.resize(dnstap__dnstap__get_packed_size(&d));
  envelope_.resize(dnstap__dnstap__pack(&d, envelope_.data()));
}

std::span<const std::uint8_t> DnstapEncoder::encode(const nic::DnstapSample& sample,
                                                    DnstapMessageType type,
                                                    std::uint8_t* out) const {
  engine::ClientAddress client;
  std::memcpy(client.bytes.data(), sample.client, sizeof(sample.client));
  const bool v4 = client.is_v4();

  Dnstap__Message m = DNSTAP__MESSAGE__INIT;
  m.type = type == DnstapMessageType::kAuthQuery ? DNSTAP__MESSAGE__TYPE__AUTH_QUERY
                                                 : DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE;
  m.has_socket_family = true;
  m.socket_family = v4 ? DNSTAP__SOCKET_FAMILY__INET : DNSTAP__SOCKET_FAMILY__INET6;
  m.has_socket_protocol = true;
  m.socket_protocol = static_cast<engine::Transport>(sample.transport) == engine::Transport::kTcp
                          ? DNSTAP__SOCKET_PROTOCOL__TCP
                          : DNSTAP__SOCKET_PROTOCOL__UDP;
  m.has_query_address = true;
  m.query_address = v4 ? bytes(sample.client + 12, 4) : bytes(sample.client, 16);
  m.has_query_port = true;
  m.query_port = sample.client_port;
  m.has_query_time_sec = true;
  m.query_time_sec = static_cast<std::uint64_t>(sample.sec);
  m.has_query_time_nsec = true;
  m.query_time_nsec = sample.nsec;
  if (type == DnstapMessageType::kAuthQuery) {
    m.has_query_message = true;
    m.query_message = bytes(sample.query(), sample.query_length);
  } else {
    m.has_response_time_sec = true;
    m.response_time_sec = static_cast<std::uint64_t>(sample.sec);  // the burst's one clock reading
    m.has_response_time_nsec = true;
    m.response_time_nsec = sample.nsec;
    m.has_response_message = true;
    m.response_message = bytes(sample.response(), sample.response_length);
  }

  // The Message packed where it ends up, then its tag, length and the
  // envelope written backwards in front of it.
  std::uint8_t* const message = out + envelope_.size() + 3;
  const std::size_t length = dnstap__message__pack(&m, message);
  std::uint8_t* p = message;
  if (length < 128) {
    *--p = static_cast<std::uint8_t>(length);
  } else {
    *--p = static_cast<std::uint8_t>(length >> 7);
    *--p = static_cast<std::uint8_t>(0x80 | (length & 0x7f));
  }
  *--p = kMessageTag;
  p -= envelope_.size();
  std::memcpy(p, envelope_.data(), envelope_.size());
  return {p, static_cast<std::size_t>(message + length - p)};
}

}  // namespace canon::daemon
