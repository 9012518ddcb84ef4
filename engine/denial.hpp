// DNSSEC denial of existence: the NSEC or NSEC3 records, with their RRSIGs,
// that a DO=1 answer puts in its authority section to prove what the zone
// does not hold (RFC 4035 §3.1.3, RFC 5155 §7.2). Which proof a situation
// needs is decided by the Answerer (engine/answer.cpp); this writes it,
// NSEC or NSEC3 as the zone is signed, each record once per answer.
//
//                    NSEC zone                       NSEC3 zone
//   nxdomain         covers the name, covers         closest encloser matched,
//                    *.<closest encloser>            next closer covered,
//                                                    *.<closest encloser> covered
//   nodata           the name's own NSEC (an         the name's NSEC3; for a
//                    empty non-terminal: the one     name without one (DS under
//                    that covers it)                 opt-out), the closest
//                                                    provable encloser proof
//   wildcard answer  covers the name                 next closer covered
//   wildcard nodata  covers the name, and the        closest encloser matched,
//                    wildcard's own NSEC             next closer covered,
//                                                    wildcard matched
//   no DS at a cut   the cut's NSEC                  as nodata at the cut
//
// Names are wire form; `name` is always in the packet (the question, or a
// chain's target written before), so owners are compressed against it.
// Runs on the workers: no allocation, the hashes on the stack.
#pragma once

#include <cstdint>

#include "engine/response.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

class DenialProofs {
 public:
  explicit DenialProofs(ResponseWriter& writer) noexcept : w_(writer) {}

  // The unit whose zones the next proofs come from (an answer may cross
  // units): a record is written once per answer and unit.
  DenialProofs& in(const zones::Snapshot& snap) noexcept {
    if (snap_ != &snap) {
      snap_ = &snap;
      written_count_ = 0;
    }
    return *this;
  }

  // Each writes its records into the authority section and returns false
  // when one did not fit (the answer is then truncated: RFC 4035 §3.1.1).
  // A zone that is not signed, or has no denial chain, gets nothing.

  // `name` does not exist; its closest encloser is its suffix of
  // `encloser_length` octets (the deepest name the zone holds above it),
  // node `encloser` (kNone: not known).
  bool nxdomain(const zones::Zone& zone, NameRef name, std::uint8_t encloser_length,
                std::uint32_t encloser) noexcept;
  // `name` exists (node `node`) without the type asked.
  bool nodata(const zones::Zone& zone, NameRef name, std::uint32_t node) noexcept;
  // `name` was answered from the wildcard whose parent (the closest
  // encloser) is the suffix of `encloser_length` octets: it does not exist.
  bool wildcard_answer(const zones::Zone& zone, NameRef name, std::uint8_t encloser_length) noexcept;
  // As wildcard_answer, but the wildcard (node `wildcard`) lacks the type.
  bool wildcard_nodata(const zones::Zone& zone, NameRef name, std::uint32_t wildcard) noexcept;
  // The delegation at `cut` (node `cut_node`) has no DS.
  bool no_ds(const zones::Zone& zone, NameRef cut, std::uint32_t cut_node) noexcept {
    return nodata(zone, cut, cut_node);
  }

 private:
  // A name as bytes: in place in the question or copied to its own buffer.
  struct Name {
    const std::uint8_t* bytes;
    std::uint8_t length;
  };
  Name bytes_of(NameRef name, std::uint8_t* scratch) const noexcept {
    return {w_.name_bytes(name, scratch), name.length};
  }

  // NSEC
  bool put_nsec(const zones::Snapshot::NsecRecord& record, NameRef name) noexcept;
  bool put_covering_nsec(const zones::Zone& zone, Name name, NameRef in_packet) noexcept;

  // NSEC3
  zones::Snapshot::Nsec3Record nsec3_of(const zones::Zone& zone, Name name) const noexcept;
  // The precomputed links of `node` (zones::Nsec3Links), or nullptr.
  const zones::Nsec3Links* links_of(std::uint32_t node) const noexcept {
    return node == zones::kNone ? nullptr : snap_->nsec3_links(node);
  }
  bool put_nsec3(const zones::Zone& zone, const zones::Snapshot::Nsec3Record& record) noexcept;
  // Remembers the name a proof is about and its zone's apex in the packet.
  void start_proof(const zones::Zone& zone, NameRef name) noexcept;
  // Whether the name being proven is the NSEC3 owner whose first label
  // (lower-case) is `label`.
  bool is_proven_name(const zones::Zone& zone, const std::uint8_t* label) const noexcept;
  // The closest provable encloser of `name` at or above its suffix of
  // `from_length` octets: writes its matching NSEC3 and the NSEC3 covering
  // the next closer name; `encloser_length` is set to its length.
  bool put_closest_encloser_proof(const zones::Zone& zone, Name name, std::uint8_t from_length,
                                  std::uint8_t& encloser_length) noexcept;
  bool put_covering_next_closer(const zones::Zone& zone, Name name, std::uint8_t encloser_length) noexcept;

  template <typename WriteSet>
  bool put_signed(std::uint32_t node, std::uint16_t type, WriteSet write_set) noexcept;
  // The RRset of `type` at `node` and its RRSIGs, owned by `owner`.
  bool put_set(std::uint32_t node, std::uint16_t type, const std::uint8_t* owner, std::uint8_t owner_length,
               NameRef owner_in_packet) noexcept;
  // Whether `node`'s record is already in this answer; remembers it.
  bool already_written(std::uint32_t node) noexcept;

  const zones::Snapshot* snap_ = nullptr;
  ResponseWriter& w_;
  NameRef apex_{};            // the zone's apex in the packet, for NSEC3 owners
  NameRef proven_{};          // the name the proof is about
  std::uint32_t written_[6];  // proof nodes in this answer, at most six (NSEC3 wildcard nodata + nxdomain)
  unsigned written_count_ = 0;
};

}  // namespace canon::engine
