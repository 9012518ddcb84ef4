#include "traffic.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <memory>

#include "neighbour.hpp"
#include "options.hpp"
#include "response_check.hpp"

namespace canon::gen {

namespace {

constexpr unsigned kRxBurst = 64;

// Per-run state of the loop, one cache-aligned block.
struct alignas(64) Sender {
  rte_mbuf* pending[kMaxBurst];  // built, not yet taken by the port (oldest first)
  unsigned pending_count = 0;
  std::uint64_t seq = 0;         // sequence number of the next frame built
  std::uint32_t next_query = 0;  // index into the frame set
};

// Builds up to `want` frames at the end of sender.pending.
void build_burst(const Port& port, const FrameSet& frames, FlightTable& flights, Sender& sender,
                 unsigned want, Counters& counters) {
  rte_mbuf** out = sender.pending + sender.pending_count;
  if (rte_pktmbuf_alloc_bulk(port.pool, out, want) != 0) {
    ++counters.alloc_failed;
    return;
  }
  const auto n_frames = static_cast<std::uint32_t>(frames.frames.size());
  for (unsigned i = 0; i < want; ++i) {
    const QueryFrame& frame = frames.frames[sender.next_query];
    auto* data = rte_pktmbuf_mtod(out[i], std::uint8_t*);
    rte_memcpy(data, frames.data(frame), frame.length);
    out[i]->data_len = frame.length;
    out[i]->pkt_len = frame.length;
    const FlightTable::Key key = flights.key_of(sender.seq);
    patch_frame(data, frame, key.sport, key.id);
    flights.launch(sender.seq, sender.next_query);
    ++sender.seq;
    if (++sender.next_query == n_frames) sender.next_query = 0;
  }
  sender.pending_count += want;
}

void transmit(const Port& port, Sender& sender, Counters& counters) {
  if (sender.pending_count == 0) return;
  const std::uint16_t taken = rte_eth_tx_burst(port.id, 0, sender.pending,
                                               static_cast<std::uint16_t>(sender.pending_count));
  counters.sent += taken;
  ++counters.tx_bursts;
  if (taken < sender.pending_count) {
    ++counters.tx_full;
    std::copy(sender.pending + taken, sender.pending + sender.pending_count, sender.pending);
  }
  sender.pending_count -= taken;
}

void count(const CheckResult& result, Counters& counters) {
  switch (result.verdict) {
    case Verdict::kNotOurs:
      ++counters.ignored;
      break;
    case Verdict::kArp:
      ++counters.arp_received;
      break;
    case Verdict::kAnswered:
      ++counters.received;
      ++counters.answered;
      ++counters.rcodes[result.detail & 0x0f];
      break;
    case Verdict::kEchoed:
      ++counters.received;
      break;
    case Verdict::kMismatched:
      ++counters.received;
      ++counters.mismatched;
      ++counters.mismatch[result.detail];
      break;
  }
}

// One rx burst: checks and counts every frame, answers ARP, frees the rest.
template <bool kEcho>
unsigned receive(const Port& port, const TrafficPlan& plan, const CheckContext& context,
                 Counters& counters) {
  rte_mbuf* rx[kRxBurst];
  rte_mbuf* replies[kRxBurst];
  const std::uint16_t n = rte_eth_rx_burst(port.id, 0, rx, kRxBurst);
  if (n == 0) return 0;
  unsigned n_replies = 0;
  unsigned n_free = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(rx[i + 1], void*));
    const auto* frame = rte_pktmbuf_mtod(rx[i], const std::uint8_t*);
    const std::size_t length = rte_pktmbuf_data_len(rx[i]);
    const CheckResult result =
        kEcho ? check_echo(frame, length, context) : check_response(frame, length, context);
    count(result, counters);
    if (result.verdict == Verdict::kArp && answer_arp(port, rx[i], plan.src)) {
      replies[n_replies++] = rx[i];
    } else {
      rx[n_free++] = rx[i];  // compacts the ones to free at the front
    }
  }
  rte_pktmbuf_free_bulk(rx, n_free);
  send_replies(port, replies, n_replies, counters);
  return n;
}

template <bool kEcho>
void loop(const Port& port, const TrafficPlan& plan, const FrameSet& frames, FlightTable& flights,
          Counters& counters) {
  const CheckContext context{port.mac, plan.src, plan.dst, plan.dst_port, &frames, &flights};
  const std::uint64_t hz = rte_get_tsc_hz();
  const double packets_per_cycle = static_cast<double>(plan.rate) / static_cast<double>(hz);
  const std::uint64_t start = rte_rdtsc();
  const std::uint64_t send_end =
      start + static_cast<std::uint64_t>(plan.duration * static_cast<double>(hz));
  const auto drain_cycles =
      static_cast<std::uint64_t>(plan.drain_ms * 1e-3 * static_cast<double>(hz));
  auto sender = std::make_unique<Sender>();  // set-up, before the first packet
  bool sending = true;
  std::uint64_t stopped = start;
  for (;;) {
    const std::uint64_t now = rte_rdtsc();
    if (sending && (now >= send_end || (plan.count != 0 && counters.sent >= plan.count))) {
      sending = false;
      stopped = now;
      rte_pktmbuf_free_bulk(sender->pending, sender->pending_count);  // built, never sent
      sender->pending_count = 0;
    }
    if (!sending && now - stopped >= drain_cycles) break;
    if (sending) {
      std::uint64_t want = plan.burst - std::min<std::uint64_t>(plan.burst, sender->pending_count);
      if (plan.count != 0) want = std::min(want, plan.count - sender->seq);
      if (plan.rate != 0) {
        const auto budget =
            static_cast<std::uint64_t>(static_cast<double>(now - start) * packets_per_cycle);
        want = budget > sender->seq ? std::min(want, budget - sender->seq) : 0;
      }
      if (want != 0)
        build_burst(port, frames, flights, *sender, static_cast<unsigned>(want), counters);
      transmit(port, *sender, counters);
    }
    receive<kEcho>(port, plan, context, counters);
  }
  counters.seconds = static_cast<double>(stopped - start) / static_cast<double>(hz);
}

}  // namespace

void run_traffic(const Port& port, const TrafficPlan& plan, const FrameSet& frames,
                 FlightTable& flights, Counters& counters) {
  if (plan.echo)
    loop<true>(port, plan, frames, flights, counters);
  else
    loop<false>(port, plan, frames, flights, counters);
}

}  // namespace canon::gen
