// TSIG (RFC 8945), see tsig.hpp. HMAC from OpenSSL 3's EVP_MAC (the
// HMAC_CTX functions are deprecated in 3.0).
#include "zones/tsig.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>

#include "zones/name.hpp"

namespace canon::zones {

namespace {

constexpr std::uint16_t kTypeTsig = 250;
constexpr std::uint16_t kClassAny = 255;
constexpr std::size_t kHeaderSize = 12;

struct AlgorithmInfo {
  std::string_view text;  // config text, also the algorithm name's one label
  const char* digest;     // OpenSSL digest name
  std::size_t mac_size;
};

constexpr std::array<AlgorithmInfo, 5> kAlgorithms{{
    {"hmac-sha1", "SHA1", 20},
    {"hmac-sha224", "SHA224", 28},
    {"hmac-sha256", "SHA256", 32},
    {"hmac-sha384", "SHA384", 48},
    {"hmac-sha512", "SHA512", 64},
}};

const AlgorithmInfo& info(TsigAlgorithm a) {
  return kAlgorithms[static_cast<std::size_t>(a)];
}

// The algorithm name in wire form: one label and the root,
// "hmac-sha256" → 0b h m a c - s h a 2 5 6 00.
std::vector<std::uint8_t> algorithm_wire(TsigAlgorithm a) {
  const std::string_view t = info(a).text;
  std::vector<std::uint8_t> w(t.size() + 2, 0);
  w[0] = static_cast<std::uint8_t>(t.size());
  std::copy(t.begin(), t.end(), w.begin() + 1);
  return w;
}

std::uint16_t get16(std::span<const std::uint8_t> m, std::size_t at) {
  return static_cast<std::uint16_t>(m[at] << 8 | m[at + 1]);
}

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void append16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

EVP_MAC* hmac_method() {
  // Fetched once, kept for the process (a fetch looks up the provider).
  static EVP_MAC* const method = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  return method;
}

}  // namespace

// One HMAC computation in progress. A failure inside OpenSSL (no provider)
// makes final() return no octets: signing then returns no MAC and
// verification kBadSig.
class HmacState {
 public:
  explicit HmacState(const TsigKey& key) {
    EVP_MAC* method = hmac_method();
    ctx_ = method != nullptr ? EVP_MAC_CTX_new(method) : nullptr;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         const_cast<char*>(info(key.algorithm).digest), 0),
        OSSL_PARAM_construct_end()};
    ok_ = ctx_ != nullptr && !key.secret.empty() &&
          EVP_MAC_init(ctx_, key.secret.data(), key.secret.size(), params) == 1;
  }
  ~HmacState() { EVP_MAC_CTX_free(ctx_); }
  HmacState(const HmacState&) = delete;
  HmacState& operator=(const HmacState&) = delete;

  void update(std::span<const std::uint8_t> data) {
    if (ok_ && !data.empty()) ok_ = EVP_MAC_update(ctx_, data.data(), data.size()) == 1;
  }
  void update16(std::uint16_t v) {
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    update(b);
  }
  void update_time(std::uint64_t t) {  // 48 bits, network order
    std::uint8_t b[6];
    for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(t >> (40 - 8 * i));
    update(b);
  }
  // A MAC as it leads the digest of an answer or a later message: length, octets.
  void update_mac(std::span<const std::uint8_t> mac) {
    update16(static_cast<std::uint16_t>(mac.size()));
    update(mac);
  }

  std::vector<std::uint8_t> final() {
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    std::size_t n = 0;
    if (!ok_ || EVP_MAC_final(ctx_, out.data(), &n, out.size()) != 1) return {};
    out.resize(n);
    return out;
  }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
  bool ok_ = false;
};

