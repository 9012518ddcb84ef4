#include "engine/counters.hpp"

#include "zones/rr_type.hpp"

namespace canon::engine {

QtypeBucket qtype_bucket(std::uint16_t qtype) noexcept {
  namespace rr = zones::rr;
  switch (qtype) {
    case rr::A: return QtypeBucket::kA;
    case rr::AAAA: return QtypeBucket::kAaaa;
    case rr::CNAME: return QtypeBucket::kCname;
    case rr::MX: return QtypeBucket::kMx;
    case rr::NS: return QtypeBucket::kNs;
    case rr::SOA: return QtypeBucket::kSoa;
    case rr::SRV: return QtypeBucket::kSrv;
    case rr::TXT: return QtypeBucket::kTxt;
    case rr::PTR: return QtypeBucket::kPtr;
    case rr::DS: return QtypeBucket::kDs;
    case rr::ANY: return QtypeBucket::kAny;
    default: return QtypeBucket::kOther;
  }
}

const char* qtype_bucket_name(QtypeBucket b) noexcept {
  static constexpr const char* kNames[] = {"A", "AAAA", "CNAME", "MX", "NS", "SOA",
                                           "SRV", "TXT", "PTR", "DS", "ANY", "other"};
  return kNames[static_cast<std::size_t>(b)];
}

void WorkerCounters::add(const WorkerCounters& other) noexcept {
  queries += other.queries;
  responses += other.responses;
  dropped += other.dropped;
  truncated += other.truncated;
  for (std::size_t i = 0; i < rcodes.size(); ++i) rcodes[i] += other.rcodes[i];
  for (std::size_t i = 0; i < qtypes.size(); ++i) qtypes[i] += other.qtypes[i];
  for (std::size_t i = 0; i < chain_links.size(); ++i) chain_links[i] += other.chain_links[i];
}

}  // namespace canon::engine
