#include "nic/dpdk_ports.hpp"

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_bus_vdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <cstdio>
#include <stdexcept>

namespace canon::nic {

namespace {

constexpr unsigned kMempoolCache = 256;
constexpr unsigned kBurstSlack = 2 * 64;

[[noreturn]] void fail(const std::string& port, const char* what, int rc) {
  throw std::runtime_error("DPDK port " + port + ": " + what + ": " + rte_strerror(rc < 0 ? -rc : rc));
}

std::string port_name(std::uint16_t port) {
  char name[RTE_ETH_NAME_MAX_LEN] = {};
  rte_eth_dev_get_name_by_port(port, name);
  return name;
}

}  // namespace

std::string mac_text(const std::array<std::uint8_t, 6>& mac) {
  char text[18];
  std::snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return text;
}

DpdkPorts::DpdkPorts(const PortPlan& plan) {
  std::vector<std::uint16_t> ids;
  std::uint16_t id = 0;
  RTE_ETH_FOREACH_DEV(id) { ids.push_back(id); }
  if (ids.empty()) {
    throw std::runtime_error(
        "DPDK found no ports: name a vdev in --eal (\"--vdev net_af_packet0,iface=eth1\") or bind a NIC to "
        "vfio-pci (dpdk-devbind.py)");
  }
  // Every queue's descriptors, the bursts in flight and the per-lcore caches,
  // twice over with a TAP per port.
  const unsigned per_port = plan.queues * (plan.rx_descriptors + plan.tx_descriptors + kBurstSlack);
  const unsigned taps = plan.exception_interface.empty() ? 1 : 2;
  mbufs_per_socket_ = static_cast<unsigned>(ids.size()) * per_port * taps + (rte_lcore_count() + 1) * kMempoolCache;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    DpdkPort port;
    std::uint16_t rx = plan.rx_descriptors, tx = plan.tx_descriptors;
    configure(ids[k], plan, false, rx, tx, &port);
    ports_.push_back(port);
  }
  for (std::size_t k = 0; k < ports_.size(); ++k) {
    if (!plan.exception_interface.empty()) add_tap(ports_[k], plan, k);
  }
}

DpdkPorts::~DpdkPorts() {
  stop();
  for (const DpdkPort& p : ports_) {
    rte_eth_dev_close(p.id);
    if (p.tap != kNoPort) rte_eth_dev_close(p.tap);
  }
  for (auto& [socket, pool] : pools_) rte_mempool_free(pool);
}

void DpdkPorts::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  for (const DpdkPort& p : ports_) {
    rte_eth_dev_stop(p.id);
    if (p.tap != kNoPort) rte_eth_dev_stop(p.tap);
  }
}

rte_mempool* DpdkPorts::pool_for(int socket, unsigned mbufs) {
  if (auto it = pools_.find(socket); it != pools_.end()) return it->second;
  const std::string name = "canon_mbufs_" + std::to_string(socket < 0 ? 0 : socket);
  rte_mempool* pool = rte_pktmbuf_pool_create(name.c_str(), mbufs, kMempoolCache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              socket < 0 ? SOCKET_ID_ANY : socket);
  if (!pool) {
    throw std::runtime_error("cannot create a pool of " + std::to_string(mbufs) + " mbufs on NUMA socket " +
                             std::to_string(socket) + ": " + rte_strerror(rte_errno) +
                             " (give EAL more memory: -m or hugepages)");
  }
  pools_[socket] = pool;
  return pool;
}

