#include "zones/canonical_rdata.hpp"

#include <algorithm>

#include "zones/name.hpp"

namespace canon::zones {

namespace {

// Where the names of one RDATA lie, as [begin, end) byte ranges, in order.
struct NameSpans {
  std::size_t begin[3];
  std::size_t end[3];
  unsigned count = 0;
};

// Appends the name starting at `at`; returns where it ends, or 0 when the
// bytes hold no well-formed name (then nothing more is lower-cased).
std::size_t add_name(NameSpans& spans, std::span<const std::uint8_t> rdata, std::size_t at) noexcept {
  if (at >= rdata.size()) return 0;
  const std::size_t length = wire_name_length(rdata.subspan(at));
  if (length == 0) return 0;
  spans.begin[spans.count] = at;
  spans.end[spans.count] = at + length;
  ++spans.count;
  return at + length;
}

// `names` consecutive names after `fixed` octets.
void names_after(NameSpans& spans, std::span<const std::uint8_t> rdata, std::size_t fixed,
                 unsigned names) noexcept {
  std::size_t at = fixed;
  for (unsigned i = 0; i < names; ++i) {
    at = add_name(spans, rdata, at);
    if (at == 0) return;
  }
}

// The RFC 4034 §6.2 list (less NSEC and HINFO, RFC 6840 §5.1), by layout.
NameSpans name_spans(std::uint16_t type, std::span<const std::uint8_t> rdata) noexcept {
  NameSpans spans;
  switch (type) {
    case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12:  // NS MD MF CNAME MB MG MR PTR
    case 30: case 39:                                                   // NXT DNAME
      names_after(spans, rdata, 0, 1);
      break;
    case 6: case 14: case 17:  // SOA MINFO RP
      names_after(spans, rdata, 0, 2);
      break;
    case 15: case 18: case 21: case 36:  // MX AFSDB RT KX: a 16-bit preference first
      names_after(spans, rdata, 2, 1);
      break;
    case 26:  // PX: preference, MAP822, MAPX400
      names_after(spans, rdata, 2, 2);
      break;
    case 33:  // SRV: priority, weight, port
      names_after(spans, rdata, 6, 1);
      break;
    case 24: case 46:  // SIG RRSIG: the signer's name after 18 fixed octets
      names_after(spans, rdata, 18, 1);
      break;
    case 35: {  // NAPTR: order, preference, FLAGS, SERVICES, REGEXP, then REPLACEMENT
      std::size_t at = 4;
      for (int i = 0; i < 3 && at < rdata.size(); ++i) at += 1 + rdata[at];
      names_after(spans, rdata, at, 1);
      break;
    }
    case 38: {  // A6: prefix length, the address suffix, then the prefix name if any
      if (rdata.empty() || rdata[0] == 0 || rdata[0] > 128) break;
      names_after(spans, rdata, 1 + (128 - rdata[0] + 7) / 8, 1);
      break;
    }
    default:
      break;
  }
  return spans;
}

}  // namespace

int compare_canonical_rdata(std::uint16_t type, std::span<const std::uint8_t> a,
                            std::span<const std::uint8_t> b) noexcept {
  // Up to the first difference both hold the same bytes but for letter case,
  // and label lengths are never letters, so the names of `a` lie where those
  // of `b` do: one set of spans serves both.
  const NameSpans spans = name_spans(type, a);
  const std::size_t common = std::min(a.size(), b.size());
  unsigned span = 0;
  for (std::size_t i = 0; i < common; ++i) {
    while (span < spans.count && i >= spans.end[span]) ++span;
    const bool in_name = span < spans.count && i >= spans.begin[span];
    const std::uint8_t x = in_name ? to_lower(a[i]) : a[i];
    const std::uint8_t y = in_name ? to_lower(b[i]) : b[i];
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace canon::zones
