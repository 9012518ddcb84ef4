// TSIG (tsig.hpp) against messages signed by dnspython, an independent
// implementation: tsig_vectors.hpp, written by tsig_vectors.py (the key,
// the times and how each message was made are there).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/zones/tsig_vectors.hpp"
#include "zones/tsig.hpp"

namespace canon::zones {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace v = tsig_vectors;

constexpr std::string_view kSecret = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
constexpr std::uint64_t kQueryTime = v::kTime;
constexpr std::uint64_t kAnswerTime = v::kTime + 1;
constexpr std::uint64_t kStreamTime = v::kTime + 10;

TsigKey key(std::string_view algorithm, std::string_view name = "edge-key.",
            std::string_view secret = kSecret) {
  std::string error;
  std::optional<TsigKey> k = make_tsig_key(name, algorithm, secret, error);
  EXPECT_TRUE(k) << error;
  return k ? *k : TsigKey{};
}

// The MAC of a message dnspython signed: its TSIG RR's MAC field.
Bytes mac_of(const Bytes& signed_message) {
  Bytes copy = signed_message;
  const std::size_t start = tsig_strip(copy);
  // owner, type/class/TTL/rdlength (10), algorithm, time (6), fudge (2), MAC size
  std::size_t pos = start + 10 + 10;
  pos += copy[pos] + 2u;  // one-label algorithm name and its root
  pos += 8;
  const std::size_t size = static_cast<std::size_t>(copy[pos] << 8 | copy[pos + 1]);
  return Bytes(copy.begin() + static_cast<std::ptrdiff_t>(pos + 2),
               copy.begin() + static_cast<std::ptrdiff_t>(pos + 2 + size));
}

struct Vectors {
  std::string_view algorithm;
  const Bytes& query_plain;
  const Bytes& query;
  const Bytes& answer_plain;
  const Bytes& answer;
  const Bytes& xfr_request;
  const Bytes* xfr_plain[3];
  const Bytes* xfr[3];
  const Bytes& unsigned_middle1;
  const Bytes& unsigned_middle2;
};

const Vectors kAll[] = {
    {"hmac-sha256",
     v::kSha256QueryPlain,
     v::kSha256Query,
     v::kSha256AnswerPlain,
     v::kSha256Answer,
     v::kSha256XfrRequest,
     {&v::kSha256XfrPlain0, &v::kSha256XfrPlain1, &v::kSha256XfrPlain2},
     {&v::kSha256Xfr0, &v::kSha256Xfr1, &v::kSha256Xfr2},
     v::kSha256XfrUnsignedMiddle1,
     v::kSha256XfrUnsignedMiddle2},
    {"hmac-sha1",
     v::kSha1QueryPlain,
     v::kSha1Query,
     v::kSha1AnswerPlain,
     v::kSha1Answer,
     v::kSha1XfrRequest,
     {&v::kSha1XfrPlain0, &v::kSha1XfrPlain1, &v::kSha1XfrPlain2},
     {&v::kSha1Xfr0, &v::kSha1Xfr1, &v::kSha1Xfr2},
     v::kSha1XfrUnsignedMiddle1,
     v::kSha1XfrUnsignedMiddle2},
    {"hmac-sha512",
     v::kSha512QueryPlain,
     v::kSha512Query,
     v::kSha512AnswerPlain,
     v::kSha512Answer,
     v::kSha512XfrRequest,
     {&v::kSha512XfrPlain0, &v::kSha512XfrPlain1, &v::kSha512XfrPlain2},
     {&v::kSha512Xfr0, &v::kSha512Xfr1, &v::kSha512Xfr2},
     v::kSha512XfrUnsignedMiddle1,
     v::kSha512XfrUnsignedMiddle2},
};

class Tsig : public ::testing::TestWithParam<const Vectors*> {};

INSTANTIATE_TEST_SUITE_P(Algorithms, Tsig, ::testing::Values(&kAll[0], &kAll[1], &kAll[2]),
                         [](const auto& param_info) {
                           std::string n(param_info.param->algorithm);
                           n.erase(n.find('-'), 1);
                           return n;
                         });

TEST_P(Tsig, VerifiesDnspythonsSignedQuery) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  const TsigKey other = key("hmac-sha256", "other-key.");
  const TsigKey keys[] = {other, k};
  const TsigKey* used = nullptr;
  Bytes mac;
  EXPECT_EQ(tsig_verify_request(t.query, keys, kQueryTime, &used, &mac), TsigError::kOk);
  EXPECT_EQ(used, &keys[1]);
  EXPECT_EQ(mac, mac_of(t.query));
  EXPECT_EQ(mac.size(), tsig_mac_size(k.algorithm));
}

