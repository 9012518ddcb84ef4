#include "engine/policy_answer.hpp"

namespace canon::engine {

AnswerResult answer_policy(const Policy::Rule& rule, const Query& query, ResponseWriter& writer) noexcept {
  AnswerResult result;
  switch (rule.action) {
    case PolicyAction::kRefuse:
      result.rcode = Rcode::kRefused;
      result.authoritative = false;
      break;
    case PolicyAction::kTruncate:
      result.truncated = true;
      result.authoritative = false;
      break;
    case PolicyAction::kAnswer:
      if (const Policy::LocalRRset* set = rule.answer_for(query.qtype)) {
        if (!writer.put_prepared(Section::kAnswer, set->bytes, set->count)) result.truncated = true;
      }
      break;
    default:  // drop, nxdomain, nodata are decided elsewhere (see the header)
      break;
  }
  return result;
}

}  // namespace canon::engine
