// The answers a policy rule writes without the zones: refuse (REFUSED),
// truncate (TC=1 over UDP, the question only: the client retries over TCP,
// where the rule does not apply) and answer (the rule's local RRset of
// QTYPE after the question; a CNAME answers every type; none of QTYPE:
// NOERROR and no data). drop never gets here (Verdict::kDrop), and nxdomain
// and nodata are answered with the zone's SOA (answer_negative).
#pragma once

#include "engine/answer.hpp"
#include "engine/policy.hpp"
#include "engine/query.hpp"
#include "engine/response.hpp"

namespace canon::engine {

[[nodiscard]] AnswerResult answer_policy(const Policy::Rule& rule, const Query& query,
                                         ResponseWriter& writer) noexcept;

}  // namespace canon::engine