namespace {

// ---------------------------------------------------------------------------
// Finding and reading the TSIG RR of a received message.

// Skips a possibly compressed name at `pos`; false when it runs off the end
// or holds a reserved label type.
bool skip_name(std::span<const std::uint8_t> m, std::size_t& pos) {
  while (pos < m.size()) {
    const std::uint8_t b = m[pos];
    if (b == 0) {
      ++pos;
      return true;
    }
    if ((b & 0xc0) == 0xc0) {
      if (pos + 2 > m.size()) return false;
      pos += 2;
      return true;
    }
    if ((b & 0xc0) != 0) return false;
    pos += 1 + b;
  }
  return false;
}

// Reads the name at `pos` into lower-cased uncompressed wire form, following
// pointers (each must point before the label that holds it, so the walk
// ends); `pos` moves past the name as written.
bool read_name(std::span<const std::uint8_t> m, std::size_t& pos, std::vector<std::uint8_t>& out) {
  out.clear();
  std::size_t at = pos;
  bool jumped = false;
  while (at < m.size()) {
    const std::uint8_t b = m[at];
    if ((b & 0xc0) == 0xc0) {
      if (at + 2 > m.size()) return false;
      const std::size_t target = static_cast<std::size_t>(b & 0x3f) << 8 | m[at + 1];
      if (!jumped) pos = at + 2;
      jumped = true;
      if (target >= at) return false;
      at = target;
      continue;
    }
    if ((b & 0xc0) != 0 || at + 1 + b > m.size() || out.size() + 1 + b > kMaxNameLength)
      return false;
    out.push_back(b);
    for (std::size_t i = 0; i < b; ++i) out.push_back(to_lower(m[at + 1 + i]));
    at += 1 + b;
    if (b == 0) {
      if (!jumped) pos = at;
      return true;
    }
  }
  return false;
}

struct TsigRecord {
  std::size_t start = 0;  // offset of the TSIG RR: the message* ends here
  std::vector<std::uint8_t> owner;
  std::vector<std::uint8_t> algorithm;
  std::uint64_t time_signed = 0;
  std::uint16_t fudge = 0;
  std::span<const std::uint8_t> mac;
  std::uint16_t original_id = 0;
  std::uint16_t error = 0;
  std::span<const std::uint8_t> other;
};

enum class Found : std::uint8_t { kTsig, kNone, kMalformed };

// Walks the whole message: the TSIG RR, if any, must be the last RR of the
// additional section and the message must end with it.
Found find_tsig(std::span<const std::uint8_t> m, TsigRecord& r) {
  if (m.size() < kHeaderSize) return Found::kMalformed;
  const unsigned qd = get16(m, 4);
  const unsigned rrs = get16(m, 6) + get16(m, 8) + get16(m, 10);
  const unsigned ar = get16(m, 10);
  std::size_t pos = kHeaderSize;
  for (unsigned i = 0; i < qd; ++i) {
    if (!skip_name(m, pos) || pos + 4 > m.size()) return Found::kMalformed;
    pos += 4;
  }
  std::size_t last = 0;
  std::uint16_t last_type = 0;
  for (unsigned i = 0; i < rrs; ++i) {
    last = pos;
    if (!skip_name(m, pos) || pos + 10 > m.size()) return Found::kMalformed;
    last_type = get16(m, pos);
    const std::size_t rdlength = get16(m, pos + 8);
    pos += 10 + rdlength;
    if (pos > m.size()) return Found::kMalformed;
    if (last_type == kTypeTsig && (i + 1 != rrs || ar == 0)) return Found::kMalformed;
  }
  if (pos != m.size()) return Found::kMalformed;
  if (rrs == 0 || last_type != kTypeTsig) return Found::kNone;

  // RDATA: algorithm name, time signed (6), fudge (2), MAC size (2), MAC,
  // original ID (2), error (2), other len (2), other data.
  r.start = last;
  pos = last;
  if (!read_name(m, pos, r.owner)) return Found::kMalformed;
  // CLASS ANY and TTL 0 (RFC 8945 §4.2): the MAC covers neither as sent.
  if (get16(m, pos + 2) != kClassAny || get16(m, pos + 4) != 0 || get16(m, pos + 6) != 0) {
    return Found::kMalformed;
  }
  const std::size_t end = pos + 10 + get16(m, pos + 8);
  pos += 10;
  if (!read_name(m, pos, r.algorithm) || pos + 10 > end) return Found::kMalformed;
  r.time_signed = 0;
  for (int i = 0; i < 6; ++i) r.time_signed = r.time_signed << 8 | m[pos + i];
  r.fudge = get16(m, pos + 6);
  const std::size_t mac_size = get16(m, pos + 8);
  pos += 10;
  if (pos + mac_size + 6 > end) return Found::kMalformed;
  r.mac = m.subspan(pos, mac_size);
  pos += mac_size;
  r.original_id = get16(m, pos);
  r.error = get16(m, pos + 2);
  const std::size_t other_size = get16(m, pos + 4);
  pos += 6;
  if (pos + other_size != end) return Found::kMalformed;
  r.other = m.subspan(pos, other_size);
  return Found::kTsig;
}

// The message as the MAC sees it (message* in tsig.hpp): the original ID,
// the header's flags and counts with ARCOUNT `arcount`, the body up to `end`.
void digest_message(HmacState& h, std::span<const std::uint8_t> m, std::size_t end,
                    std::uint16_t original_id, std::uint16_t arcount) {
  h.update16(original_id);
  h.update(m.subspan(2, 8));
  h.update16(arcount);
  h.update(m.subspan(kHeaderSize, end - kHeaderSize));
}

// The TSIG variables of a first message (RFC 8945 §4.3.3).
void digest_variables(HmacState& h, const TsigKey& key, std::uint64_t time_signed,
                      std::uint16_t fudge, std::uint16_t error,
                      std::span<const std::uint8_t> other) {
  h.update(key.name_wire);
  h.update16(kClassAny);
  h.update16(0);  // TTL, 32 bits
  h.update16(0);
  h.update(algorithm_wire(key.algorithm));
  h.update_time(time_signed);
  h.update16(fudge);
  h.update16(error);
  h.update16(static_cast<std::uint16_t>(other.size()));
  h.update(other);
}

// Later messages of a stream: the timers only (RFC 8945 §4.3.1).
void digest_timers(HmacState& h, std::uint64_t time_signed, std::uint16_t fudge) {
  h.update_time(time_signed);
  h.update16(fudge);
}

// Appends the TSIG RR and counts it in ARCOUNT (the caller checked room).
void append_tsig(std::vector<std::uint8_t>& m, const TsigKey& key, std::uint64_t time_signed,
                 std::uint16_t fudge, std::span<const std::uint8_t> mac, std::uint16_t original_id,
                 std::uint16_t error, std::span<const std::uint8_t> other) {
  const std::vector<std::uint8_t> algorithm = algorithm_wire(key.algorithm);
  m.insert(m.end(), key.name_wire.begin(), key.name_wire.end());
  append16(m, kTypeTsig);
  append16(m, kClassAny);
  append16(m, 0);  // TTL
  append16(m, 0);
  const std::size_t rdlength = algorithm.size() + 10 + mac.size() + 6 + other.size();
  append16(m, static_cast<std::uint16_t>(rdlength));
  m.insert(m.end(), algorithm.begin(), algorithm.end());
  for (int i = 0; i < 6; ++i) m.push_back(static_cast<std::uint8_t>(time_signed >> (40 - 8 * i)));
  append16(m, fudge);
  append16(m, static_cast<std::uint16_t>(mac.size()));
  m.insert(m.end(), mac.begin(), mac.end());
  append16(m, original_id);
  append16(m, error);
  append16(m, static_cast<std::uint16_t>(other.size()));
  m.insert(m.end(), other.begin(), other.end());
  put16(m.data() + 10, static_cast<std::uint16_t>(get16(m, 10) + 1));
}

bool can_sign(const std::vector<std::uint8_t>& m) {
  return m.size() >= kHeaderSize && get16(m, 10) != 0xffff;
}

// The peer's complaint in a TSIG's error field.
TsigError peer_error_of(std::uint16_t error) {
  switch (error) {
    case 16:
      return TsigError::kBadSig;
    case 17:
      return TsigError::kBadKey;
    case 18:
      return TsigError::kBadTime;
    case 22:
      return TsigError::kBadTrunc;
    default:
      return TsigError::kFormErr;
  }
}

bool key_matches(const TsigKey& key, const TsigRecord& r) {
  return key.name_wire == r.owner && algorithm_wire(key.algorithm) == r.algorithm;
}

// The checks after the key is known (RFC 8945 §5.2.2, §5.2.3): MAC size,
// MAC, truncation, time. `computed` is the full MAC over the digest.
TsigError check_mac_and_time(const TsigKey& key, const TsigRecord& r,
                             const std::vector<std::uint8_t>& computed, std::uint64_t now) {
  const std::size_t full = tsig_mac_size(key.algorithm);
  // Shorter than half the hash or 10 octets is never valid (RFC 8945 §5.2.2.1).
  if (r.mac.size() > full || r.mac.size() < std::max<std::size_t>(10, full / 2))
    return TsigError::kFormErr;
  if (computed.size() != full || CRYPTO_memcmp(computed.data(), r.mac.data(), r.mac.size()) != 0) {
    return TsigError::kBadSig;
  }
  if (r.mac.size() < full) return TsigError::kBadTrunc;
  const std::uint64_t skew = r.time_signed > now ? r.time_signed - now : now - r.time_signed;
  if (skew > r.fudge) return TsigError::kBadTime;
  return TsigError::kOk;
}

}  // namespace