TEST_P(Tsig, SignsTheSameBytesAsDnspython) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  Bytes query = t.query_plain;
  const Bytes query_mac = tsig_sign(query, k, kQueryTime);
  EXPECT_EQ(query, t.query);
  EXPECT_EQ(query_mac, mac_of(t.query));

  Bytes answer = t.answer_plain;
  const Bytes answer_mac = tsig_sign(answer, k, kAnswerTime, query_mac);
  EXPECT_EQ(answer, t.answer);
  EXPECT_EQ(answer_mac, mac_of(t.answer));
}

TEST_P(Tsig, VerifiesDnspythonsSignedAnswer) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.query));
  EXPECT_EQ(verifier.verify(t.answer, kAnswerTime), TsigError::kOk);
  EXPECT_TRUE(verifier.finish());

  // Against another request's MAC it does not verify.
  TsigStreamVerifier wrong(k, mac_of(t.xfr_request));
  EXPECT_EQ(wrong.verify(t.answer, kAnswerTime), TsigError::kBadSig);
  EXPECT_FALSE(wrong.finish());
}

TEST_P(Tsig, VerifiesAStreamEveryMessageSigned) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(verifier.verify(*t.xfr[i], kStreamTime + i), TsigError::kOk) << i;
  EXPECT_TRUE(verifier.finish());
}

TEST_P(Tsig, VerifiesAStreamWithAnUnsignedMiddle) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr[0], kStreamTime), TsigError::kOk);
  EXPECT_EQ(verifier.verify(t.unsigned_middle1, kStreamTime + 1), TsigError::kOk);
  EXPECT_FALSE(verifier.finish());  // the middle is not authenticated yet
  EXPECT_EQ(verifier.verify(t.unsigned_middle2, kStreamTime + 2), TsigError::kOk);
  EXPECT_TRUE(verifier.finish());
}

TEST_P(Tsig, StreamSignerMatchesDnspython) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamSigner signer(k, mac_of(t.xfr_request));
  for (int i = 0; i < 3; ++i) {
    Bytes m = *t.xfr_plain[i];
    EXPECT_EQ(signer.sign(m, kStreamTime + i), mac_of(*t.xfr[i])) << i;
    EXPECT_EQ(m, *t.xfr[i]) << i;
  }

  TsigStreamSigner skipping(k, mac_of(t.xfr_request));
  Bytes first = *t.xfr_plain[0];
  skipping.sign(first, kStreamTime);
  skipping.skip(*t.xfr_plain[1]);
  Bytes last = *t.xfr_plain[2];
  skipping.sign(last, kStreamTime + 2);
  EXPECT_EQ(last, t.unsigned_middle2);
}

TEST_P(Tsig, WrongSecretIsBadSig) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm, "edge-key.", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  const TsigKey* used = nullptr;
  EXPECT_EQ(tsig_verify_request(t.query, std::span(&k, 1), kQueryTime, &used, nullptr),
            TsigError::kBadSig);
  EXPECT_EQ(used, &k);

  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr[0], kStreamTime), TsigError::kBadSig);
  EXPECT_EQ(verifier.verify(*t.xfr[1], kStreamTime + 1), TsigError::kBadSig);  // stays failed
  EXPECT_FALSE(verifier.finish());
}

TEST_P(Tsig, WrongKeyNameOrAlgorithmIsBadKey) {
  const Vectors& t = *GetParam();
  const TsigKey wrong_name = key(t.algorithm, "core-key.");
  const TsigKey wrong_algorithm = key(t.algorithm == "hmac-sha384" ? "hmac-sha256" : "hmac-sha384");
  const TsigKey keys[] = {wrong_name, wrong_algorithm};
  const TsigKey* used = &keys[0];
  EXPECT_EQ(tsig_verify_request(t.query, keys, kQueryTime, &used, nullptr), TsigError::kBadKey);
  EXPECT_EQ(used, nullptr);
  EXPECT_EQ(tsig_verify_request(t.query, {}, kQueryTime, nullptr, nullptr), TsigError::kBadKey);

  TsigStreamVerifier verifier(wrong_name, mac_of(t.query));
  EXPECT_EQ(verifier.verify(t.answer, kAnswerTime), TsigError::kBadKey);
}

