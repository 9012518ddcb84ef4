#include "engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "engine/answer.hpp"
#include "engine/chaos.hpp"
#include "engine/policy_answer.hpp"
#include "engine/wire.hpp"
#include "zones/alias_rules.hpp"
#include "zones/name_compression.hpp"
#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

Rcode rcode_of(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::kFormErr: return Rcode::kFormErr;
    case Verdict::kNotImp: return Rcode::kNotImp;
    case Verdict::kRefused: return Rcode::kRefused;
    case Verdict::kBadVers: return Rcode::kBadVers;
    default: return Rcode::kNoError;
  }
}

// The header of an answer written over its query: QR; the query's OPCODE,
// RD and CD kept; RA, Z and AD clear; AA, TC, the RCODE's low 4 bits (the
// rest go in our OPT) and the section counts as given.
inline void write_header(std::uint8_t* data, std::uint16_t rcode, bool authoritative, bool truncated,
                         std::uint16_t qdcount, std::uint16_t ancount, std::uint16_t nscount,
                         std::uint16_t arcount) noexcept {
  data[header::kFlags] = static_cast<std::uint8_t>(
      header::kQr | (data[header::kFlags] & (header::kOpcodeMask | header::kRd)) |
      (authoritative ? header::kAa : 0) | (truncated ? header::kTc : 0));
  data[header::kFlags + 1] = static_cast<std::uint8_t>((data[header::kFlags + 1] & header::kCd) | (rcode & 0x0f));
  store16(data + header::kQdCount, qdcount);
  store16(data + header::kAnCount, ancount);
  store16(data + header::kNsCount, nscount);
  store16(data + header::kArCount, arcount);
}

// The most an answer may take: 512 octets over UDP without EDNS, else the
// client's payload within our maximum; a TCP message's 65,535.
std::size_t size_limit(const EngineConfig& config, const Query& query, Transport transport) noexcept {
  if (transport != Transport::kUdp) return 65535;
  return query.has_edns ? std::max<std::size_t>(kMinUdpPayload, std::min(query.udp_payload, config.max_udp_payload))
                        : kMinUdpPayload;
}

// Our OPT (RFC 6891): root owner, our payload size, the extended RCODE bits,
// version 0, the DO bit echoed, and NSID (RFC 5001) when asked and configured.
std::size_t opt_size(const EngineConfig& config, const Query& query) noexcept {
  if (!query.has_edns) return 0;
  return kOptFixedSize + (query.nsid_requested && !config.nsid.empty() ? 4 + config.nsid.size() : 0);
}

std::size_t write_opt(const EngineConfig& config, const Query& query, Rcode rcode,
                      std::uint8_t* at) noexcept {
  const bool nsid = query.nsid_requested && !config.nsid.empty();
  const std::size_t rdlength = nsid ? 4 + config.nsid.size() : 0;
  at[0] = 0;
  store16(at + 1, 41);
  store16(at + 3, config.max_udp_payload);
  at[5] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(rcode) >> 4);
  at[6] = 0;
  at[7] = query.do_bit ? 0x80 : 0;
  at[8] = 0;
  store16(at + 9, static_cast<std::uint16_t>(rdlength));
  if (nsid) {
    store16(at + 11, kEdnsOptionNsid);
    store16(at + 13, static_cast<std::uint16_t>(config.nsid.size()));
    std::memcpy(at + 15, config.nsid.data(), config.nsid.size());
  }
  return kOptFixedSize + rdlength;
}

// Milliseconds on the steady clock (vDSO: no system call), for RRL buckets.
std::uint32_t steady_ms() noexcept {
  const auto since = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since).count());
}

// The DNAME node whose substitution applies to the question (RFC 6672): the
// cut above an occluded name, or the closest encloser of a name that does
// not exist; kNone for most questions, which is why this is inline.
inline std::uint32_t dname_above(const zones::Snapshot& snap, const zones::TrieMatch& match) noexcept {
  const zones::NameStanding standing = zones::stand(snap, match);
  return standing.kind == zones::Standing::kBelowDname ? standing.node : zones::kNone;
}