// ---------------------------------------------------------------------------

std::optional<TsigAlgorithm> tsig_algorithm_from_text(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  for (std::size_t i = 0; i < kAlgorithms.size(); ++i) {
    const std::string_view t = kAlgorithms[i].text;
    if (t.size() == text.size() && std::equal(t.begin(), t.end(), text.begin(), [](char a, char b) {
          return a == static_cast<char>(to_lower(static_cast<std::uint8_t>(b)));
        })) {
      return static_cast<TsigAlgorithm>(i);
    }
  }
  return std::nullopt;
}

std::string_view tsig_algorithm_text(TsigAlgorithm a) {
  return info(a).text;
}

std::size_t tsig_mac_size(TsigAlgorithm a) {
  return info(a).mac_size;
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t group = 0;
  unsigned in_group = 0, padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      v = 0;
    if (v < 0) return std::nullopt;
    if (c == '=') {
      // Only the last one or two characters of the last group.
      if (in_group < 2) return std::nullopt;
      ++padding;
    } else if (padding > 0) {
      return std::nullopt;  // data after padding
    }
    group = group << 6 | static_cast<std::uint32_t>(v);
    if (++in_group == 4) {
      out.push_back(static_cast<std::uint8_t>(group >> 16));
      if (padding < 2) out.push_back(static_cast<std::uint8_t>(group >> 8));
      if (padding < 1) out.push_back(static_cast<std::uint8_t>(group));
      group = 0;
      in_group = 0;
      if (padding > 0) padding = 3;  // nothing may follow a padded group
    }
  }
  if (in_group != 0) return std::nullopt;
  return out;
}

