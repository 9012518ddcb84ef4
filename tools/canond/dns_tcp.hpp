// What the transfers in and out both need to speak DNS over TCP (RFC 1035
// §4.2.2, RFC 7766) on the control side: the clock TSIG signs with, a fresh
// message ID, and a length-prefixed message written whole to a non-blocking
// socket. Control side only (it blocks in poll).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace canon::daemon::dns_tcp {

// Seconds since 1970, TSIG's "time signed".
[[nodiscard]] std::uint64_t unix_seconds() noexcept;

// A random message ID for a request (per-thread generator).
[[nodiscard]] std::uint16_t random_id();

// Writes the two-octet length and `message` on the non-blocking socket
// `fd`, each wait for room bounded by `wait_ms`. Empty on success, else why
// ("send: Broken pipe", "send: no room within 10 s").
[[nodiscard]] std::string send_framed(int fd, std::span<const std::uint8_t> message, int wait_ms);

}  // namespace canon::daemon::dns_tcp