// The name the substitution of the DNAME at `owner` makes of the question:
// its labels below the owner, then the DNAME's target. False when that
// name would be too long (the answer is then YXDOMAIN, with no lookup).
bool dname_target_name(const zones::Snapshot& snap, const Query& query, std::uint32_t owner,
                       zones::IndexedName& out) noexcept {
  const zones::Node& node = snap.node(owner);
  const auto target = snap.rdata(*snap.rrset(node, zones::rr::DNAME)).data();
  const std::size_t kept = query.name.length - node.name_length;  // labels below the owner
  const std::size_t length = kept + target.size();
  if (length > zones::kMaxNameLength) return false;
  std::uint8_t wire[zones::kMaxNameLength];
  copy_bytes(wire, query.name.bytes, kept);
  copy_bytes(wire + kept, target.data(), target.size());
  zones::make_indexed_name(wire, length, out);
  return true;
}

// Types whose sets a plain answer cannot copy as stored: names in RDATA
// are compressed against the packet, and RRSIG is one set per type covered
// (all of them answer QTYPE RRSIG). One mask test, as has_compressible_names.
constexpr bool copied_as_stored(std::uint16_t type) noexcept {
  constexpr std::uint64_t kLongWay = zones::kCompressibleTypes | (1ull << zones::rr::RRSIG);
  return type >= 64 || ((kLongWay >> type) & 1) == 0;
}

// PlainAnswer::chain of a NODATA (its set is nullptr): only its address counts.
const zones::Chain kNodata{};

// The answer of an exact match (node `exact`) when it is stored bytes only (PlainAnswer,
// engine.hpp), or {} when it needs answer_query: a name with no cut or DNAME
// above it, answered with its RRset of QTYPE (`set`, from Snapshot::rrset)
// or, for an alias, with its prepared chain and the end's RRset; the RRset
// has no additional-section data; or, for a name that exists without a set
// of QTYPE, a NODATA ({nullptr, &kNodata}). answer_query writes the same
// bytes for each.
PlainAnswer plain_answer(const zones::Snapshot& snap, std::uint32_t exact, std::uint16_t qtype,
                         const zones::RRset* set) noexcept {
  using zones::rr::ANY;
  using zones::rr::DS;
  using zones::rr::RRSIG;
  const zones::NameStanding standing = zones::stand_exact(snap, exact);
  const zones::Node& node = snap.node(exact);
  const bool alias = standing.kind == zones::Standing::kAlias && zones::follows_alias(qtype);
  if (!alias) {
    if (standing.kind != zones::Standing::kExists && standing.kind != zones::Standing::kAlias) return {};
    if (qtype == DS && node.has(static_cast<zones::NodeFlag>(zones::kChildApexData | zones::kApex))) return {};
    // No set of QTYPE at a name that exists: NODATA (Answerer::positive),
    // but for ANY (no RRset has type 255: the first set answers) and RRSIG
    // (the signatures of every type answer).
    if (set == nullptr) {
      const bool nodata = standing.kind == zones::Standing::kExists && qtype != ANY && qtype != RRSIG;
      return nodata ? PlainAnswer{nullptr, &kNodata} : PlainAnswer{};
    }
    // Names in RDATA are compressed against the packet: the long way writes them.
    if (set->additional != zones::kNone || !copied_as_stored(set->type)) return {};
    return {set, nullptr};
  }
  const zones::Chain& chain = snap.chain(snap.extra(node).chain);
  if (chain.end != zones::ChainEnd::kNode || chain.rendered_length == 0 || chain.end_owner >= 0x4000) {
    return {};
  }
  const zones::Node& end = snap.node(chain.end_node);
  if (qtype == DS && end.has(static_cast<zones::NodeFlag>(zones::kChildApexData | zones::kApex))) return {};
  const zones::RRset* end_set = snap.rrset(end, qtype);
  if (end_set == nullptr || end_set->additional != zones::kNone ||
      zones::has_compressible_names(end_set->type)) {
    return {};
  }
  return {end_set, &chain};
}

}  // namespace

bool Engine::for_control_side(const Query& query, const std::uint8_t* data, Transport transport) const noexcept {
  if (!query.question_ok) return false;
  if (query.verdict == Verdict::kNotImp) {
    return config_->notify_to_control && (transport == Transport::kTcp || config_->udp_notify_to_control) &&
           (data[header::kFlags] & header::kOpcodeMask) == header::kOpcodeNotify;
  }
  return query.verdict == Verdict::kRefused && transport == Transport::kTcp && config_->transfers_to_control &&
         (query.qtype == zones::rr::AXFR || query.qtype == zones::rr::IXFR);
}

