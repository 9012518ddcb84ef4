// $GENERATE (BIND's extension, which libzscanner does not know):
//
//   $GENERATE 1-3 host$ A 192.0.2.$        →  host1 A 192.0.2.1
//                                             host2 A 192.0.2.2
//                                             host3 A 192.0.2.3
//   $GENERATE 0-10/5 ${100,3,x} CNAME h$   →  064 CNAME h0, 069 CNAME h5, 06e CNAME h10
//
//   $GENERATE 0-1 ${0,3,n} PTR h$          →  0.0 PTR h0, 1.0 PTR h1
//
// `$` is the iterator, `${offset,width,base}` formats it (base d, o, x, X,
// or n, N: nibbles, lowest first, one per label, as for ip6.arpa), `$$` and
// `\$` are a literal dollar. The expanded lines go back through
// libzscanner, so TTL, class, type and RDATA syntax are checked as usual.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace canon::zones {

inline constexpr std::size_t kMaxGeneratedRecords = 10'000'000;

// `line` without its comment: from the first ';' outside a quoted string
// (TXT data such as "v=DKIM1; k=rsa" keeps its semicolons).
[[nodiscard]] std::string_view strip_comment(std::string_view line) noexcept;

// `args` is the line after the "$GENERATE" keyword. Calls `emit` once per
// generated record line. Returns false with `error` set on a malformed line.
[[nodiscard]] bool expand_generate(std::string_view args,
                                   const std::function<void(std::string_view)>& emit,
                                   std::string& error);

}  // namespace canon::zones