std::optional<TsigKey> make_tsig_key(std::string_view name, std::string_view algorithm,
                                     std::string_view base64_secret, std::string& error) {
  TsigKey key;
  std::string wire;
  if (name.empty() || !text_to_wire(name, wire)) {
    error = "TSIG key name '" + std::string(name) + "' is not a valid domain name";
    return std::nullopt;
  }
  for (char& c : wire) c = static_cast<char>(to_lower(static_cast<std::uint8_t>(c)));
  key.name_wire.assign(wire.begin(), wire.end());
  key.name = wire_to_text(key.name_wire.data());
  const std::optional<TsigAlgorithm> a = tsig_algorithm_from_text(algorithm);
  if (!a) {
    error = "TSIG key '" + key.name + "': unknown algorithm '" + std::string(algorithm) +
            "' (hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512)";
    return std::nullopt;
  }
  key.algorithm = *a;
  std::optional<std::vector<std::uint8_t>> secret = decode_base64(base64_secret);
  if (!secret) {
    error = "TSIG key '" + key.name + "': the secret is not valid base64";
    return std::nullopt;
  }
  if (secret->empty()) {
    error = "TSIG key '" + key.name + "': the secret is empty";
    return std::nullopt;
  }
  key.secret = std::move(*secret);
  return key;
}