std::size_t Engine::rate_limited(const Query& query, std::uint8_t* data, std::size_t length,
                                 std::size_t question_end, bool opt, Rcode rcode, bool authoritative,
                                 std::uint16_t answers, const ClientAddress& source, bool& truncated) noexcept {
  switch (rate_limit(rcode, authoritative, answers, source)) {
    case RateVerdict::kSend: return length;
    case RateVerdict::kDrop: ++counters_.dropped; return 0;
    case RateVerdict::kSlip: break;
  }
  // TC=1 with the question (and OPT) only: a real client retries over TCP.
  data[header::kFlags] |= header::kTc;
  store16(data + header::kAnCount, 0);
  store16(data + header::kNsCount, 0);
  store16(data + header::kArCount, opt ? 1 : 0);
  length = question_end;
  if (opt) length += write_opt(*config_, query, rcode, data + length);
  truncated = true;
  return length;
}

// Inlined in run_burst, its only caller: nearly every answer comes here.
[[gnu::always_inline]] inline bool Engine::respond_plain(const Query& query, const zones::Snapshot& unit,
                                                        const PlainAnswer& plain, Packet& packet,
                                                        Transport transport) noexcept {
  std::uint8_t* data = packet.data;
  const auto set = unit.wire(*plain.set);
  const auto links = plain.chain != nullptr ? unit.rendered(*plain.chain) : std::span<const std::uint8_t>{};
  const std::size_t room = std::min<std::size_t>(size_limit(*config_, query, transport), packet.capacity);
  const std::size_t opt = opt_size(*config_, query);
  const std::size_t set_at = query.question_end + links.size();
  const std::size_t answer_end = set_at + set.size();
  if (answer_end + opt > room) return false;
  std::uint16_t answers = plain.set->count;
  unsigned link_count = 0;
  copy_bytes(data + set_at, set.data(), set.size());
  if (plain.chain != nullptr) {
    // The chain's links as rendered at compile time before the set, and each
    // of its RRs owned by the last target (plain_answer: a pointer reaches it).
    copy_bytes(data + query.question_end, links.data(), links.size());
    const std::uint16_t owner = static_cast<std::uint16_t>(0xc000 | plain.chain->end_owner);
    for (std::size_t at = set_at; at < answer_end; at += zones::kRrHeader + load16(data + at + 10)) {
      store16(data + at, owner);
    }
    answers = static_cast<std::uint16_t>(answers + plain.chain->rendered_rrs);
    link_count = plain.chain->link_count;
  }
  finish_prepared(query, packet, answer_end, Rcode::kNoError, answers, 0, opt != 0, link_count, transport);
  return true;
}

// Inlined in run_burst, its only caller.
[[gnu::always_inline]] inline bool Engine::respond_negative(const Query& query, const zones::Snapshot& unit,
                                                           const zones::TrieMatch& match, const PlainAnswer& plain,
                                                           Packet& packet, Transport transport) noexcept {
  std::uint32_t zone_id;
  Rcode rcode;
  if (match.exact == zones::kNone) {
    const zones::NameStanding standing = zones::stand(unit, match);
    if (standing.kind != zones::Standing::kNxdomain) return false;
    zone_id = unit.node(standing.node).zone;
    rcode = Rcode::kNxDomain;
  } else {
    if (plain.chain != &kNodata) return false;
    zone_id = unit.node(match.exact).zone;
    rcode = Rcode::kNoError;
  }
  const zones::Zone& zone = unit.zone(zone_id);
  if (zone.failed || zone.soa_rrset == zones::kNone || zone.negative_soa_length == 0) return false;
  const std::size_t opt = opt_size(*config_, query);
  if (query.question_end + opt > packet.capacity) return false;  // respond leaves the OPT out
  ResponseWriter writer;
  writer.start(packet.data, packet.capacity, query.question_end, size_limit(*config_, query, transport), opt);
  const NameRef name{static_cast<std::uint16_t>(header::kSize), static_cast<std::uint8_t>(query.qname_length)};
  if (!writer.put_negative_soa(zone, unit.negative_soa(zone), writer.suffix(name, zone.origin_length))) {
    return false;  // nothing written: the long way writes the SOA as a set
  }
  finish_prepared(query, packet, writer.size(), rcode, 0, 1, opt != 0, 0, transport);
  return true;
}

