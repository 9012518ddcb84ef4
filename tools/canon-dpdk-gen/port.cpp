#include "port.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace canon::gen {

namespace {

constexpr std::uint16_t kPortId = 0;
constexpr std::uint16_t kRingSize = 1024;
constexpr unsigned kPoolSize = 16383;  // rx ring + tx ring + bursts in hand, with room
constexpr unsigned kPoolCache = 256;

[[nodiscard]] std::string dpdk_error(const char* what, int code) {
  return std::string(what) + ": " + rte_strerror(code < 0 ? -code : code);
}

}  // namespace

std::string start_eal(const std::vector<std::string>& eal_args) {
  // rte_eal_init may reorder argv: hand it copies it can keep.
  static std::vector<std::string> words;
  static std::vector<char*> argv;
  words.clear();
  words.emplace_back("canon-dpdk-gen");
  words.insert(words.end(), eal_args.begin(), eal_args.end());
  argv.clear();
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(words.size()), argv.data()) < 0) {
    return dpdk_error("EAL initialisation failed (check --eal)", rte_errno);
  }
  return {};
}

std::string open_port(Port& port) {
  port.id = kPortId;
  if (!rte_eth_dev_is_valid_port(kPortId)) {
    return "no DPDK port 0: give one in --eal, e.g. --vdev "
           "net_memif0,role=server,socket=/tmp/gen.sock,socket-abstract=no (when a --vdev was "
           "given, its probe failed: see EAL's messages above)";
  }
  const int socket = rte_eth_dev_socket_id(kPortId);
  port.pool =
      rte_pktmbuf_pool_create("gen_pool", kPoolSize, kPoolCache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                              socket < 0 ? static_cast<int>(rte_socket_id()) : socket);
  if (port.pool == nullptr) return dpdk_error("cannot create the mbuf pool", rte_errno);

  rte_eth_conf conf;
  std::memset(&conf, 0, sizeof conf);
  int rc = rte_eth_dev_configure(kPortId, 1, 1, &conf);
  if (rc < 0) return dpdk_error("port 0: configure failed", rc);
  std::uint16_t rx_ring = kRingSize;
  std::uint16_t tx_ring = kRingSize;
  rc = rte_eth_dev_adjust_nb_rx_tx_desc(kPortId, &rx_ring, &tx_ring);
  if (rc < 0) return dpdk_error("port 0: ring sizes refused", rc);
  rc = rte_eth_rx_queue_setup(kPortId, 0, rx_ring, static_cast<unsigned>(socket), nullptr,
                              port.pool);
  if (rc < 0) return dpdk_error("port 0: rx queue setup failed", rc);
  rc = rte_eth_tx_queue_setup(kPortId, 0, tx_ring, static_cast<unsigned>(socket), nullptr);
  if (rc < 0) return dpdk_error("port 0: tx queue setup failed", rc);
  rc = rte_eth_dev_start(kPortId);
  if (rc < 0) return dpdk_error("port 0: start failed", rc);
  rte_eth_promiscuous_enable(kPortId);  // not supported by every PMD: not an error

  rte_ether_addr mac;
  rc = rte_eth_macaddr_get(kPortId, &mac);
  if (rc < 0) return dpdk_error("port 0: cannot read its MAC", rc);
  std::memcpy(port.mac.data(), mac.addr_bytes, 6);
  return {};
}

std::string wait_for_link(const Port& port, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    rte_eth_link link;
    std::memset(&link, 0, sizeof link);
    const int rc = rte_eth_link_get_nowait(port.id, &link);
    if (rc < 0) return dpdk_error("port 0: cannot read the link status", rc);
    if (link.link_status == RTE_ETH_LINK_UP) return {};
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  char text[160];
  std::snprintf(text, sizeof text,
                "port 0: link still down after %.0f s (memif: is the client side running, "
                "with the same socket path?)",
                seconds);
  return text;
}

void close_port(Port& port) {
  rte_eth_dev_stop(port.id);
  rte_eth_dev_close(port.id);
  rte_eal_cleanup();
}

}  // namespace canon::gen