TEST_P(Tsig, KeyNamesCompareWithoutCase) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm, "EDGE-Key");
  EXPECT_EQ(k.name, "edge-key.");
  EXPECT_EQ(tsig_verify_request(t.query, std::span(&k, 1), kQueryTime, nullptr, nullptr),
            TsigError::kOk);
}

TEST_P(Tsig, TimeOutsideTheFudgeIsBadTime) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  const auto at = [&](std::uint64_t now) {
    return tsig_verify_request(t.query, std::span(&k, 1), now, nullptr, nullptr);
  };
  EXPECT_EQ(at(kQueryTime + 300), TsigError::kOk);
  EXPECT_EQ(at(kQueryTime - 300), TsigError::kOk);
  EXPECT_EQ(at(kQueryTime + 301), TsigError::kBadTime);
  EXPECT_EQ(at(kQueryTime - 301), TsigError::kBadTime);
  EXPECT_EQ(at(0), TsigError::kBadTime);

  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr[0], kStreamTime), TsigError::kOk);
  EXPECT_EQ(verifier.verify(*t.xfr[1], kStreamTime + 1000), TsigError::kBadTime);
  EXPECT_FALSE(verifier.finish());
}

TEST_P(Tsig, UnsignedWhereRequiredIsUnsigned) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  EXPECT_EQ(tsig_verify_request(t.query_plain, std::span(&k, 1), kQueryTime, nullptr, nullptr),
            TsigError::kUnsigned);

  TsigStreamVerifier answer(k, mac_of(t.query));
  EXPECT_EQ(answer.verify(t.answer_plain, kAnswerTime), TsigError::kUnsigned);
  EXPECT_FALSE(answer.finish());
}

TEST_P(Tsig, StreamWhoseFirstMessageIsUnsignedFails) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr_plain[0], kStreamTime), TsigError::kUnsigned);
  EXPECT_EQ(verifier.verify(*t.xfr[1], kStreamTime + 1), TsigError::kUnsigned);
  EXPECT_FALSE(verifier.finish());
}

TEST_P(Tsig, StreamEndingUnsignedDoesNotFinish) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr[0], kStreamTime), TsigError::kOk);
  EXPECT_EQ(verifier.verify(*t.xfr[1], kStreamTime + 1), TsigError::kOk);
  EXPECT_TRUE(verifier.finish());
  EXPECT_EQ(verifier.verify(*t.xfr_plain[2], kStreamTime + 2), TsigError::kOk);
  EXPECT_FALSE(verifier.finish());
}

TEST_P(Tsig, StreamOfSignedMessagesOutOfOrderIsBadSig) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  TsigStreamVerifier verifier(k, mac_of(t.xfr_request));
  EXPECT_EQ(verifier.verify(*t.xfr[0], kStreamTime), TsigError::kOk);
  EXPECT_EQ(verifier.verify(*t.xfr[2], kStreamTime + 2), TsigError::kBadSig);
}

TEST_P(Tsig, StripLeavesTheUnsignedMessage) {
  const Vectors& t = *GetParam();
  Bytes m = t.answer;
  m.resize(tsig_strip(m));
  EXPECT_EQ(m, t.answer_plain);
  EXPECT_EQ(tsig_strip(m), m.size());  // nothing left to strip
}

// Every truncation and every single-octet change of a signed message is an
// error (most kFormErr, some kBadSig, kBadKey or kUnsigned), never kOk and
// never a read outside the message (ASan build).
TEST_P(Tsig, DamagedMessagesAreRejected) {
  const Vectors& t = *GetParam();
  const TsigKey k = key(t.algorithm);
  for (std::size_t n = 0; n < t.query.size(); ++n) {
    const Bytes cut(t.query.begin(), t.query.begin() + static_cast<std::ptrdiff_t>(n));
    const TsigError e = tsig_verify_request(cut, std::span(&k, 1), kQueryTime, nullptr, nullptr);
    EXPECT_NE(e, TsigError::kOk) << n;
    TsigStreamVerifier verifier(k, {});
    EXPECT_NE(verifier.verify(cut, kQueryTime), TsigError::kOk) << n;
    Bytes strip = cut;
    EXPECT_LE(tsig_strip(strip), strip.size());
  }
  for (std::size_t i = 2; i < t.query.size(); ++i) {  // the ID is not signed: the original ID is
    for (const std::uint8_t x : {0x01, 0x80, 0xff}) {
      Bytes m = t.query;
      m[i] ^= x;
      const TsigError e = tsig_verify_request(m, std::span(&k, 1), kQueryTime, nullptr, nullptr);
      // The case bit of a key name's letter (0x20) is not flipped here.
      EXPECT_NE(e, TsigError::kOk) << i << " ^ " << int(x);
    }
  }
}