[[gnu::always_inline]] inline void Engine::finish_prepared(const Query& query, Packet& packet, std::size_t length,
                                                          Rcode rcode, std::uint16_t answers,
                                                          std::uint16_t authority, bool opt, unsigned links,
                                                          Transport transport) noexcept {
  std::uint8_t* data = packet.data;
  const auto rcode_bits = static_cast<std::uint16_t>(rcode);
  write_header(data, rcode_bits, true, false, 1, answers, authority, opt ? 1 : 0);
  if (opt) length += write_opt(*config_, query, rcode, data + length);
  ++counters_.queries;  // here: an answer that does not fit is respond's to count
  counters_.qtypes[static_cast<std::size_t>(qtype_bucket(query.qtype))]++;
  bool truncated = false;
  if (transport == Transport::kUdp && policy_ != nullptr && policy_->rrl().enabled) {
    length = rate_limited(query, data, length, query.question_end, opt, rcode, true, answers,
                          packet.source, truncated);
  }
  packet.length = static_cast<std::uint16_t>(length);
  if (length == 0) return;  // dropped (counted)
  ++counters_.responses;
  counters_.rcodes[rcode_bits]++;
  counters_.chain_links[links]++;
  if (truncated) ++counters_.truncated;
}

std::size_t Engine::respond(const zones::ZoneTable& table, const Query& query, const zones::Snapshot* unit,
                            const zones::TrieMatch& match, std::uint8_t* data,
                            std::size_t capacity, Transport transport, const zones::Snapshot* restart_unit,
                            const zones::TrieMatch* restart, const ClientAddress& source) noexcept {
  ++counters_.queries;
  if (query.verdict == Verdict::kDrop) {
    ++counters_.dropped;
    return 0;
  }
  const std::size_t limit = size_limit(*config_, query, transport);
  const std::size_t question_end = query.question_ok ? query.question_end : header::kSize;
  // Our OPT is left out only when the buffer itself cannot hold it.
  std::size_t opt = opt_size(*config_, query);
  if (question_end + opt > capacity) opt = 0;
  ResponseWriter writer;
  writer.start(data, capacity, question_end, limit, opt);

  AnswerResult result;
  switch (query.verdict) {
    case Verdict::kAnswer:
      if (query.policy_rule != kNoPolicyRule) {
        // nxdomain / nodata: the zone's SOA, whatever the data holds.
        const bool nx = policy_->rule(query.policy_rule).action == PolicyAction::kNxdomain;
        result = answer_negative(table, query, Found{unit, match}, writer, nx ? Rcode::kNxDomain : Rcode::kNoError);
      } else {
        // A plain answer that fits was written by respond_plain; one that
        // does not takes the long way (which sets TC). DO=1 has none
        // (run_burst): the RRSIGs go beside each set.
        const Found restarted{restart_unit, restart != nullptr ? *restart : zones::TrieMatch{}};
        result = answer_query(table, query, Found{unit, match}, writer, restart != nullptr ? &restarted : nullptr);
      }
      counters_.qtypes[static_cast<std::size_t>(qtype_bucket(query.qtype))]++;
      break;
    case Verdict::kPolicy:
      result = answer_policy(policy_->rule(query.policy_rule), query, writer);
      counters_.qtypes[static_cast<std::size_t>(qtype_bucket(query.qtype))]++;
      break;
    case Verdict::kChaos:
      result = answer_chaos(*config_, query, writer);
      break;
    default:
      if (for_control_side(query, data, transport)) {
        // The worker or the TCP server hands the untouched message over;
        // the control side answers it (engine/config.hpp).
        ++counters_.to_control;
        return 0;
      }
      result.rcode = rcode_of(query.verdict);
      result.authoritative = false;
      break;
  }

  // Header (write_header): the counts of what the writer holds, and our OPT.
  std::size_t length = writer.size();
  const std::uint16_t rcode = static_cast<std::uint16_t>(result.rcode);
  write_header(data, rcode, result.authoritative, result.truncated, query.question_ok ? 1 : 0,
               writer.count(Section::kAnswer), writer.count(Section::kAuthority),
               static_cast<std::uint16_t>(writer.count(Section::kAdditional) + (opt ? 1 : 0)));
  if (opt) length += write_opt(*config_, query, result.rcode, data + length);

  if (transport == Transport::kUdp && policy_ != nullptr && policy_->rrl().enabled) {
    length = rate_limited(query, data, length, question_end, opt != 0, result.rcode, result.authoritative,
                          writer.count(Section::kAnswer), source, result.truncated);
    if (length == 0) return 0;
  }

  ++counters_.responses;
  counters_.rcodes[std::min<std::size_t>(rcode, counters_.rcodes.size() - 1)]++;
  counters_.chain_links[result.links]++;
  if (result.truncated) ++counters_.truncated;
  return length;
}

