#include "engine/chaos.hpp"

#include <algorithm>
#include <cstring>

#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

// Lookup keys (labels reversed, see zones/name.hpp) of the names we answer.
constexpr std::uint8_t kIdServer[] = {6, 's', 'e', 'r', 'v', 'e', 'r', 2, 'i', 'd'};
constexpr std::uint8_t kHostnameBind[] = {4, 'b', 'i', 'n', 'd', 8, 'h', 'o', 's', 't', 'n', 'a', 'm', 'e'};
constexpr std::uint8_t kVersionBind[] = {4, 'b', 'i', 'n', 'd', 7, 'v', 'e', 'r', 's', 'i', 'o', 'n'};
constexpr std::uint8_t kVersionServer[] = {6, 's', 'e', 'r', 'v', 'e', 'r', 7, 'v', 'e', 'r', 's', 'i', 'o', 'n'};

template <std::size_t N>
bool is(const zones::LookupKey& key, const std::uint8_t (&name)[N]) noexcept {
  return key.length == N && std::memcmp(key.bytes, name, N) == 0;
}

}  // namespace

AnswerResult answer_chaos(const EngineConfig& config, const Query& query,
                          ResponseWriter& writer) noexcept {
  AnswerResult result;
  const std::string* text = nullptr;
  if (is(query.key, kIdServer) || is(query.key, kHostnameBind)) text = &config.identity;
  if (is(query.key, kVersionBind) || is(query.key, kVersionServer)) text = &config.version;
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
