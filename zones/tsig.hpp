// TSIG (RFC 8945): HMAC-signed DNS messages for zone transfers and NOTIFY.
// Control plane only: these functions allocate, and never throw for bad
// input; a message that cannot be checked is a TsigError, a bad key in the
// configuration is nullopt plus a sentence.
//
// The TSIG RR is the last RR of the additional section:
//
//   NAME   key name, uncompressed          08 e d g e - k e y 00
//   TYPE   TSIG (250), CLASS ANY (255), TTL 0, RDLENGTH
//   RDATA  algorithm name                  0b h m a c - s h a 2 5 6 00
//          time signed (48 bits), fudge (16), MAC size (16), MAC,
//          original ID (16), error (16), other len (16), other data
//
// What the MAC covers (RFC 8945 §4.3), one HMAC over the concatenation:
//
//   a request:            message* + variables
//   an answer:            len(request MAC) + request MAC + message* + variables
//   a later message of a  len(prior MAC) + prior MAC + unsigned messages as
//   multi-message answer: received + message* + time signed + fudge
//
//   message*   the message without the TSIG RR, ARCOUNT one less, ID the
//              TSIG's original ID
//   variables  key name (lower-cased wire), class ANY, TTL 0, algorithm
//              name (lower-cased wire), time signed, fudge, error, other len,
//              other data
//
// After a message verifies, tsig_strip() takes the TSIG RR off it (and
// decrements ARCOUNT), so the caller parses the rest as an unsigned message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace canon::zones {

enum class TsigAlgorithm : std::uint8_t {
  kHmacSha1,
  kHmacSha224,
  kHmacSha256,
  kHmacSha384,
  kHmacSha512
};

// "hmac-sha256" (config text, any case, a trailing dot allowed) → algorithm;
// nullopt when unknown (hmac-md5 is not supported).
[[nodiscard]] std::optional<TsigAlgorithm> tsig_algorithm_from_text(std::string_view text);
[[nodiscard]] std::string_view tsig_algorithm_text(TsigAlgorithm);  // "hmac-sha256"
[[nodiscard]] std::size_t tsig_mac_size(TsigAlgorithm);             // 32 for hmac-sha256

// RFC 4648 base64, standard alphabet, '=' padding required; whitespace
// anywhere is ignored. nullopt on any other character, a length that is not
// a multiple of 4, or padding before the end. "" decodes to no octets.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text);

struct TsigKey {
  std::string name;                     // presentation, absolute ("edge-key.")
  std::vector<std::uint8_t> name_wire;  // lower-cased wire form, used in the MAC
  TsigAlgorithm algorithm = TsigAlgorithm::kHmacSha256;
  std::vector<std::uint8_t> secret;
};

// Builds a key; nullopt + an error sentence when the name, the algorithm or
// the secret (not base64, or empty) is bad.
[[nodiscard]] std::optional<TsigKey> make_tsig_key(std::string_view name,
                                                   std::string_view algorithm,
                                                   std::string_view base64_secret,
                                                   std::string& error);

// kOk: verified (or, in a stream, an unsigned message that may follow).
// kUnsigned: no TSIG where one is required. kFormErr: the message or its
// TSIG RR is malformed. kBadKey: no such key (name + algorithm). kBadSig:
// the MAC does not match. kBadTime: time signed outside now ± fudge.
// kBadTrunc: a truncated MAC (canon's policy: full-length MACs only).
// A TSIG whose error field is BADSIG/BADKEY/BADTIME/BADTRUNC (the peer's
// complaint) is reported as that error.
enum class TsigError : std::uint8_t {
  kOk,
  kUnsigned,
  kFormErr,
  kBadKey,
  kBadSig,
  kBadTime,
  kBadTrunc
};
[[nodiscard]] std::string_view tsig_error_text(TsigError);

// The RCODE-space value RFC 8945 gives an error (BADSIG 16, BADKEY 17,
// BADTIME 18, BADTRUNC 22; FORMERR 1), for the error field of an answer.
[[nodiscard]] std::uint16_t tsig_error_code(TsigError);

inline constexpr std::uint16_t kTsigFudge = 300;  // seconds, RFC 8945 §10 recommends 300

// What a signature says besides the MAC; the defaults sign a request or a
// normal answer. An answer reporting BADTIME carries error 18 and, as other
// data, the server's time (6 octets).
struct TsigSignOptions {
  std::optional<std::uint16_t> original_id;  // nullopt: the message's ID
  std::uint16_t fudge = kTsigFudge;
  std::uint16_t error = 0;
  std::span<const std::uint8_t> other = {};
};