// Hand-made TSIG RRs whose fields disagree with their lengths.
TEST(TsigFormErr, GarbledTsigRecords) {
  const TsigKey k = key("hmac-sha256");
  Bytes good = tsig_vectors::kSha256QueryPlain;
  tsig_sign(good, k, kQueryTime);
  const std::size_t start = tsig_vectors::kSha256QueryPlain.size();
  const std::size_t rdlength_at = start + 10 + 8;
  const auto check = [&](Bytes m, const char* what) {
    EXPECT_EQ(tsig_verify_request(m, std::span(&k, 1), kQueryTime, nullptr, nullptr),
              TsigError::kFormErr)
        << what;
    TsigStreamVerifier verifier(k, {});
    EXPECT_EQ(verifier.verify(m, kQueryTime), TsigError::kFormErr) << what;
  };
  {
    Bytes m = good;
    m.push_back(0);
    check(m, "a trailing octet");
  }
  {
    Bytes m = good;  // RDLENGTH one more, an octet more at the end: other len no longer matches
    ++m[rdlength_at + 1];
    m.push_back(0);
    check(m, "rdlength longer than the fields");
  }
  {
    Bytes m = good;  // MAC size larger than the RDATA
    const std::size_t mac_size_at = rdlength_at + 2 + 13 + 8;
    m[mac_size_at] = 0x10;
    check(m, "MAC size past the end");
  }
  {
    Bytes m = good;  // TTL 1 instead of 0
    m[start + 10 + 7] = 1;
    check(m, "TTL 1");
  }
  {
    Bytes m = good;  // class IN instead of ANY
    m[start + 10 + 3] = 1;
    check(m, "class IN");
  }
  {
    Bytes m = good;  // ARCOUNT 2: the TSIG RR is not the last additional RR
    m[11] = 2;
    check(m, "ARCOUNT past the TSIG");
  }
  {
    Bytes m = good;  // owner name as a pointer to itself
    m[start] = 0xc0;
    m[start + 1] = static_cast<std::uint8_t>(start);
    check(m, "self pointer");
  }
  {
    // A TSIG moved to the answer section (ANCOUNT 1, ARCOUNT 0).
    Bytes m = good;
    m[7] = 1;
    m[11] = 0;
    check(m, "TSIG in the answer section");
  }
  {
    // A MAC of 8 octets (below 10 and half the hash), RDATA consistent.
    Bytes m = tsig_vectors::kSha256QueryPlain;
    m[11] = 1;
    const Bytes alg{11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '2', '5', '6', 0};
    m.insert(m.end(), k.name_wire.begin(), k.name_wire.end());
    for (const std::uint8_t b : {0, 250, 0, 255, 0, 0, 0, 0, 0, 13 + 10 + 8 + 6}) m.push_back(b);
    m.insert(m.end(), alg.begin(), alg.end());
    for (const std::uint8_t b : {0, 0, 0x65, 0x53, 0xf1, 0x00, 0x01, 0x2c, 0, 8}) m.push_back(b);
    m.insert(m.end(), 8, 0xaa);
    for (const std::uint8_t b : {0x12, 0x34, 0, 0, 0, 0}) m.push_back(b);
    check(m, "short MAC");
    // Truncated to 16 of 32 octets: well formed, MAC wrong first (BADSIG).
    Bytes t16 = m;
    t16[t16.size() - 8 - 6 - 1] = 16;
    t16[start + 10 + 9] = 13 + 10 + 16 + 6;
    t16.insert(t16.end() - 6, 8, 0xaa);
    EXPECT_EQ(tsig_verify_request(t16, std::span(&k, 1), kQueryTime, nullptr, nullptr),
              TsigError::kBadSig);
  }
}

// A truncated MAC that is right in its first 16 octets: canon asks for full MACs.
TEST(TsigTruncation, CorrectTruncatedMacIsBadTrunc) {
  const TsigKey k = key("hmac-sha256");
  Bytes m = tsig_vectors::kSha256QueryPlain;
  tsig_sign(m, k, kQueryTime);
  const std::size_t start = tsig_vectors::kSha256QueryPlain.size();
  const std::size_t mac_size_at = start + 10 + 10 + 13 + 8;
  ASSERT_EQ(m[mac_size_at + 1], 32);
  m[mac_size_at + 1] = 16;
  m.erase(m.begin() + static_cast<std::ptrdiff_t>(mac_size_at + 2 + 16),
          m.begin() + static_cast<std::ptrdiff_t>(mac_size_at + 2 + 32));
  m[start + 10 + 9] = static_cast<std::uint8_t>(m[start + 10 + 9] - 16);
  EXPECT_EQ(tsig_verify_request(m, std::span(&k, 1), kQueryTime, nullptr, nullptr),
            TsigError::kBadTrunc);
}