std::string_view tsig_error_text(TsigError e) {
  switch (e) {
    case TsigError::kOk:
      return "ok";
    case TsigError::kUnsigned:
      return "message not signed (no TSIG record)";
    case TsigError::kFormErr:
      return "malformed message or TSIG record";
    case TsigError::kBadKey:
      return "unknown TSIG key or algorithm (BADKEY)";
    case TsigError::kBadSig:
      return "TSIG signature does not verify (BADSIG)";
    case TsigError::kBadTime:
      return "TSIG time signed outside the fudge (BADTIME)";
    case TsigError::kBadTrunc:
      return "truncated TSIG MAC (BADTRUNC)";
  }
  return "unknown TSIG error";
}

std::uint16_t tsig_error_code(TsigError e) {
  switch (e) {
    case TsigError::kOk:
    case TsigError::kUnsigned:
      return 0;
    case TsigError::kFormErr:
      return 1;
    case TsigError::kBadSig:
      return 16;
    case TsigError::kBadKey:
      return 17;
    case TsigError::kBadTime:
      return 18;
    case TsigError::kBadTrunc:
      return 22;
  }
  return 0;
}

std::vector<std::uint8_t> tsig_sign(std::vector<std::uint8_t>& message, const TsigKey& key,
                                    std::uint64_t now, std::span<const std::uint8_t> request_mac,
                                    const TsigSignOptions& options) {
  if (!can_sign(message)) return {};
  const std::uint16_t original_id = options.original_id.value_or(get16(message, 0));
  const std::uint64_t time_signed = now & 0xffff'ffff'ffffull;
  HmacState h(key);
  if (!request_mac.empty()) h.update_mac(request_mac);
  digest_message(h, message, message.size(), original_id, get16(message, 10));
  digest_variables(h, key, time_signed, options.fudge, options.error, options.other);
  std::vector<std::uint8_t> mac = h.final();
  if (mac.empty()) return {};
  append_tsig(message, key, time_signed, options.fudge, mac, original_id, options.error,
              options.other);
  return mac;
}

TsigError tsig_verify_request(std::span<const std::uint8_t> message, std::span<const TsigKey> keys,
                              std::uint64_t now, const TsigKey** key_used,
                              std::vector<std::uint8_t>* mac_out) {
  if (key_used != nullptr) *key_used = nullptr;
  TsigRecord r;
  switch (find_tsig(message, r)) {
    case Found::kNone:
      return TsigError::kUnsigned;
    case Found::kMalformed:
      return TsigError::kFormErr;
    case Found::kTsig:
      break;
  }
  const auto key =
      std::find_if(keys.begin(), keys.end(), [&](const TsigKey& k) { return key_matches(k, r); });
  if (key == keys.end()) return TsigError::kBadKey;
  if (key_used != nullptr) *key_used = &*key;
  HmacState h(*key);
  digest_message(h, message, r.start, r.original_id,
                 static_cast<std::uint16_t>(get16(message, 10) - 1));
  digest_variables(h, *key, r.time_signed, r.fudge, r.error, r.other);
  const TsigError e = check_mac_and_time(*key, r, h.final(), now);
  if (e == TsigError::kOk && mac_out != nullptr) mac_out->assign(r.mac.begin(), r.mac.end());
  return e;
}

