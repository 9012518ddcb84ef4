#include "zones/zone_source.hpp"

#include "zones/name.hpp"

namespace canon::zones {

std::optional<ZoneSource> parse_zone_source(std::string_view spec, std::string& error) {
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
    error = "expected ORIGIN=FILE, got '" + std::string(spec) + "'";
    return std::nullopt;
  }
  if (spec.find('\0') != std::string_view::npos) {
    // A file name is cut at a NUL by open(2): "a.zone\0.tmp" would load a.zone.
    error = "a zone's ORIGIN=FILE holds a NUL byte";
    return std::nullopt;
  }
  const std::string_view origin = spec.substr(0, eq);
  std::string wire;
  if (!text_to_wire(origin, wire)) {
    error = "'" + std::string(origin) + "' is not a valid zone origin";
    return std::nullopt;
  }
  return ZoneSource{wire_to_text(reinterpret_cast<const std::uint8_t*>(wire.data())),
                    std::string(spec.substr(eq + 1))};
}

}  // namespace canon::zones
