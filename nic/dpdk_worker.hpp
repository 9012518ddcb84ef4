// One DPDK worker: an lcore polling queue `queue` of every port, answering
// DNS in the receive mbuf and neighbours on the spot, relaying the rest to
// the port's TAP and the TAP's frames back out.
//
//   loop until stop:
//     for each port:  rx_burst ─▶ decode each frame (nic/frame_decoder)
//                       ├─ DNS:        payload spans ─▶ Engine::answer_burst ─▶ finish_dns_answer
//                       │              (dnstap: sampled queries to the ring before, answers after)
//                       ├─ ARP / NS / echo: reply in place
//                       ├─ exception:  ─▶ TAP tx_burst
//                       └─ drop:       free (counted by reason)
//                     ─▶ tx_burst (answers and replies together)
//                     TAP rx_burst ─▶ port tx_burst (the kernel's frames)
//     quiescent (RCU): the snapshot pointer is read again next burst
//
// No allocation, no locks, no system calls: the mbufs come and go through
// the port's mempool.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/engine.hpp"
#include "nic/dnstap_tap.hpp"
#include "nic/dpdk_counters.hpp"
#include "nic/dpdk_ports.hpp"
#include "nic/frame_decoder.hpp"
#include "nic/local_addresses.hpp"
#include "engine/served.hpp"

struct rte_mbuf;

namespace canon::nic {

class DpdkWorker {
 public:
  static constexpr std::uint16_t kBurst = 32;

  DpdkWorker(unsigned index, unsigned lcore, const std::vector<DpdkPort>& ports, const LocalAddresses& addresses,
             const engine::EngineConfig& config, const DnstapConfig& dnstap = {});

  void run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept;

  [[nodiscard]] unsigned index() const noexcept { return index_; }
  [[nodiscard]] unsigned lcore() const noexcept { return lcore_; }
  [[nodiscard]] const engine::WorkerCounters& engine_counters() const noexcept { return engine_->counters(); }
  // Per port, in the order of the ports given.
  [[nodiscard]] const QueueCounters& counters(std::size_t port) const noexcept { return lanes_[port].counters; }
  // The samples for the dnstap writer; nullptr when dnstap is off.
  [[nodiscard]] DnstapRing* dnstap_ring() noexcept { return dnstap_ ? &dnstap_->ring() : nullptr; }

 private:
  // One port as this worker sees it: its queue, its MAC, its TAP.
  struct Lane {
    DpdkPort port;
    LocalAddresses local;  // the served addresses with this port's MAC
    QueueCounters counters;
  };

  void serve(Lane& lane, engine::ServedReader& reader) noexcept;
  void classify(Lane& lane, rte_mbuf* m) noexcept;
  void answer_dns(Lane& lane, engine::ServedReader& reader) noexcept;
  // The engine's answer_burst with the dnstap tap around it.
  void answer_tapped(engine::ServedReader& reader) noexcept;
  void relay_from_kernel(Lane& lane) noexcept;
  void transmit(Lane& lane) noexcept;

  unsigned index_;
  unsigned lcore_;
  std::uint16_t queue_;
  std::vector<Lane> lanes_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<DnstapTap> dnstap_;  // null: dnstap off
  // Per burst:
  rte_mbuf* rx_[kBurst];
  rte_mbuf* dns_[kBurst];
  DecodedFrame decoded_[kBurst];
  engine::Packet packets_[kBurst];
  rte_mbuf* tx_[kBurst];
  rte_mbuf* to_kernel_[kBurst];
  rte_mbuf* free_[kBurst];
  std::uint16_t dns_count_ = 0, tx_count_ = 0, to_kernel_count_ = 0, free_count_ = 0;
};

}  // namespace canon::nic
