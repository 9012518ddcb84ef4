// ARP on the DPDK port: find the server's MAC before the run, and answer the
// server's requests for our address during it (so it can resolve us).
#pragma once

#include <optional>

#include "counters.hpp"
#include "port.hpp"

struct rte_mbuf;

namespace canon::gen {

// Sends a request for `peer` (again every 250 ms) and waits up to `seconds`
// for a reply addressed to us; answers requests for `our_ip` meanwhile.
[[nodiscard]] std::optional<MacAddress> resolve_mac(const Port& port, Ipv4 our_ip, Ipv4 peer,
                                                    double seconds, Counters& counters);

// When m is an ARP request for our_ip, turns it into our reply in place and
// returns true (the caller transmits it); false leaves m as it was.
[[nodiscard]] bool answer_arp(const Port& port, rte_mbuf* m, Ipv4 our_ip);

// Transmits the n replies (frees what the port does not take).
void send_replies(const Port& port, rte_mbuf** replies, unsigned n, Counters& counters);

}  // namespace canon::gen
