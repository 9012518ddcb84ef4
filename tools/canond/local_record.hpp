// One local record of a policy `answer` rule, as an operator writes it:
// "A 198.18.0.10", "AAAA 2001:db8::10", "TXT \"blocked by policy\"",
// "CNAME portal.example.net." — TYPE and RDATA in zone-file syntax, read by
// libzscanner like any zone record (relative names are not allowed: there
// is no origin to append). Control plane only.
#pragma once

#include <cstdint>
#include <string>

#include "engine/policy.hpp"

namespace canon::daemon {

// Throws std::runtime_error with zscanner's message when `text` is not a record.
[[nodiscard]] engine::LocalRecord parse_local_record(const std::string& text, std::uint32_t ttl);

}  // namespace canon::daemon
