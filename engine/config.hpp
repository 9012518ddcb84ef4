// What an operator can set about answers. Read-only on the data path.
#pragma once

#include <cstdint>
#include <string>

namespace canon::engine {

struct EngineConfig {
  // Largest UDP answer we send with EDNS (RFC 6891; 1232 avoids fragmentation).
  std::uint16_t max_udp_payload = 1232;
  // RFC 5001 NSID, returned when a query asks for it; empty: not sent.
  std::string nsid;
  // CHAOS TXT id.server / hostname.bind, version.bind / version.server.
  bool chaos = true;
  std::string identity = "canon";
  std::string version = "canon 0.1";
  // A NOTIFY is left unanswered (length 0, the message untouched) for the
  // worker or the TCP server to hand to the control side, which answers it;
  // false: NOTIMP, as for every other opcode. Set by canond when it has
  // secondary zones.
  bool notify_to_control = false;
  // Whether a NOTIFY over UDP may be left too: the socket backend's workers
  // hand datagrams over, the DPDK workers pass them to the kernel through
  // the exception path (nic/kernel_notify_receiver.hpp); DPDK without an
  // exception path answers them NOTIMP.
  bool udp_notify_to_control = true;
  // AXFR and IXFR over TCP, likewise left for the TCP server to hand the
  // connection to the control side's outgoing transfers; false: REFUSED.
  bool transfers_to_control = false;

  bool operator==(const EngineConfig&) const = default;
};

}  // namespace canon::engine
