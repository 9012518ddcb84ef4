// Stage 1: parse a query in place. Nothing is copied but the question name,
// lower-cased and hashed for the exact-name index once it is validated; the
// client's spelling stays in the packet and is echoed. Its lookup key (labels
// reversed, for the trie) is built later, only when the index misses.
//
// What the parser decides (the first rule that applies wins):
//   shorter than a header, or QR=1 ............ kDrop (never answer a response)
//   OPCODE ≠ QUERY and no single well-formed question .. kNotImp (another
//   opcode's sections are not ours to judge: NOTIFY, UPDATE)
//   QDCOUNT ≠ 1, bad question name (label > 63, name > 255, compression
//   pointer, reserved label type, overrun), counts that overrun the packet or
//   leave bytes over, OPT not in additional, a second OPT, an OPT owner that
//   is not the root, options overrunning the OPT ...... kFormErr
//   OPCODE ≠ QUERY ............................. kNotImp (OPT kept)
//   EDNS version > 0 ........................... kBadVers
//   class CH ................................... kChaos
//   class other than IN, CH, ANY ............... kRefused
//   AXFR/IXFR over UDP ......................... kFormErr
//   AXFR/IXFR over TCP ......................... kRefused (no transfers)
//   otherwise .................................. kAnswer
#pragma once

#include <cstddef>
#include <cstdint>

#include "zones/name.hpp"
#include "zones/name_index.hpp"

namespace canon::engine {

// kPolicy is never the parser's: the policy stage sets it when a rule decides
// the answer without the zones (drop, refuse, truncate, answer).
enum class Verdict : std::uint8_t { kAnswer, kChaos, kDrop, kFormErr, kNotImp, kRefused, kBadVers, kPolicy };
enum class Transport : std::uint8_t { kUdp, kTcp };

struct Query {
  Verdict verdict = Verdict::kDrop;
  bool question_ok = false;         // the question can be echoed
  bool has_edns = false;
  bool do_bit = false;
  bool nsid_requested = false;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  std::uint16_t udp_payload = 0;    // the client's EDNS payload size
  std::uint16_t qname_length = 0;   // wire octets of the question name at offset 12
  std::uint16_t question_end = 0;   // offset just after QCLASS
  zones::IndexedName name;          // the question name, lower-cased, hashed
  std::uint32_t policy_rule = 0xffffffff;  // the policy rule that matched (kNoPolicyRule: none)
};

// Parses `length` bytes at `packet`: the common shape (one question of
// class IN, at most an 11-octet OPT) with a few wide compares, any other
// with the general reading below; both decide the same.
void parse_query(const std::uint8_t* packet, std::size_t length, Transport transport,
                 Query& query) noexcept;

namespace detail {
// Every rule above, record by record; the oracle of tests/engine/parser_test.cpp.
void parse_query_general(const std::uint8_t* packet, std::size_t length, Transport transport,
                         Query& query) noexcept;
}  // namespace detail

}  // namespace canon::engine
