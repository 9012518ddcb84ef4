// A zone as an operator names it: ORIGIN=FILE.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace canon::zones {

struct ZoneSource {
  std::string origin;  // absolute presentation form, "example.com."
  std::string file;
};

// Parses "example.com=/etc/canon/example.com.zone". Returns nullopt (and sets
// `error` to a sentence a person can act on) when it is malformed.
[[nodiscard]] std::optional<ZoneSource> parse_zone_source(std::string_view spec, std::string& error);

}  // namespace canon::zones
