#include "neighbour.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "arp.hpp"

namespace canon::gen {

namespace {

constexpr unsigned kRxBurst = 32;

[[nodiscard]] bool send_request(const Port& port, Ipv4 our_ip, Ipv4 peer) {
  rte_mbuf* m = rte_pktmbuf_alloc(port.pool);
  if (m == nullptr) return false;
  auto* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
  const auto length = static_cast<std::uint16_t>(build_arp_request(frame, port.mac, our_ip, peer));
  m->data_len = length;
  m->pkt_len = length;
  if (rte_eth_tx_burst(port.id, 0, &m, 1) == 1) return true;
  rte_pktmbuf_free(m);
  return false;
}

}  // namespace

bool answer_arp(const Port& port, rte_mbuf* m, Ipv4 our_ip) {
  return answer_arp_request(rte_pktmbuf_mtod(m, std::uint8_t*), rte_pktmbuf_data_len(m), port.mac,
                            our_ip);
}

void send_replies(const Port& port, rte_mbuf** replies, unsigned n, Counters& counters) {
  if (n == 0) return;
  const std::uint16_t sent = rte_eth_tx_burst(port.id, 0, replies, static_cast<std::uint16_t>(n));
  counters.arp_answered += sent;
  for (unsigned i = sent; i < n; ++i) rte_pktmbuf_free(replies[i]);
}

std::optional<MacAddress> resolve_mac(const Port& port, Ipv4 our_ip, Ipv4 peer, double seconds,
                                      Counters& counters) {
  const std::uint64_t hz = rte_get_tsc_hz();
  const std::uint64_t start = rte_rdtsc();
  const std::uint64_t deadline =
      start + static_cast<std::uint64_t>(seconds * static_cast<double>(hz));
  const std::uint64_t resend = hz / 4;
  std::uint64_t last_request = 0;
  bool requested = false;
  std::optional<MacAddress> found;
  rte_mbuf* rx[kRxBurst];
  rte_mbuf* replies[kRxBurst];
  for (std::uint64_t now = start; now < deadline && !found; now = rte_rdtsc()) {
    if (!requested || now - last_request >= resend) {
      requested = send_request(port, our_ip, peer) || requested;
      last_request = now;
    }
    const std::uint16_t n = rte_eth_rx_burst(port.id, 0, rx, kRxBurst);
    unsigned n_replies = 0;
    for (std::uint16_t i = 0; i < n; ++i) {
      const auto* frame = rte_pktmbuf_mtod(rx[i], const std::uint8_t*);
      const std::size_t length = rte_pktmbuf_data_len(rx[i]);
      if (length >= kEthLen && load16(frame + 12) == kEtherArp) ++counters.arp_received;
      if (!found) found = arp_reply_from(frame, length, port.mac, our_ip, peer);
      if (answer_arp(port, rx[i], our_ip))
        replies[n_replies++] = rx[i];
      else
        rte_pktmbuf_free(rx[i]);
    }
    send_replies(port, replies, n_replies, counters);
    if (n == 0) rte_delay_us_block(50);
  }
  return found;
}

}  // namespace canon::gen
