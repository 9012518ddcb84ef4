#include "nic/dpdk_worker.hpp"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "nic/frame_layout.hpp"
#include "nic/frame_replies.hpp"

namespace canon::nic {

namespace {

void set_length(rte_mbuf* m, std::size_t length) noexcept {
  m->data_len = static_cast<std::uint16_t>(length);
  m->pkt_len = static_cast<std::uint32_t>(length);
}

// Asks the port for the checksums finish_dns_answer left to it.
void request_offload(rte_mbuf* m, const DecodedFrame& d, TxOffload offload) noexcept {
  m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
  if (!offload.udp && !offload.ipv4_header) return;
  m->l2_len = d.l3;
  m->l3_len = static_cast<std::uint16_t>(d.l4 - d.l3);
  if (d.ipv6) {
    m->ol_flags |= RTE_MBUF_F_TX_IPV6;
  } else {
    m->ol_flags |= RTE_MBUF_F_TX_IPV4 | (offload.ipv4_header ? RTE_MBUF_F_TX_IP_CKSUM : 0);
  }
  if (offload.udp) m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
}

}  // namespace

DpdkWorker::DpdkWorker(unsigned index, unsigned lcore, const std::vector<DpdkPort>& ports,
                       const LocalAddresses& addresses, const engine::EngineConfig& config,
                       const DnstapConfig& dnstap)
    : index_(index),
      lcore_(lcore),
      queue_(static_cast<std::uint16_t>(index)),
      engine_(std::make_unique<engine::Engine>(config, index)),
      dnstap_(dnstap.enabled ? std::make_unique<DnstapTap>(dnstap) : nullptr) {
  for (const DpdkPort& port : ports) {
    Lane lane;
    lane.port = port;
    lane.local = addresses;
    lane.local.mac = port.mac;
    lanes_.push_back(lane);
  }
}

void DpdkWorker::run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept {
  reader.online();
  while (!stop.load(std::memory_order_relaxed)) {
    for (Lane& lane : lanes_) {
      serve(lane, reader);
      if (lane.port.tap != kNoPort) relay_from_kernel(lane);
    }
    reader.quiescent();
  }
  reader.offline();
}

void DpdkWorker::serve(Lane& lane, engine::ServedReader& reader) noexcept {
  const std::uint16_t received = rte_eth_rx_burst(lane.port.id, queue_, rx_, kBurst);
  if (received == 0) return;
  lane.counters.rx += received;
  dns_count_ = tx_count_ = to_kernel_count_ = free_count_ = 0;
  for (std::uint16_t i = 0; i < received; ++i) {
    if (i + 1 < received) rte_prefetch0(rte_pktmbuf_mtod(rx_[i + 1], void*));
    classify(lane, rx_[i]);
  }
  if (dns_count_ != 0) answer_dns(lane, reader);
  transmit(lane);
}

void DpdkWorker::classify(Lane& lane, rte_mbuf* m) noexcept {
  QueueCounters& c = lane.counters;
  if (m->nb_segs != 1) {  // a jumbo chain: never a query of ours
    c.dropped_malformed++;
    free_[free_count_++] = m;
    return;
  }
  bool verify = true;
  if (lane.port.rx_udp_checksum) {
    const std::uint64_t l4 = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
    if (l4 == RTE_MBUF_F_RX_L4_CKSUM_BAD) {
      c.dropped_checksum++;
      free_[free_count_++] = m;
      return;
    }
    verify = l4 != RTE_MBUF_F_RX_L4_CKSUM_GOOD;
  }
  auto* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
  const DecodedFrame d = decode_frame(frame, m->data_len, lane.local, verify);
  const std::size_t room = m->buf_len - m->data_off;
  std::size_t reply = 0;
  switch (d.kind) {
    case FrameKind::kDns: {
      c.dns_queries++;
      const std::size_t answer_room = dns_answer_room(d, room, lane.port.mtu);
      decoded_[dns_count_] = d;
      dns_[dns_count_] = m;
      packets_[dns_count_] = {frame + d.payload, d.payload_length,
                              static_cast<std::uint16_t>(answer_room < 65535 ? answer_room : 65535),
                              d.ipv6 ? engine::ClientAddress::v6(frame + d.l3 + nic::frame::kIpv6Source)
                                     : engine::ClientAddress::v4(frame + d.l3 + nic::frame::kIpv4Source)};
      ++dns_count_;
      return;
    }
    case FrameKind::kArpRequest:
      reply = reply_arp(frame, d, lane.local);
      c.neighbour++;
      break;
    case FrameKind::kNeighborSolicit:
      if (room < static_cast<std::size_t>(d.l4) + 32) {
        c.dropped_malformed++;
        free_[free_count_++] = m;
        return;
      }
      reply = reply_neighbor_advert(frame, d, lane.local);
      c.neighbour++;
      break;
    case FrameKind::kIcmpEcho:
      reply = reply_icmp_echo(frame, d, lane.local);
      c.echo++;
      break;
    case FrameKind::kIcmp6Echo:
      reply = reply_icmp6_echo(frame, d, lane.local);
      c.echo++;
      break;
    case FrameKind::kException:
      if (lane.port.tap != kNoPort) {
        to_kernel_[to_kernel_count_++] = m;
      } else {
        c.exception_dropped++;
        free_[free_count_++] = m;
      }
      return;
    case FrameKind::kDrop:
      if (d.drop == DropReason::kNotForUs) c.dropped_not_for_us++;
      if (d.drop == DropReason::kMalformed) c.dropped_malformed++;
      if (d.drop == DropReason::kBadChecksum) c.dropped_checksum++;
      free_[free_count_++] = m;
      return;
  }
  set_length(m, reply);
  m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
  tx_[tx_count_++] = m;
}

void DpdkWorker::answer_tapped(engine::ServedReader& reader) noexcept {
  // The client's port: the UDP header's first field.
  dnstap_->take_queries(packets_, dns_count_, engine::Transport::kUdp, [this](std::size_t i) {
    return engine::load16(packets_[i].data - decoded_[i].payload + decoded_[i].l4);
  });
  engine_->answer_burst(reader.current(), packets_, dns_count_, engine::Transport::kUdp);
  dnstap_->take_answers(packets_);
}

void DpdkWorker::answer_dns(Lane& lane, engine::ServedReader& reader) noexcept {
  if (dnstap_) [[unlikely]] {
    answer_tapped(reader);
  } else {
    engine_->answer_burst(reader.current(), packets_, dns_count_, engine::Transport::kUdp);
  }
  for (std::uint16_t i = 0; i < dns_count_; ++i) {
    rte_mbuf* m = dns_[i];
    if (packets_[i].length == 0) {  // the engine chose silence, or left a NOTIFY to the control side
      if (lane.port.tap != kNoPort && engine::header::is_notify_request(packets_[i].data, decoded_[i].payload_length)) {
        to_kernel_[to_kernel_count_++] = m;  // kernel_notify_receiver.hpp
      } else {
        free_[free_count_++] = m;
      }
      continue;
    }
    const std::size_t length =
        finish_dns_answer(rte_pktmbuf_mtod(m, std::uint8_t*), decoded_[i], packets_[i].length, lane.local,
                          lane.port.offload);
    set_length(m, length);
    request_offload(m, decoded_[i], lane.port.offload);
    tx_[tx_count_++] = m;
    lane.counters.dns_answers++;
  }
}

void DpdkWorker::transmit(Lane& lane) noexcept {
  QueueCounters& c = lane.counters;
  if (tx_count_ != 0) {
    const std::uint16_t sent = rte_eth_tx_burst(lane.port.id, queue_, tx_, tx_count_);
    c.tx += sent;
    if (sent < tx_count_) {
      c.tx_dropped += tx_count_ - sent;
      rte_pktmbuf_free_bulk(tx_ + sent, tx_count_ - sent);
    }
  }
  if (to_kernel_count_ != 0) {
    const std::uint16_t passed = rte_eth_tx_burst(lane.port.tap, queue_, to_kernel_, to_kernel_count_);
    c.exception_out += passed;
    if (passed < to_kernel_count_) {
      c.exception_dropped += to_kernel_count_ - passed;
      rte_pktmbuf_free_bulk(to_kernel_ + passed, to_kernel_count_ - passed);
    }
  }
  if (free_count_ != 0) rte_pktmbuf_free_bulk(free_, free_count_);
}

void DpdkWorker::relay_from_kernel(Lane& lane) noexcept {
  rte_mbuf* frames[kBurst];
  const std::uint16_t received = rte_eth_rx_burst(lane.port.tap, queue_, frames, kBurst);
  if (received == 0) return;
  const std::uint16_t sent = rte_eth_tx_burst(lane.port.id, queue_, frames, received);
  lane.counters.exception_in += sent;
  lane.counters.tx += sent;
  if (sent < received) {
    lane.counters.tx_dropped += received - sent;
    rte_pktmbuf_free_bulk(frames + sent, received - sent);
  }
}

}  // namespace canon::nic
