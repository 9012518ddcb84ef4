// `stats` responses as canond sends them (tools/canond/ADMIN-PROTOCOL.md):
// the socket backend with every optional section, and the DPDK backend with
// two ports. Shared by the renderer's unit test and the parser check.
#pragma once

#include <nlohmann/json.hpp>

namespace canon::daemon::testing {

inline nlohmann::json socket_stats() {
  return nlohmann::json::parse(R"({
    "ok": true, "version": "0.1.0", "uptime_seconds": 12.5, "backend": "socket",
    "queries": 1234, "responses": 1230, "dropped": 4, "truncated": 2,
    "rcodes": {"NOERROR": 1000, "FORMERR": 0, "SERVFAIL": 0, "NXDOMAIN": 3,
               "NOTIMP": 0, "REFUSED": 227, "YXDOMAIN": 0, "BADVERS": 0},
    "qtypes": {"A": 800, "AAAA": 400, "MX": 0, "other": 34},
    "chain_links": [5, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    "generation": 3,
    "zones": [{"origin": "example.com.", "serial": 2026112201}, {"origin": "example.net.", "serial": 7}],
    "policy": {"file": "/etc/canon/policy.toml", "rules": 3, "generation": 2,
               "actions": {"drop": 17, "refuse": 1, "nxdomain": 0},
               "matches": [{"rule": "block-evil", "action": "drop", "matches": 17},
                           {"rule": "say \"hi\"\\now\n", "action": "refuse", "matches": 1}]},
    "rrl": {"enabled": true, "limited": 9, "slipped": 4, "dropped": 5},
    "udp": {"received": 1200, "sent": 1196, "send_errors": 0, "receive_errors": 1},
    "tcp": {"accepted": 3, "refused_over_cap": 0, "idle_closed": 1, "errors": 0, "queries": 34, "open": 2},
    "workers": [{"worker": 0, "cpu": 1, "queries": 600, "responses": 598},
                {"worker": 1, "cpu": 2, "queries": 634, "responses": 632}],
    "dnstap": {"output": "file /var/log/canon/dnstap.fstrm", "sample": 10, "messages": "auth-query,auth-response",
               "connected": true, "sampled": 123, "written": 240, "dropped_ring_full": 7, "dropped_too_big": 1,
               "lost": 6},
    "process": {"cpu_seconds_total": 1.25, "resident_memory_bytes": 10485760,
                "virtual_memory_bytes": 209715200, "open_fds": 17, "max_fds": 1024,
                "start_time_seconds": 1767225600.5, "threads": 4}
  })");
}

// No policy, rrl, zones, process; two DPDK ports, the first with two queues.
inline nlohmann::json dpdk_stats() {
  return nlohmann::json::parse(R"({
    "ok": true, "queries": 10, "responses": 9, "dropped": 1, "truncated": 0,
    "rcodes": {"NOERROR": 9}, "qtypes": {"A": 10},
    "chain_links": [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "generation": 1,
    "udp": {"received": 0, "sent": 0, "send_errors": 0, "receive_errors": 0},
    "tcp": {"accepted": 0, "refused_over_cap": 0, "idle_closed": 0, "errors": 0, "queries": 0, "open": 0},
    "workers": [{"worker": 0, "cpu": 2, "queries": 10, "responses": 9}],
    "backend": "dpdk",
    "ports": [
      {"name": "net_af_packet0", "driver": "net_af_packet", "mac": "02:00:00:00:00:01",
       "link_up": true, "speed_mbps": 10000, "exception_interface": "canon0",
       "ipackets": 120, "opackets": 118, "imissed": 2, "ierrors": 0, "oerrors": 0, "rx_nombuf": 0,
       "queues": [
         {"queue": 0, "rx": 60, "tx": 59, "tx_dropped": 0, "dns_queries": 5, "dns_answers": 5,
          "neighbour": 1, "echo": 0, "exception_out": 3, "exception_in": 2, "exception_dropped": 0,
          "dropped_not_for_us": 7, "dropped_malformed": 1, "dropped_checksum": 0},
         {"queue": 1, "rx": 60, "tx": 59, "tx_dropped": 1, "dns_queries": 5, "dns_answers": 4,
          "neighbour": 0, "echo": 1, "exception_out": 0, "exception_in": 0, "exception_dropped": 0,
          "dropped_not_for_us": 0, "dropped_malformed": 0, "dropped_checksum": 3}]},
      {"name": "0000:3b:00.0", "driver": "net_ice", "mac": "02:00:00:00:00:02",
       "link_up": false, "speed_mbps": 0, "exception_interface": "",
       "ipackets": 0, "opackets": 0, "imissed": 0, "ierrors": 0, "oerrors": 0, "rx_nombuf": 0,
       "queues": []}]
  })");
}

}  // namespace canon::daemon::testing
