// CHAOS-class TXT answers (id.server, hostname.bind, version.bind,
// version.server), the conventional way to ask a server who it is.
#pragma once

#include "engine/answer.hpp"
#include "engine/config.hpp"

namespace canon::engine {

// Answers a class-CH query; REFUSED for names it does not know or when the
// operator turned CHAOS answers off.
[[nodiscard]] AnswerResult answer_chaos(const EngineConfig& config, const Query& query,
                                        ResponseWriter& writer) noexcept;

}  // namespace canon::engine
