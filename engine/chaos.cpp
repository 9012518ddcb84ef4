#include "engine/chaos.hpp"

#include <algorithm>
#include <cstring>

#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

// The names we answer, wire form, lower-case (compared with the question
// name as the parser lower-cased it).
constexpr std::uint8_t kIdServer[] = {2, 'i', 'd', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};
constexpr std::uint8_t kHostnameBind[] = {8, 'h', 'o', 's', 't', 'n', 'a', 'm', 'e', 4, 'b', 'i', 'n', 'd', 0};
constexpr std::uint8_t kVersionBind[] = {7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0};
constexpr std::uint8_t kVersionServer[] = {7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};

template <std::size_t N>
bool is(const zones::IndexedName& name, const std::uint8_t (&wire)[N]) noexcept {
  return name.length == N && std::memcmp(name.bytes, wire, N) == 0;
}

}  // namespace

AnswerResult answer_chaos(const EngineConfig& config, const Query& query,
                          ResponseWriter& writer) noexcept {
  AnswerResult result;
  const std::string* text = nullptr;
  if (is(query.name, kIdServer) || is(query.name, kHostnameBind)) text = &config.identity;
  if (is(query.name, kVersionBind) || is(query.name, kVersionServer)) text = &config.version;
  if (!config.chaos || text == nullptr) {
    result.rcode = Rcode::kRefused;
    result.authoritative = false;
    return result;
  }
  if (query.qtype != zones::rr::TXT && query.qtype != zones::rr::ANY) return result;  // NODATA
  std::uint8_t rdata[256];
  const std::size_t length = std::min<std::size_t>(text->size(), 255);
  rdata[0] = static_cast<std::uint8_t>(length);
  std::memcpy(rdata + 1, text->data(), length);
  const NameRef owner{static_cast<std::uint16_t>(header::kSize),
                      static_cast<std::uint8_t>(query.qname_length)};
  if (writer.put_rr(Section::kAnswer, owner, zones::rr::TXT, zones::rr_class::CH, 0,
                    {rdata, length + 1}) == 0) {
    result.truncated = true;
  }
  return result;
}

}  // namespace canon::engine
