// canon-dpdk-gen: a DNS traffic generator on a DPDK port (see options.cpp for
// the command line). The order of a run:
//
//   options ─▶ query file ─▶ EAL, port 0, pool ─▶ link up ─▶ server's MAC (ARP)
//     ─▶ prebuilt frames ─▶ send/receive loop ─▶ JSON on stdout ─▶ fast exit
//
// The result is printed and flushed before anything touches the port again:
// tearing memif down in DPDK 22.11 can crash, so by default the process ends
// with _exit() right after printing (--clean-exit closes the port first).
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "counters.hpp"
#include "flight_table.hpp"
#include "memif_socket.hpp"
#include "neighbour.hpp"
#include "options.hpp"
#include "port.hpp"
#include "query_frames.hpp"
#include "report.hpp"
#include "traffic.hpp"

namespace {

using namespace canon::gen;

constexpr double kLinkWait = 10;            // seconds: memif clients connect asynchronously
constexpr double kArpWait = 1;              // seconds
constexpr std::uint16_t kPortBase = 10000;  // source ports 10000..14095

[[nodiscard]] int setup_error(const std::string& message) {
  std::fprintf(stderr, "canon-dpdk-gen: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const ParsedOptions parsed = parse_options(argc, argv);
  const Options& options = parsed.options;
  if (options.help) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "canon-dpdk-gen: %s (--help for usage)\n", parsed.error.c_str());
    return 2;
  }
  const QueryFileResult queries = read_query_file(options.queries_path);
  if (!queries.error.empty()) {
    std::fprintf(stderr, "canon-dpdk-gen: %s\n", queries.error.c_str());
    return 2;
  }

  const std::vector<std::string> sockets = memif_server_sockets(options.eal_args);
  for (const std::string& path : sockets) {
    std::string note;
    if (const std::string error = clear_stale_socket(path, note); !error.empty()) {
      return setup_error(error);
    }
    if (!note.empty()) std::fprintf(stderr, "canon-dpdk-gen: %s\n", note.c_str());
  }
  if (const std::string error = start_eal(options.eal_args); !error.empty()) {
    return setup_error(error);
  }
  // From here on memif may have made its socket file: a failure removes it.
  const auto fail = [&sockets](const std::string& message) {
    for (const std::string& path : sockets) unlink(path.c_str());
    return setup_error(message);
  };
  Port port;
  if (const std::string error = open_port(port); !error.empty()) return fail(error);
  if (const std::string error = wait_for_link(port, kLinkWait); !error.empty()) return fail(error);

  Counters counters;
  RunFacts facts;
  facts.echo = options.echo;
  facts.queries = queries.queries.size();
  Endpoints endpoints;
  endpoints.src_mac = port.mac;
  endpoints.src = options.src;
  endpoints.dst = options.dst;
  endpoints.dst_port = options.dst_port;
  if (options.dst_mac) {
    endpoints.dst_mac = *options.dst_mac;
    facts.dst_mac_by = "option";
  } else if (const auto mac = resolve_mac(port, options.src, options.dst, kArpWait, counters)) {
    endpoints.dst_mac = *mac;
    facts.dst_mac_by = "arp";
  } else {
    endpoints.dst_mac = kBroadcastMac;
    facts.dst_mac_by = "broadcast";
    std::fprintf(stderr, "canon-dpdk-gen: no ARP reply from %s within %.0f s: sending to %s\n",
                 to_string(options.dst).c_str(), kArpWait, to_string(kBroadcastMac).c_str());
  }
  facts.dst_mac = to_string(endpoints.dst_mac);

  const FrameSet frames = build_frames(queries.queries, endpoints);
  FlightTable flights(kPortBase);
  TrafficPlan plan;
  plan.duration = options.duration;
  plan.count = options.count;
  plan.rate = options.rate;
  plan.burst = options.burst;
  plan.drain_ms = options.drain_ms;
  plan.echo = options.echo;
  plan.src = options.src;
  plan.dst = options.dst;
  plan.dst_port = options.dst_port;
  run_traffic(port, plan, frames, flights, counters);

  std::printf("%s\n", report_json(counters, facts).c_str());
  std::fprintf(stderr, "%s\n", report_summary(counters, facts).c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  if (!options.clean_exit) {
    for (const std::string& path : sockets) unlink(path.c_str());  // memif would have
    _exit(0);
  }
  close_port(port);
  return 0;
}