// An answer carrying the peer's complaint (error field BADKEY, no MAC).
TEST(TsigPeerError, ErrorFieldIsReported) {
  const TsigKey k = key("hmac-sha256");
  for (const auto& [code, expected] :
       {std::pair{16, TsigError::kBadSig}, std::pair{17, TsigError::kBadKey},
        std::pair{18, TsigError::kBadTime}}) {
    Bytes m = tsig_vectors::kSha256AnswerPlain;
    TsigSignOptions o;
    o.error = static_cast<std::uint16_t>(code);
    tsig_sign(m, k, kAnswerTime, mac_of(tsig_vectors::kSha256Query), o);
    TsigStreamVerifier verifier(k, mac_of(tsig_vectors::kSha256Query));
    EXPECT_EQ(verifier.verify(m, kAnswerTime), expected) << code;
    EXPECT_EQ(verifier.peer_error(), code);
    EXPECT_FALSE(verifier.finish());
  }
}

TEST(TsigStream, AtMost99UnsignedInARow) {
  const TsigKey k = key("hmac-sha256");
  const Bytes request_mac(32, 7);
  TsigStreamSigner signer(k, request_mac);
  TsigStreamVerifier verifier(k, request_mac);
  Bytes first = tsig_vectors::kSha256XfrPlain0;
  signer.sign(first, kStreamTime);
  EXPECT_EQ(verifier.verify(first, kStreamTime), TsigError::kOk);
  for (unsigned i = 0; i < 99; ++i) {
    signer.skip(tsig_vectors::kSha256XfrPlain1);
    EXPECT_EQ(verifier.verify(tsig_vectors::kSha256XfrPlain1, kStreamTime), TsigError::kOk) << i;
  }
  Bytes last = tsig_vectors::kSha256XfrPlain2;
  signer.sign(last, kStreamTime);
  TsigStreamVerifier too_many(k, request_mac);
  EXPECT_EQ(verifier.verify(last, kStreamTime), TsigError::kOk);
  EXPECT_TRUE(verifier.finish());

  EXPECT_EQ(too_many.verify(first, kStreamTime), TsigError::kOk);
  for (unsigned i = 0; i < 99; ++i)
    (void)too_many.verify(tsig_vectors::kSha256XfrPlain1, kStreamTime);
  EXPECT_EQ(too_many.verify(tsig_vectors::kSha256XfrPlain1, kStreamTime), TsigError::kUnsigned);
  EXPECT_FALSE(too_many.finish());
}

TEST(TsigSign, OriginalIdAndRefusals) {
  const TsigKey k = key("hmac-sha256");
  // A forwarded message keeps the ID it was signed with (RFC 8945 §4.3.2).
  Bytes m = tsig_vectors::kSha256QueryPlain;
  TsigSignOptions o;
  o.original_id = 0x1234;
  m[0] = 0x55;
  m[1] = 0x66;
  tsig_sign(m, k, kQueryTime, {}, o);
  EXPECT_EQ(tsig_verify_request(m, std::span(&k, 1), kQueryTime, nullptr, nullptr), TsigError::kOk);
  m[0] = 0x12;
  m[1] = 0x34;
  EXPECT_EQ(Bytes(m.begin(), m.end()), tsig_vectors::kSha256Query);

  Bytes short_message{1, 2, 3};
  EXPECT_TRUE(tsig_sign(short_message, k, kQueryTime).empty());
  EXPECT_EQ(short_message, (Bytes{1, 2, 3}));
  Bytes full(12, 0);
  full[10] = 0xff;
  full[11] = 0xff;
  EXPECT_TRUE(tsig_sign(full, k, kQueryTime).empty());
  EXPECT_EQ(full.size(), 12u);
}

