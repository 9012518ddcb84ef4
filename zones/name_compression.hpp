// Name compression of names in RDATA (RFC 1035 §4.1.4), against the names
// already in a message. One owner for both writers of answers: the compiler
// (pre-rendered chains, zones/build_chains.cpp) and the engine (RRsets
// written at query time, engine/response.cpp), so both write the same bytes.
//
// A name is written as the labels the message does not hold yet, then a
// 2-octet pointer to the longest suffix it does hold:
//
//   mail.example.com.  after a question for www.example.com. (at offset 12)
//   04 m a i l | c0 10          the pointer: offset 16 = "example.com." in the question
//
// The candidates are the question name and the names written before (a
// small ring of their offsets); every suffix of each counts, pointers in
// them are followed, letters compare without case (as knotd compares).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace canon::zones {

// Where a type's RDATA holds names that may be compressed: RFC 3597 §4
// allows it only for the types RFC 1035 defined (NS, MD, MF, CNAME, SOA, MB,
// MG, MR, PTR, MINFO, MX); never SRV, DNAME (RFC 6672 §2.5) or a newer type.
struct CompressibleNames {
  std::uint8_t first = 0;  // RDATA offset of the first name
  std::uint8_t count = 0;  // names back to back from there (SOA, MINFO: 2)
};

[[nodiscard]] constexpr CompressibleNames compressible_names(std::uint16_t type) noexcept {
  switch (type) {
    case 2:
    case 3:
    case 4:
    case 5:
    case 7:
    case 8:
    case 9:
    case 12:  // NS MD MF CNAME MB MG MR PTR
      return {0, 1};
    case 6:
    case 14:  // SOA MINFO
      return {0, 2};
    case 15:  // MX: preference, exchange
      return {2, 1};
    default:
      return {};
  }
}

// The octets of two labels of the same length equal, letters compared without case.
[[nodiscard]] bool same_label_octets(const std::uint8_t* a, const std::uint8_t* b) noexcept;

// Labels equal, letters compared without case. The lengths inline: most
// candidates differ there.
[[nodiscard]] inline bool same_label(const std::uint8_t* a, const std::uint8_t* b) noexcept {
  return a[0] == b[0] && same_label_octets(a, b);
}

// Octets of the longest suffix of whole labels `name` shares with `owner`
// (both uncompressed wire form; letters compared without case), root
// included; 0 when they share no label. The compiler stores it for each
// compressible name of an RR (in the two octets that hold the owner's
// pointer in answer form, see snapshot.hpp), so the writer points at the
// owner's suffix without comparing a byte.
[[nodiscard]] std::uint8_t shared_suffix_octets(const std::uint8_t* name,
                                                const std::uint8_t* owner) noexcept;

// The same question as one test of a 64-bit mask, for the paths every
// query takes.
inline constexpr std::uint64_t kCompressibleTypes = (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 5) |
                                                    (1ull << 6) | (1ull << 7) | (1ull << 8) | (1ull << 9) |
                                                    (1ull << 12) | (1ull << 14) | (1ull << 15);
[[nodiscard]] constexpr bool has_compressible_names(std::uint16_t type) noexcept {
  return type < 64 && ((kCompressibleTypes >> type) & 1) != 0;
}

// The names a message holds: the question (its labels found once, on the
// first match) and the names written after it (a ring of the last kSize),
// each kept as three offsets, so remembering one costs three stores and
// the common match compares one label per name:
//
//   start   where the name begins         "mail" c0 10     start → 04 m a i l
//   target  where its pointer goes (0: written whole)       target = 0x10
//   before  its last label before the pointer (or start)    before = start
//
// A name the compiler compressed against its owner's suffix at `known_at`
// (its hint) is the longest match unless the question, or a name that
// points at the same suffix, has the same label before it; any other case
// takes the full search, which reads each name's labels from the message.
// Only offsets a pointer reaches (below 0x4000) are used.
class NameDictionary {
 public:
  static constexpr unsigned kSize = 8;

  // `question`: whether offset 12 holds a question name.
  void reset(bool question) noexcept {
    state_ = State{0, 0, question ? kQuestionUnread : kNoQuestion, 0};  // one 4-octet store
  }