bool Engine::begin_policy(const Policy* policy) noexcept {
  policy_ = policy;
  if (policy == nullptr) return false;
  if (policy->rrl().enabled) now_ms_ = steady_ms();  // once per burst
  return policy->has_rules() && slot_ < policy->slots();
}

Engine::RateVerdict Engine::rate_limit(Rcode rcode, bool authoritative, std::uint16_t answers,
                                       const ClientAddress& source) noexcept {
  const RrlSpec& spec = policy_->rrl();
  for (const AddressPrefix& exempt : spec.exempt) {
    if (exempt.contains(source)) return RateVerdict::kSend;
  }
  RrlClass cls = RrlClass::kError;
  if (rcode == Rcode::kNxDomain) cls = RrlClass::kNxdomain;
  else if (rcode == Rcode::kNoError) cls = answers != 0 ? RrlClass::kPositive : authoritative ? RrlClass::kNodata : RrlClass::kReferral;
  const unsigned prefix = source.is_v4() ? 96u + spec.ipv4_prefix : spec.ipv6_prefix;
  if (rrl_.allow(source, prefix, cls, policy_->rrl_worker_rate(), now_ms_)) return RateVerdict::kSend;
  ++counters_.rrl_limited;
  if (spec.slip == 0 || ++slip_count_ < spec.slip) return RateVerdict::kDrop;
  slip_count_ = 0;
  ++counters_.rrl_slipped;
  return RateVerdict::kSlip;
}

void Engine::policy_stage(const Policy& policy, const Packet* burst, std::size_t n, Transport transport) noexcept {
  char* text = policy_text_.get();
  std::size_t length = 0;
  std::size_t names = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (queries_[i].verdict != Verdict::kAnswer) continue;
    length += name_text(queries_[i].name.bytes, queries_[i].name.length, text + length);
    text_ends_[names] = static_cast<std::uint16_t>(length);
    text_query_[names] = static_cast<std::uint8_t>(i);
    picked_[names++] = false;
    text[length++] = '\n';
  }
  if (names == 0) return;
  policy.pick(slot_, text, length, text_ends_, names, picked_);
  for (std::size_t k = 0; k < names; ++k) {
    if (!picked_[k]) continue;
    const std::size_t start = k == 0 ? 0 : text_ends_[k - 1] + 1u;
    const std::uint8_t i = text_query_[k];
    apply_policy(policy, queries_[i], text + start, text_ends_[k] - start, burst[i].source, transport);
  }
}

void Engine::apply_policy(const Policy& policy, Query& query, const char* text, std::size_t length,
                          const ClientAddress& source, Transport transport) noexcept {
  const std::uint32_t rule = policy.match(slot_, text, length, query.qtype, source, transport == Transport::kTcp);
  if (rule == kNoPolicyRule) return;
  const PolicyAction action = policy.rule(rule).action;
  counters_.policy_actions[static_cast<std::size_t>(action)]++;
  query.policy_rule = rule;
  if (action == PolicyAction::kDrop) query.verdict = Verdict::kDrop;
  // nxdomain and nodata still look the name up, for its zone's SOA.
  else if (action != PolicyAction::kNxdomain && action != PolicyAction::kNodata) query.verdict = Verdict::kPolicy;
}