TEST(Base64, DecodesAndRejects) {
  const auto b = [](std::string_view s) { return decode_base64(s); };
  EXPECT_EQ(b(""), Bytes{});
  EXPECT_EQ(b("TWFu"), (Bytes{'M', 'a', 'n'}));
  EXPECT_EQ(b("TWE="), (Bytes{'M', 'a'}));
  EXPECT_EQ(b("TQ=="), (Bytes{'M'}));
  EXPECT_EQ(b(" T W\nF\tu \r\n"), (Bytes{'M', 'a', 'n'}));
  EXPECT_EQ(b("+/+/"), (Bytes{0xfb, 0xff, 0xbf}));
  EXPECT_EQ(b("AAECAwQF BgcI"), (Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_FALSE(b("TWF"));  // not a multiple of 4
  EXPECT_FALSE(b("TQ"));   // padding required
  EXPECT_FALSE(b("TQ="));
  EXPECT_FALSE(b("T==="));  // three pads
  EXPECT_FALSE(b("===="));
  EXPECT_FALSE(b("TQ==TWFu"));  // data after padding
  EXPECT_FALSE(b("TW=u"));      // pad inside a group
  EXPECT_FALSE(b("TWF-"));      // base64url alphabet
  EXPECT_FALSE(b("TWF_"));
  EXPECT_FALSE(b("TWFu!"));
  EXPECT_FALSE(b(std::string_view("TW\0u", 4)));
}

TEST(TsigAlgorithmNames, TextRoundTrips) {
  const std::pair<std::string_view, TsigAlgorithm> all[] = {
      {"hmac-sha1", TsigAlgorithm::kHmacSha1},     {"hmac-sha224", TsigAlgorithm::kHmacSha224},
      {"hmac-sha256", TsigAlgorithm::kHmacSha256}, {"hmac-sha384", TsigAlgorithm::kHmacSha384},
      {"hmac-sha512", TsigAlgorithm::kHmacSha512},
  };
  for (const auto& [text, a] : all) {
    EXPECT_EQ(tsig_algorithm_from_text(text), a);
    EXPECT_EQ(tsig_algorithm_text(a), text);
  }
  EXPECT_EQ(tsig_algorithm_from_text("HMAC-SHA256."), TsigAlgorithm::kHmacSha256);
  EXPECT_EQ(tsig_mac_size(TsigAlgorithm::kHmacSha384), 48u);
  EXPECT_FALSE(tsig_algorithm_from_text("hmac-md5"));
  EXPECT_FALSE(tsig_algorithm_from_text("hmac-md5.sig-alg.reg.int."));
  EXPECT_FALSE(tsig_algorithm_from_text(""));
  EXPECT_FALSE(tsig_algorithm_from_text("hmac-sha256.."));
  EXPECT_FALSE(tsig_algorithm_from_text("sha256"));
}

TEST(MakeTsigKey, ChecksNameAlgorithmAndSecret) {
  std::string error;
  const std::optional<TsigKey> k = make_tsig_key("Edge-Key", "hmac-sha512", kSecret, error);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->name, "edge-key.");
  EXPECT_EQ(k->name_wire, (Bytes{8, 'e', 'd', 'g', 'e', '-', 'k', 'e', 'y', 0}));
  EXPECT_EQ(k->algorithm, TsigAlgorithm::kHmacSha512);
  EXPECT_EQ(k->secret.size(), 32u);

  EXPECT_FALSE(make_tsig_key("", "hmac-sha256", kSecret, error));
  EXPECT_NE(error.find("not a valid domain name"), std::string::npos) << error;
  EXPECT_FALSE(make_tsig_key("a..b", "hmac-sha256", kSecret, error));
  EXPECT_FALSE(make_tsig_key("edge-key", "hmac-md5", kSecret, error));
  EXPECT_NE(error.find("unknown algorithm 'hmac-md5'"), std::string::npos) << error;
  EXPECT_FALSE(make_tsig_key("edge-key", "hmac-sha256", "not base64!", error));
  EXPECT_NE(error.find("not valid base64"), std::string::npos) << error;
  EXPECT_FALSE(make_tsig_key("edge-key", "hmac-sha256", "", error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

TEST(TsigErrorText, EveryErrorHasASentenceAndACode) {
  EXPECT_EQ(tsig_error_text(TsigError::kBadSig), "TSIG signature does not verify (BADSIG)");
  EXPECT_EQ(tsig_error_code(TsigError::kBadSig), 16);
  EXPECT_EQ(tsig_error_code(TsigError::kBadKey), 17);
  EXPECT_EQ(tsig_error_code(TsigError::kBadTime), 18);
  EXPECT_EQ(tsig_error_code(TsigError::kBadTrunc), 22);
  EXPECT_EQ(tsig_error_code(TsigError::kFormErr), 1);
}

}  // namespace
}  // namespace canon::zones
