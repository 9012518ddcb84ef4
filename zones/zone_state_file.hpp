// A secondary zone's received version on disk, so a restart serves it at
// once, before (or without) any primary answering.
//
// The file is a zone file every loader reads (canon's, knotd's, nsd's):
// each record on one line, its RDATA in the RFC 3597 §5 generic form, so
// every type round-trips byte for byte without a presentation writer per
// type:
//
//   ; canon secondary zone example.com. serial 2026120602, AXFR from 127.0.0.1:53001
//   example.com. 3600 IN SOA \# 58 026e73076578616d706c6503636f6d00...
//   www.example.com. 300 IN A \# 4 c0000201
//
// Written atomically: FILE.tmp is written and fsynced, renamed over FILE,
// and the folder fsynced, so a kill -9 or a power cut at any moment leaves
// the old version or the new one, never a mix.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "zones/compiler.hpp"

namespace canon::zones {

// The state file of `origin` in `state_dir`: STATE_DIR/zones/ORIGIN.zone,
// the origin lower-cased with anything but [a-z0-9.-_] as %XX.
[[nodiscard]] std::string zone_state_path(std::string_view state_dir, std::string_view origin);
// The same naming for any state: STATE_DIR/FOLDER/ORIGIN.SUFFIX.
[[nodiscard]] std::string state_file_path(std::string_view state_dir, std::string_view folder,
                                          std::string_view origin, std::string_view suffix);

// Replaces `path` atomically (as below) with what `write` puts in the open
// FILE.tmp; `write` returns false on a write error. Creates the folder.
// Throws std::runtime_error naming the path and the system's reason.
void replace_state_file(const std::string& path, const std::function<bool(std::FILE*)>& write);

// Writes `zone` to `path` as described above; `comment` becomes the first
// line. Creates the folder. Throws std::runtime_error naming the path and
// the system's reason.
void write_zone_state(const LoadedZone& zone, const std::string& path, std::string_view comment);

}  // namespace canon::zones