void Engine::run_burst(const zones::ZoneTable& table, const Policy* policy, Packet* packets,
                       std::size_t count, Transport transport) noexcept {
  const bool rules = begin_policy(policy);
  for (std::size_t first = 0; first < count; first += kMaxBurst) {
    const std::size_t n = std::min(kMaxBurst, count - first);
    Packet* burst = packets + first;
    // 1. Parse every query, apply the policy; lookup j is for query lookups_[j].
    for (std::size_t i = 0; i < n; ++i) parse_query(burst[i].data, burst[i].length, transport, queries_[i]);
    if (rules) policy_stage(*policy, burst, n, transport);
    std::size_t lookups = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (queries_[i].verdict == Verdict::kAnswer) {
        names_[lookups] = &queries_[i].name;
        lookups_[lookups++] = static_cast<std::uint8_t>(i);
      }
    }
    // 2. Look them all up at once, so their cache misses overlap: each
    //    name's unit in the zone table, then the unit's exact-name index,
    //    its parents, and the trie for what is left.
    table.find_names_burst(names_, lookups, units_, found_);
    // 3. Names below a DNAME: look the substituted names up in a second batch.
    std::size_t restarts = 0;
    for (std::size_t j = 0; j < lookups; ++j) {
      restart_of_[j] = kNoRestart;
      if (units_[j] == nullptr) continue;
      const std::uint32_t owner = dname_above(*units_[j], found_[j]);
      if (owner != zones::kNone &&
          dname_target_name(*units_[j], queries_[lookups_[j]], owner, restart_names_[restarts])) {
        restart_name_of_[restarts] = &restart_names_[restarts];
        restart_query_[restarts] = lookups_[j];
        restart_of_[j] = static_cast<std::uint8_t>(restarts++);
      }
    }
    if (restarts != 0) table.find_names_burst(restart_name_of_, restarts, restart_units_, restart_matches_);
    // 4. Prefetch, stage by stage across the burst, what the answers read
    //    next: the node, its RRsets, the RRset's bytes.
    prefetch_answers(units_, found_, lookups_, lookups, plain_);
    prefetch_answers(restart_units_, restart_matches_, restart_query_, restarts, nullptr);
    // 5. Answer and write each in place.
    for (std::size_t i = 0, j = 0; i < n; ++i) {
      const zones::Snapshot* unit = nullptr;
      const zones::TrieMatch* match = &no_match_;
      const zones::Snapshot* restart_unit = nullptr;
      const zones::TrieMatch* restart = nullptr;
      if (queries_[i].verdict == Verdict::kAnswer) {
        unit = units_[j];
        match = &found_[j];
        // The common cases, without respond's preparations: a plain answer
        // (a name with one is below no DNAME: no restart), an NXDOMAIN or a
        // NODATA. DO=1 has none of them: the RRSIGs and proofs go with them.
        if (!queries_[i].do_bit && queries_[i].policy_rule == kNoPolicyRule &&
            (plain_[j].set != nullptr ? respond_plain(queries_[i], *unit, plain_[j], burst[i], transport)
                                      : restart_of_[j] == kNoRestart && unit != nullptr &&
                                            respond_negative(queries_[i], *unit, found_[j], plain_[j], burst[i],
                                                             transport))) {
          ++j;
          continue;
        }
        if (restart_of_[j] != kNoRestart) {
          restart_unit = restart_units_[restart_of_[j]];
          restart = &restart_matches_[restart_of_[j]];
        }
        ++j;
      }
      burst[i].length = static_cast<std::uint16_t>(respond(table, queries_[i], unit, *match, burst[i].data,
                                                           burst[i].capacity, transport, restart_unit, restart,
                                                           burst[i].source));
    }
  }
}

// found[j] (in units[j]) is the lookup for query queries_[query_of[j]];
// plain (optional) receives each one's plain_answer.
void Engine::prefetch_answers(const zones::Snapshot* const* units, const zones::TrieMatch* found,
                              const std::uint8_t* query_of, std::size_t count,
                              PlainAnswer* plain) noexcept {
  auto node_of = [&](std::size_t j) {
    return found[j].exact != zones::kNone ? found[j].exact : found[j].encloser;
  };
  for (std::size_t j = 0; j < count; ++j) {
    if (node_of(j) != zones::kNone) units[j]->prefetch_node(node_of(j));
  }
  for (std::size_t j = 0; j < count; ++j) {
    if (node_of(j) != zones::kNone) units[j]->prefetch_rrsets(units[j]->node(node_of(j)));
  }
  for (std::size_t j = 0; j < count; ++j) {
    if (plain != nullptr) plain[j] = PlainAnswer{};
    if (found[j].exact == zones::kNone) continue;
    const zones::Snapshot& snap = *units[j];
    const zones::Node& node = snap.node(found[j].exact);
    const std::uint16_t qtype = queries_[query_of[j]].qtype;
    const zones::RRset* set = snap.rrset(node, qtype);
    if (set != nullptr) snap.prefetch_wire(*set);
    if (plain != nullptr) plain[j] = plain_answer(snap, found[j].exact, qtype, set);
  }
}

// One packet is a burst of one: TCP, canon-query and the tests run the
// path the UDP workers run.
std::size_t Engine::run_one(const zones::ZoneTable& table, const Policy* policy, const ClientAddress& source,
                            std::uint8_t* data, std::size_t length, std::size_t capacity,
                            Transport transport) noexcept {
  Packet packet{data, static_cast<std::uint16_t>(length),
                static_cast<std::uint16_t>(std::min<std::size_t>(capacity, 65535)), source};
  run_burst(table, policy, &packet, 1, transport);
  return packet.length;
}

}  // namespace canon::engine