// Signs `message` (a complete DNS message of at least a header, without a
// TSIG): appends the TSIG RR (owner name uncompressed), increments ARCOUNT
// and returns the MAC (a request's MAC is needed to verify its answer).
// With `request_mac` it signs an answer to that request. `now`: unix
// seconds. Returns no octets, and leaves `message` alone, when it is shorter
// than a header or its ARCOUNT is 65535.
std::vector<std::uint8_t> tsig_sign(std::vector<std::uint8_t>& message, const TsigKey& key,
                                    std::uint64_t now,
                                    std::span<const std::uint8_t> request_mac = {},
                                    const TsigSignOptions& options = {});

// The server's side: checks a signed request. Finds the TSIG RR (it must be
// the last RR of the additional section), picks the key by name and
// algorithm, then checks the MAC and the time. kUnsigned when there is no
// TSIG RR. On kOk, `*key_used` is the key and `*mac_out` the request's MAC
// (to sign the answer with); either pointer may be null. `*key_used` is
// set whenever the key was found (kBadSig, kBadTime, kBadTrunc, kFormErr for
// a bad MAC size too: the answer to a BADTIME is signed with it).
[[nodiscard]] TsigError tsig_verify_request(std::span<const std::uint8_t> message,
                                            std::span<const TsigKey> keys, std::uint64_t now,
                                            const TsigKey** key_used,
                                            std::vector<std::uint8_t>* mac_out);

// Takes the TSIG RR off a message in place: decrements ARCOUNT and returns
// the message's new size (where the TSIG RR started). Returns message.size()
// unchanged when the message has no well-formed TSIG RR as its last RR.
std::size_t tsig_strip(std::span<std::uint8_t> message);

class HmacState;  // zones/tsig.cpp: an OpenSSL EVP_MAC context

// The client's side of one request's answers (an AXFR/IXFR answer is many
// TCP messages): verify() each message in order, then finish().
// RFC 8945 §5.3.1: the first message must be signed; up to 99 messages in a
// row may then be unsigned, their octets going into the next signed
// message's MAC; the last message must be signed. An unsigned message that
// may follow returns kOk, but its data is authenticated only by a later
// signed message: apply the transfer only when finish() returns true.
// After an error every call returns that error and finish() returns false.
class TsigStreamVerifier {
 public:
  static constexpr unsigned kMaxUnsigned = 99;

  TsigStreamVerifier(const TsigKey& key, std::span<const std::uint8_t> request_mac);
  ~TsigStreamVerifier();
  TsigStreamVerifier(const TsigStreamVerifier&) = delete;
  TsigStreamVerifier& operator=(const TsigStreamVerifier&) = delete;

  [[nodiscard]] TsigError verify(std::span<const std::uint8_t> message, std::uint64_t now);

  // True when every message verified and the last one was signed.
  [[nodiscard]] bool finish() const noexcept;

  // The error field of the last TSIG RR seen (nonzero: the peer's
  // complaint, which verify() reported as kBadKey/kBadSig/kBadTime/kBadTrunc).
  [[nodiscard]] std::uint16_t peer_error() const noexcept { return peer_error_; }

 private:
  TsigKey key_;                          // a copy: the stream may outlive a reloaded key set
  std::vector<std::uint8_t> prior_mac_;  // the request's MAC, then each signed message's
  std::unique_ptr<HmacState> running_;   // prior MAC + unsigned messages since it
  unsigned unsigned_in_row_ = 0;
  bool first_ = true;
  TsigError failed_ = TsigError::kOk;
  std::uint16_t peer_error_ = 0;
};

// The server's side of a multi-message answer: sign() the first message (as
// tsig_sign with the request MAC), then each later one (prior MAC, message,
// time signed + fudge). A message sent unsigned goes to skip(), whose
// octets the next signed message covers (at most 99 in a row; the last
// message of the answer must be signed).
class TsigStreamSigner {
 public:
  TsigStreamSigner(const TsigKey& key, std::span<const std::uint8_t> request_mac);
  ~TsigStreamSigner();
  TsigStreamSigner(const TsigStreamSigner&) = delete;
  TsigStreamSigner& operator=(const TsigStreamSigner&) = delete;

  // As tsig_sign; returns the MAC (no octets on a malformed message).
  // skip() before the first sign() is ignored: the first message is signed.
  std::vector<std::uint8_t> sign(std::vector<std::uint8_t>& message, std::uint64_t now);
  void skip(std::span<const std::uint8_t> message);

 private:
  TsigKey key_;
  std::vector<std::uint8_t> prior_mac_;
  std::unique_ptr<HmacState> running_;
  bool first_ = true;
};

}  // namespace canon::zones
