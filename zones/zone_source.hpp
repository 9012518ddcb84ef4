// A zone as an operator names it: ORIGIN=FILE.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace canon::zones {

struct ZoneSource {
  std::string origin;  // absolute presentation form, "example.com."
  std::string file;
  // Where relative $INCLUDE paths are read from: empty, the including file's
  // folder (as Knot does); else this folder, for zone files written for BIND
  // or NSD, which read them from their working directory.
  std::string include_base = {};
};

// Parses "example.com=/etc/canon/example.com.zone". Returns nullopt (and sets
// `error` to a sentence a person can act on) when it is malformed.
[[nodiscard]] std::optional<ZoneSource> parse_zone_source(std::string_view spec, std::string& error);

}  // namespace canon::zones
