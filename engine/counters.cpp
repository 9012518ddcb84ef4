#include "engine/counters.hpp"

#include "zones/rr_type.hpp"

namespace canon::engine {

// The table in counters.hpp, checked against the type numbers by name.
namespace rr = zones::rr;
static_assert(qtype_bucket(rr::A) == QtypeBucket::kA && qtype_bucket(rr::AAAA) == QtypeBucket::kAaaa &&
              qtype_bucket(rr::CNAME) == QtypeBucket::kCname && qtype_bucket(rr::MX) == QtypeBucket::kMx &&
              qtype_bucket(rr::NS) == QtypeBucket::kNs && qtype_bucket(rr::SOA) == QtypeBucket::kSoa &&
              qtype_bucket(rr::SRV) == QtypeBucket::kSrv && qtype_bucket(rr::TXT) == QtypeBucket::kTxt &&
              qtype_bucket(rr::PTR) == QtypeBucket::kPtr && qtype_bucket(rr::DS) == QtypeBucket::kDs &&
              qtype_bucket(rr::ANY) == QtypeBucket::kAny && qtype_bucket(rr::OPT) == QtypeBucket::kOther);

const char* qtype_bucket_name(QtypeBucket b) noexcept {
  static constexpr const char* kNames[] = {"A", "AAAA", "CNAME", "MX", "NS", "SOA",
                                           "SRV", "TXT", "PTR", "DS", "ANY", "other"};
  return kNames[static_cast<std::size_t>(b)];
}

void WorkerCounters::add(const WorkerCounters& other) noexcept {
  queries += other.queries;
  responses += other.responses;
  dropped += other.dropped;
  to_control += other.to_control;
  truncated += other.truncated;
  for (std::size_t i = 0; i < rcodes.size(); ++i) rcodes[i] += other.rcodes[i];
  for (std::size_t i = 0; i < qtypes.size(); ++i) qtypes[i] += other.qtypes[i];
  for (std::size_t i = 0; i < chain_links.size(); ++i) chain_links[i] += other.chain_links[i];
  for (std::size_t i = 0; i < policy_actions.size(); ++i) policy_actions[i] += other.policy_actions[i];
  rrl_limited += other.rrl_limited;
  rrl_slipped += other.rrl_slipped;
}

}  // namespace canon::engine