  struct Match {
    std::size_t prefix;    // octets of the name to write before the pointer
    std::uint16_t target;  // where the pointer goes; 0: no pointer, the whole name
    std::uint8_t before;   // offset in the name of its last label before the pointer
  };
  // The longest suffix of `name` (uncompressed wire form, `length` octets
  // with the root) that `message` holds in a name of the dictionary, or
  // the `known` octets of its suffix that the message holds at `known_at`
  // (0: none known), the owner's suffix the compiler found.
  [[nodiscard]] Match match(const std::uint8_t* message, const std::uint8_t* name,
                            std::size_t length, std::size_t known = 0,
                            std::size_t known_at = 0) noexcept;

  // `name` was written at `offset` as `match` (from match()) says: remember it.
  void add(std::size_t offset, const Match& match) noexcept {
    if (offset + match.before >= 0x4000) return;
    remember({static_cast<std::uint16_t>(offset), match.target,
              static_cast<std::uint16_t>(offset + match.before)});
  }

  // A name the message holds at `offset`, written by someone else (a
  // prepared chain's last target): searched by its labels.
  void note(std::size_t offset) noexcept {
    if (offset < 0x4000) remember({static_cast<std::uint16_t>(offset), kUnknown, 0});
  }

  // Forgets the names at `offset` and after (an RRset taken back).
  void drop_from(std::size_t offset) noexcept {
    for (unsigned i = 0; i < state_.count; ++i) {
      if (entries_[i].start >= offset) entries_[i].start = 0;
    }
  }

 private:
  struct Entry {
    std::uint16_t start;   // 0: empty
    std::uint16_t target;  // kUnknown: not known (search by labels)
    std::uint16_t before;
  };
  static constexpr std::uint16_t kUnknown = 0xffff;
  static constexpr std::uint8_t kNoQuestion = 0, kQuestionUnread = 1, kQuestionRead = 2;
  static constexpr unsigned kLabels = 32;  // a question with more is not a candidate

  void remember(Entry e) noexcept {
    entries_[state_.next] = e;
    state_.next = static_cast<std::uint8_t>((state_.next + 1) % kSize);
    if (state_.count < kSize) ++state_.count;
  }
  void read_question(const std::uint8_t* message) noexcept;
  Match search(const std::uint8_t* message, const std::uint8_t* name, std::size_t length,
               Match best, unsigned best_labels) const noexcept;

  struct State {
    std::uint8_t count;     // entries in use
    std::uint8_t next;      // the entry the next name replaces
    std::uint8_t question;  // kNoQuestion, kQuestionUnread, kQuestionRead
    std::uint8_t question_labels;
  };
  State state_{0, 0, kNoQuestion, 0};
  Entry entries_[kSize];
  std::uint16_t question_[kLabels];  // offset of each label of the question, first to last
};

// Writes `name` as `match` says at `out`; returns the octets written.
inline std::size_t write_compressed_name(std::uint8_t* out, const std::uint8_t* name,
                                         std::size_t length, NameDictionary::Match match) noexcept {
  if (match.target == 0) {
    std::memcpy(out, name, length);
    return length;
  }
  std::memcpy(out, name, match.prefix);
  out[match.prefix] = static_cast<std::uint8_t>(0xc0 | (match.target >> 8));
  out[match.prefix + 1] = static_cast<std::uint8_t>(match.target);
  return match.prefix + 2;
}

// Octets of the name at `at` in `message` as written there: its labels up
// to the root octet or up to a pointer, included.
[[nodiscard]] std::size_t written_name_size(const std::uint8_t* message, std::size_t at) noexcept;

// The name at `at` in `message`, pointers followed, copied out uncompressed
// to `out` (room for 255 octets); returns its length. Names in messages
// canon writes are well formed and point backwards.
std::size_t expand_name(const std::uint8_t* message, std::size_t at, std::uint8_t* out) noexcept;

// The offset of the suffix `suffix_length` octets long (uncompressed) of the
// name at `at` that is `length` octets long (uncompressed): where its labels
// are in the message, following pointers.
[[nodiscard]] std::size_t name_suffix_at(const std::uint8_t* message, std::size_t at,
                                         std::size_t length, std::size_t suffix_length) noexcept;

}  // namespace canon::zones
