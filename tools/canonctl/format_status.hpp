// Readable status, zone-list and stats responses (format.cpp dispatches).
// Each throws nlohmann::json::exception when the response lacks a field it
// needs; the caller then prints the JSON instead.
#pragma once

#include <string>

#include "format_text.hpp"

namespace canon::ctl {

[[nodiscard]] std::string status_text(const Json& reply);
[[nodiscard]] std::string zone_list_text(const Json& reply);
// zone-status ORIGIN: one zone's state, key by key.
[[nodiscard]] std::string zone_status_text(const Json& reply);
[[nodiscard]] std::string stats_text(const Json& reply);

}  // namespace canon::ctl