void DpdkPorts::configure(std::uint16_t port, const PortPlan& plan, bool is_tap, std::uint16_t& rx_desc,
                          std::uint16_t& tx_desc, DpdkPort* out) {
  const std::string name = port_name(port);
  rte_eth_dev_info info{};
  if (const int rc = rte_eth_dev_info_get(port, &info); rc != 0) fail(name, "reading its capabilities", rc);
  if (info.max_rx_queues < plan.queues || info.max_tx_queues < plan.queues) {
    throw std::runtime_error("DPDK port " + name + " (" + info.driver_name + ") has " +
                             std::to_string(info.max_rx_queues) + " RX / " + std::to_string(info.max_tx_queues) +
                             " TX queues; " + std::to_string(plan.queues) +
                             " worker(s) need one each (net_af_packet: add qpairs=N to the vdev)");
  }
  rte_eth_conf conf{};
  TxOffload offload;
  bool rx_checksum = false;
  if (!is_tap) {
    const std::uint64_t tx_capa = info.tx_offload_capa;
    offload.ipv4_header = (tx_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
    offload.udp = (tx_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
    if (offload.ipv4_header) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
    if (offload.udp) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
    rx_checksum = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_UDP_CKSUM) != 0;
    if (rx_checksum) conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
    const std::uint64_t rss = info.flow_type_rss_offloads &
                              (RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_IP);
    if (plan.queues > 1 && rss != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss;
    }
  }
  if (const int rc = rte_eth_dev_configure(port, plan.queues, plan.queues, &conf); rc != 0) {
    fail(name, "configure", rc);
  }
  if (const int rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rx_desc, &tx_desc); rc != 0) {
    fail(name, "queue sizes", rc);
  }
  const int socket = rte_eth_dev_socket_id(port);
  rte_mempool* pool = pool_for(socket, mbufs_per_socket_);
  for (std::uint16_t q = 0; q < plan.queues; ++q) {
    rte_eth_rxconf rxconf = info.default_rxconf;
    rxconf.offloads = conf.rxmode.offloads;
    if (const int rc = rte_eth_rx_queue_setup(port, q, rx_desc, socket, &rxconf, pool); rc != 0) {
      fail(name, "RX queue setup", rc);
    }
    rte_eth_txconf txconf = info.default_txconf;
    txconf.offloads = conf.txmode.offloads;
    if (const int rc = rte_eth_tx_queue_setup(port, q, tx_desc, socket, &txconf); rc != 0) {
      fail(name, "TX queue setup", rc);
    }
  }
  if (const int rc = rte_eth_dev_start(port); rc != 0) fail(name, "start", rc);
  rte_ether_addr mac{};
  if (const int rc = rte_eth_macaddr_get(port, &mac); rc != 0) fail(name, "reading its MAC address", rc);
  if (out) {
    out->id = port;
    out->name = name;
    out->driver = info.driver_name ? info.driver_name : "";
    std::copy(std::begin(mac.addr_bytes), std::end(mac.addr_bytes), out->mac.begin());
    out->offload = offload;
    out->rx_udp_checksum = rx_checksum;
    std::uint16_t mtu = 1500;
    if (rte_eth_dev_get_mtu(port, &mtu) == 0 && mtu >= 1280) out->mtu = mtu;
    out->socket = socket;
  }
}

void DpdkPorts::add_tap(DpdkPort& port, const PortPlan& plan, std::size_t index) {
  // The TAP has the port's MAC, so the kernel's frames need no rewriting and
  // frames for the port's MAC are frames for the kernel's interface.
  const std::string iface = plan.exception_interface + (index == 0 ? "" : std::to_string(index));
  const std::string vdev = "net_tap_canon" + std::to_string(index);
  const std::string args = "iface=" + iface + ",mac=" + mac_text(port.mac);
  if (const int rc = rte_vdev_init(vdev.c_str(), args.c_str()); rc != 0) {
    throw std::runtime_error("cannot create the exception path TAP " + iface + " (" + vdev + "," + args +
                             "): " + rte_strerror(rc < 0 ? -rc : rc) + " (needs root and /dev/net/tun)");
  }
  std::uint16_t tap = kNoPort;
  if (rte_eth_dev_get_port_by_name(vdev.c_str(), &tap) != 0) {
    throw std::runtime_error("the TAP " + vdev + " was created but has no port id");
  }
  std::uint16_t rx = plan.rx_descriptors, tx = plan.tx_descriptors;
  configure(tap, plan, true, rx, tx, nullptr);
  port.tap = tap;
  port.tap_interface = iface;
}

}  // namespace canon::nic
