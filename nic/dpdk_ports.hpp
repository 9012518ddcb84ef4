// DPDK ports for canond: every ethdev the EAL found (PCI NICs and vdevs)
// gets one RX and one TX queue per worker, RSS on the UDP 4-tuple when there
// are several, checksum offloads where the port has them, and, with an
// exception path, a kernel TAP of its own that mirrors it.
//
//   port k (NIC / vdev) ── queue w ── worker w ── queue w ── TAP k ("canon0") ── kernel
//
// Mbufs come from one mempool per NUMA socket, sized from the queue depths.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nic/frame_replies.hpp"
#include "nic/local_addresses.hpp"

struct rte_mempool;

namespace canon::nic {

inline constexpr std::uint16_t kNoPort = 0xffff;

struct PortPlan {
  std::uint16_t queues = 1;
  std::uint16_t rx_descriptors = 1024;
  std::uint16_t tx_descriptors = 1024;
  std::string exception_interface;  // TAP name for port 0 (port k: NAME + k); empty: none
};

struct DpdkPort {
  std::uint16_t id = kNoPort;
  std::uint16_t tap = kNoPort;  // its exception path
  std::string name;
  std::string driver;
  std::string tap_interface;
  std::array<std::uint8_t, 6> mac{};
  TxOffload offload;
  bool rx_udp_checksum = false;  // the port verifies UDP checksums
  std::uint16_t mtu = 1500;
  int socket = 0;
};

// "02:70:63:61:70:00": for logs, stats and the TAP's mac= argument.
[[nodiscard]] std::string mac_text(const std::array<std::uint8_t, 6>& mac);

// Configures and starts every port; throws std::runtime_error naming the
// port and quoting DPDK's error text.
class DpdkPorts {
 public:
  explicit DpdkPorts(const PortPlan& plan);
  ~DpdkPorts();
  DpdkPorts(const DpdkPorts&) = delete;
  DpdkPorts& operator=(const DpdkPorts&) = delete;

  [[nodiscard]] const std::vector<DpdkPort>& ports() const noexcept { return ports_; }
  void stop() noexcept;

 private:
  rte_mempool* pool_for(int socket, unsigned mbufs);
  void configure(std::uint16_t port, const PortPlan& plan, bool is_tap, std::uint16_t& rx_desc,
                 std::uint16_t& tx_desc, DpdkPort* out);
  void add_tap(DpdkPort& port, const PortPlan& plan, std::size_t index);

  std::vector<DpdkPort> ports_;
  std::map<int, rte_mempool*> pools_;
  unsigned mbufs_per_socket_ = 0;
  bool stopped_ = false;
};

}  // namespace canon::nic
