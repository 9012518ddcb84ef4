#include "zones/name_compression.hpp"

#include <cstring>

#include "zones/name.hpp"

namespace canon::zones {

namespace {

constexpr bool is_pointer(std::uint8_t octet) noexcept {
  return (octet & 0xc0) == 0xc0;
}

constexpr std::size_t pointer_target(const std::uint8_t* at) noexcept {
  return static_cast<std::size_t>(((at[0] & 0x3f) << 8) | at[1]);
}

// Calls f(offset) for each label of the name at `at` in `message`,
// pointers followed, until f returns false or the root comes; returns the
// offset reached. Bounded, so a name that is not well formed cannot loop.
template <class F>
std::size_t walk_labels(const std::uint8_t* message, std::size_t at, F&& f) noexcept {
  for (unsigned jumps = 0; jumps < 64;) {
    const std::uint8_t octet = message[at];
    if (is_pointer(octet)) {
      at = pointer_target(message + at);
      ++jumps;
      continue;
    }
    if (octet == 0 || !f(at)) return at;
    at += octet + 1u;
  }
  return at;
}

}  // namespace

// Letters 0x20 apart compare equal (both letters).
bool same_label_octets(const std::uint8_t* a, const std::uint8_t* b) noexcept {
  for (std::uint8_t i = 1; i <= a[0]; ++i) {
    const std::uint8_t x = a[i], y = b[i];
    if (x != y && ((x ^ y) != 0x20 || static_cast<std::uint8_t>((x | 0x20) - 'a') > 'z' - 'a'))
      return false;
  }
  return true;
}

void NameDictionary::read_question(const std::uint8_t* message) noexcept {
  state_.question = kQuestionRead;
  unsigned count = 0;
  for (std::size_t at = 12; message[at] != 0 && !is_pointer(message[at]); at += message[at] + 1u) {
    if (count == kLabels) {  // too long to remember: never a candidate
      count = 0;
      break;
    }
    question_[count++] = static_cast<std::uint16_t>(at);
  }
  state_.question_labels = static_cast<std::uint8_t>(count);
}

std::uint8_t shared_suffix_octets(const std::uint8_t* name, const std::uint8_t* owner) noexcept {
  std::uint8_t a[kMaxLabels], b[kMaxLabels];
  unsigned na = 0, nb = 0;
  std::size_t length = 0;
  for (std::size_t at = 0; name[at] != 0 && na < kMaxLabels; at += name[at] + 1u)
    a[na++] = static_cast<std::uint8_t>(at);
  for (std::size_t at = 0; owner[at] != 0 && nb < kMaxLabels; at += owner[at] + 1u)
    b[nb++] = static_cast<std::uint8_t>(at);
  for (std::size_t at = 0; name[at] != 0; at += name[at] + 1u) length = at + name[at] + 1u;
  unsigned same = 0;
  while (same < na && same < nb && same_label(name + a[na - 1 - same], owner + b[nb - 1 - same]))
    ++same;
  if (same == 0) return 0;
  return static_cast<std::uint8_t>(length + 1 - a[na - same]);
}

NameDictionary::Match NameDictionary::match(const std::uint8_t* message, const std::uint8_t* name,
                                            std::size_t length, std::size_t known,
                                            std::size_t known_at) noexcept {
  if (state_.question == kQuestionUnread) read_question(message);
  if (known == 0 || known > length || known_at >= 0x4000)
    return search(message, name, length, {length, 0, 0}, 0);
  if (known == length)
    return {0, static_cast<std::uint16_t>(known_at), 0};  // a pointer alone: nothing is shorter
  const std::size_t prefix = length - known;
  std::size_t before = 0;  // the label of `name` just before the suffix
  for (std::size_t at = 0; at < prefix; at += name[at] + 1u) before = at;
  const Match hinted{prefix, static_cast<std::uint16_t>(known_at),
                     static_cast<std::uint8_t>(before)};
  // Could a name of the message hold one label more? The question, when
  // the suffix lies in it, by the label before; a name pointing at the
  // suffix, by its `before`; any other name only by a search.
  bool longer = false;
  const unsigned q = state_.question_labels;
  unsigned k = 0;  // where in the question the suffix starts, from the right
  while (k < q && question_[q - 1 - k] > known_at) ++k;
  if (k < q && question_[q - 1 - k] == known_at) {
    longer = k + 1 < q && same_label(message + question_[q - 2 - k], name + before);
  } else if (q != 0) {
    longer = true;  // the suffix lies elsewhere: the question may hold more of the name
  }
  for (unsigned i = 0; i < state_.count && !longer; ++i) {
    const Entry& e = entries_[i];
    if (e.start == 0) continue;
    longer = e.target != known_at || same_label(message + e.before, name + before);
  }
  if (!longer) return hinted;
  unsigned labels = 0;
  for (std::size_t at = prefix; name[at] != 0; at += name[at] + 1u) ++labels;
  return search(message, name, length, hinted, labels);
}

// The full search: each name's labels from the message, compared from the
// right with the name's; the longest shared suffix beyond `best` wins.
NameDictionary::Match NameDictionary::search(const std::uint8_t* message, const std::uint8_t* name,
                                             std::size_t length, Match best,
                                             unsigned best_labels) const noexcept {
  std::uint8_t labels[kMaxLabels];  // offsets in `name` (< 255)
  unsigned count = 0;
  for (std::size_t at = 0; at < length && name[at] != 0 && count < kMaxLabels;
       at += name[at] + 1u) {
    labels[count++] = static_cast<std::uint8_t>(at);
  }
  auto consider = [&](const std::uint16_t* held, unsigned held_count) {
    unsigned same = 0;
    while (same < held_count && same < count &&
           same_label(message + held[held_count - 1 - same], name + labels[count - 1 - same])) {
      ++same;
    }
    if (same > best_labels && held[held_count - same] < 0x4000) {
      best_labels = same;
      const unsigned first = count - same;
      best = {labels[first], held[held_count - same],
              static_cast<std::uint8_t>(first != 0 ? labels[first - 1] : 0)};
    }
  };
  if (state_.question == kQuestionRead) consider(question_, state_.question_labels);
  for (unsigned i = 0; i < state_.count && best_labels < count; ++i) {
    if (entries_[i].start == 0) continue;
    std::uint16_t held[kMaxLabels];
    unsigned held_count = 0;
    (void)walk_labels(message, entries_[i].start, [&](std::size_t label) {
      if (held_count == kMaxLabels) return false;
      held[held_count++] = static_cast<std::uint16_t>(label);
      return true;
    });
    consider(held, held_count);
  }
  if (best.target == 0) {  // written whole: its last label is where a later name may point
    best.before = count != 0 ? labels[count - 1] : 0;
  }
  return best;
}

std::size_t written_name_size(const std::uint8_t* message, std::size_t at) noexcept {
  std::size_t size = 0;
  for (;;) {
    const std::uint8_t octet = message[at + size];
    if (is_pointer(octet)) return size + 2;
    if (octet == 0) return size + 1;
    size += octet + 1u;
  }
}

std::size_t expand_name(const std::uint8_t* message, std::size_t at, std::uint8_t* out) noexcept {
  std::size_t length = 0;
  (void)walk_labels(message, at, [&](std::size_t label) {
    const std::size_t size = message[label] + 1u;
    if (length + size + 1 > kMaxNameLength) return false;
    std::memcpy(out + length, message + label, size);
    length += size;
    return true;
  });
  out[length] = 0;
  return length + 1;
}

std::size_t name_suffix_at(const std::uint8_t* message, std::size_t at, std::size_t length,
                           std::size_t suffix_length) noexcept {
  std::size_t skip = length - suffix_length;
  return walk_labels(message, at, [&](std::size_t label) {
    if (skip == 0) return false;
    skip -= message[label] + 1u;
    return true;
  });
}

}  // namespace canon::zones