std::size_t tsig_strip(std::span<std::uint8_t> message) {
  TsigRecord r;
  if (find_tsig(message, r) != Found::kTsig) return message.size();
  put16(message.data() + 10, static_cast<std::uint16_t>(get16(message, 10) - 1));
  return r.start;
}

// ---------------------------------------------------------------------------

TsigStreamVerifier::TsigStreamVerifier(const TsigKey& key,
                                       std::span<const std::uint8_t> request_mac)
    : key_(key), prior_mac_(request_mac.begin(), request_mac.end()) {}

TsigStreamVerifier::~TsigStreamVerifier() = default;

TsigError TsigStreamVerifier::verify(std::span<const std::uint8_t> message, std::uint64_t now) {
  if (failed_ != TsigError::kOk) return failed_;
  const auto fail = [this](TsigError e) {
    failed_ = e;
    return e;
  };
  TsigRecord r;
  const Found found = find_tsig(message, r);
  if (found == Found::kMalformed) return fail(TsigError::kFormErr);
  if (found == Found::kNone) {
    if (first_ || unsigned_in_row_ >= kMaxUnsigned) return fail(TsigError::kUnsigned);
    running_->update(message);  // as received (RFC 8945 §5.3.1)
    ++unsigned_in_row_;
    return TsigError::kOk;
  }
  peer_error_ = r.error;
  if (r.error != 0) return fail(peer_error_of(r.error));
  if (!key_matches(key_, r)) return fail(TsigError::kBadKey);

  std::unique_ptr<HmacState> fresh;
  HmacState* h = running_.get();
  if (first_) {
    fresh = std::make_unique<HmacState>(key_);
    h = fresh.get();
    if (!prior_mac_.empty()) h->update_mac(prior_mac_);
  }
  digest_message(*h, message, r.start, r.original_id,
                 static_cast<std::uint16_t>(get16(message, 10) - 1));
  if (first_) {
    digest_variables(*h, key_, r.time_signed, r.fudge, r.error, r.other);
  } else {
    digest_timers(*h, r.time_signed, r.fudge);
  }
  const TsigError e = check_mac_and_time(key_, r, h->final(), now);
  if (e != TsigError::kOk) return fail(e);

  prior_mac_.assign(r.mac.begin(), r.mac.end());
  running_ = std::make_unique<HmacState>(key_);
  running_->update_mac(prior_mac_);
  unsigned_in_row_ = 0;
  first_ = false;
  return TsigError::kOk;
}

bool TsigStreamVerifier::finish() const noexcept {
  return failed_ == TsigError::kOk && !first_ && unsigned_in_row_ == 0;
}

TsigStreamSigner::TsigStreamSigner(const TsigKey& key, std::span<const std::uint8_t> request_mac)
    : key_(key), prior_mac_(request_mac.begin(), request_mac.end()) {}

TsigStreamSigner::~TsigStreamSigner() = default;

std::vector<std::uint8_t> TsigStreamSigner::sign(std::vector<std::uint8_t>& message,
                                                 std::uint64_t now) {
  if (!can_sign(message)) return {};
  std::vector<std::uint8_t> mac;
  if (first_) {
    mac = tsig_sign(message, key_, now, prior_mac_);
  } else {
    const std::uint64_t time_signed = now & 0xffff'ffff'ffffull;
    const std::uint16_t id = get16(message, 0);
    digest_message(*running_, message, message.size(), id, get16(message, 10));
    digest_timers(*running_, time_signed, kTsigFudge);
    mac = running_->final();
    if (!mac.empty()) append_tsig(message, key_, time_signed, kTsigFudge, mac, id, 0, {});
  }
  if (mac.empty()) return {};
  prior_mac_ = mac;
  running_ = std::make_unique<HmacState>(key_);
  running_->update_mac(prior_mac_);
  first_ = false;
  return mac;
}

void TsigStreamSigner::skip(std::span<const std::uint8_t> message) {
  if (!first_) running_->update(message);
}

}  // namespace canon::zones
