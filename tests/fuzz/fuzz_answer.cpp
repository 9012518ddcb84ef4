// libFuzzer target: any bytes as a query → the engine must not crash, and
// whatever it sends must be a well-formed DNS response to that query:
// QR=1, the query's ID, within the buffer and the size limit, and parseable
// to the last byte. Both transports, and the burst path. example.org. is
// signed (DNSKEY, RRSIGs, NSEC; fake signatures), so queries with DO=1
// (seeds signed_*) walk the DNSSEC answer path: RRSIGs beside every set,
// type RRSIG, the signed negative SOA, truncation with signatures, and the
// NSEC denial proofs over a chain that does not close. example.edu. is
// signed with NSEC3 opt-out (seeds nsec3_*): the closest encloser proofs,
// wildcard proofs, the opt-out delegation without an NSEC3 of its own, and
// the NSEC3 owner names (NXDOMAIN as query names).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "tools/dns_text.hpp"
#include "zones/compiler.hpp"

namespace {

// Rich in aliases so inputs reach every branch of the answer walk.
constexpr const char* kZone = R"(
$ORIGIN example.com.
$TTL 300
@        SOA ns hostmaster 1 7200 3600 1209600 60
         NS  ns
         MX  10 mail
ns       A   192.0.2.1
mail     A   192.0.2.2
         AAAA 2001:db8::2
a        CNAME b
b        CNAME c.example.net.
loop1    CNAME loop2
loop2    CNAME loop1
d        DNAME example.net.
long     DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.
*.w      A   192.0.2.3
*.wc     CNAME a
sub      NS  ns.sub
ns.sub   A   192.0.2.4
_s._udp  SRV 0 0 53 ns
big      TXT "0123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "1123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "2123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "3123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "4123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "5123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "6123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "7123456789012345678901234567890123456789012345678901234567890123456789"
)";
constexpr const char* kZoneNet = R"(
$ORIGIN example.net.
$TTL 300
@        SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 60
         NS  ns.example.com.
c        A   198.51.100.1
x        CNAME a.example.com.
)";

// RRSIGs carry the TTL of the set they sign; the compiler keeps one set per
// type covered. Signatures are fake (64 and 256 octets): nothing verifies them.
constexpr const char* kSig64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
std::string signed_zone() {
  std::string sig256;
  for (int i = 0; i < 85; ++i) sig256 += "QUJD";
  sig256 += "Rw==";
  const auto sig = [&](const std::string& owner, const std::string& ttl, const std::string& type,
                       const std::string& labels, const std::string& bytes) {
    return owner + " " + ttl + " RRSIG " + type + " 13 " + labels + " " + ttl +
           " 20991231000000 20240101000000 12345 example.org. " + bytes + "\n";
  };
  std::string z = R"(
$ORIGIN example.org.
$TTL 300
@        SOA ns.example.com. hostmaster 1 7200 3600 1209600 60
         NS  ns.example.com.
         DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
         MX  10 mail
         NSEC a NS SOA MX RRSIG NSEC DNSKEY
mail     A   192.0.2.2
a     60 A   192.0.2.3
a    600 TXT "signed"
a        NSEC c A TXT RRSIG NSEC
c        CNAME a
d        DNAME example.net.
*.w      A   192.0.2.4
sub      NS  ns.sub
sub      DS  12345 13 2 0000000000000000000000000000000000000000000000000000000000000000
ns.sub   A   192.0.2.5
)";
  z += sig("@", "300", "SOA", "2", kSig64) + sig("@", "300", "NS", "2", kSig64) +
       sig("@", "300", "DNSKEY", "2", sig256) + sig("@", "300", "MX", "2", sig256) +
       sig("@", "300", "NSEC", "2", kSig64) + sig("mail", "300", "A", "3", sig256) +
       sig("a", "60", "A", "3", kSig64) + sig("a", "600", "TXT", "3", sig256) +
       sig("a", "300", "NSEC", "3", kSig64) + sig("c", "300", "CNAME", "3", kSig64) +
       sig("d", "300", "DNAME", "3", kSig64) + sig("*.w", "300", "A", "3", kSig64) +
       sig("sub", "300", "DS", "3", kSig64) + sig("a", "60", "AAAA", "3", kSig64);  // signs nothing
  return z;
}

// NSEC3 (no salt, 0 iterations, opt-out): sub is an insecure delegation
// with no NSEC3; c and wild are empty non-terminals.
std::string nsec3_zone() {
  std::string z = R"(
$ORIGIN example.edu.
$TTL 300
@        SOA ns.example.com. hostmaster 1 7200 3600 1209600 60
         NS  ns.example.com.
         DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
         NSEC3PARAM 1 0 0 -
www      A   192.0.2.10
*.wild   A   192.0.2.11
x.c      A   192.0.2.12
sub      NS  ns.sub
ns.sub   A   192.0.2.13
sec      NS  ns.example.com.
sec      DS  12345 13 2 0000000000000000000000000000000000000000000000000000000000000000
2vtv2boh93qi50d7ul8u4iihpqaa3eno NSEC3 1 1 0 - 8dftiqid1lnpbujam2pfhd42gcsmh2si NS SOA RRSIG DNSKEY NSEC3PARAM
8dftiqid1lnpbujam2pfhd42gcsmh2si NSEC3 1 1 0 - aq1l1a6p4ndtv7bh9k87q27p6omklhbc A RRSIG
aq1l1a6p4ndtv7bh9k87q27p6omklhbc NSEC3 1 1 0 - dj1rhvdt2nm47ae3qlm0sn2ntvb0o001 A RRSIG
dj1rhvdt2nm47ae3qlm0sn2ntvb0o001 NSEC3 1 1 0 - fbucb3ekn3lmccj6dqlqcm4kkin9upt8
fbucb3ekn3lmccj6dqlqcm4kkin9upt8 NSEC3 1 1 0 - ga9fbtcng825k0524usucn2il4uauj3j
ga9fbtcng825k0524usucn2il4uauj3j NSEC3 1 1 0 - vphmn16pv7a7i96a9qi59tdds3hvrt47 NS DS RRSIG
vphmn16pv7a7i96a9qi59tdds3hvrt47 NSEC3 1 1 0 - 2vtv2boh93qi50d7ul8u4iihpqaa3eno A RRSIG
)";
  const auto sig = [](const std::string& owner, const std::string& type, const std::string& labels) {
    return owner + " RRSIG " + type + " 13 " + labels + " 300 20991231000000 20240101000000 12345 example.edu. " +
           kSig64 + "\n";
  };
  for (const char* type : {"SOA", "NS", "DNSKEY", "NSEC3PARAM"}) z += sig("@", type, "2");
  for (const char* hash : {"2vtv2boh93qi50d7ul8u4iihpqaa3eno", "8dftiqid1lnpbujam2pfhd42gcsmh2si",
                           "aq1l1a6p4ndtv7bh9k87q27p6omklhbc", "dj1rhvdt2nm47ae3qlm0sn2ntvb0o001",
                           "fbucb3ekn3lmccj6dqlqcm4kkin9upt8", "ga9fbtcng825k0524usucn2il4uauj3j",
                           "vphmn16pv7a7i96a9qi59tdds3hvrt47"}) {
    z += sig(hash, "NSEC3", "3");
  }
  z += sig("www", "A", "3") + sig("*.wild", "A", "3") + sig("x.c", "A", "4") + sig("sec", "DS", "3");
  return z;
}

std::shared_ptr<const canon::zones::Snapshot> g_snapshot;
canon::engine::EngineConfig g_config;

void check_response(const std::uint8_t* query, std::size_t query_length, const std::uint8_t* response,
                    std::size_t length, std::size_t capacity) {
  if (length == 0) return;
  if (length > capacity || length < 12) std::abort();
  if (!(response[2] & 0x80)) std::abort();                       // QR
  if (query_length >= 2 && std::memcmp(query, response, 2) != 0) std::abort();  // ID
  if (!canon::tools::message_parses(response, length)) {
    std::fprintf(stderr, "%s", canon::tools::message_to_text(response, length).c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char dir[] = "/tmp/canon-fuzz-XXXXXX";
  if (mkdtemp(dir) == nullptr) std::abort();
  const std::string com = std::string(dir) + "/example.com.zone";
  const std::string net = std::string(dir) + "/example.net.zone";
  const std::string org = std::string(dir) + "/example.org.zone";
  const std::string edu = std::string(dir) + "/example.edu.zone";
  std::ofstream(com) << kZone;
  std::ofstream(net) << kZoneNet;
  std::ofstream(org) << signed_zone();
  std::ofstream(edu) << nsec3_zone();
  const std::vector<canon::zones::ZoneSource> sources = {
      {"example.com.", com}, {"example.net.", net}, {"example.org.", org}, {"example.edu.", edu}};
  auto result = canon::zones::compile(sources);
  if (!result.snapshot) {
    for (const auto& f : result.findings.items) std::fprintf(stderr, "%s\n", f.to_string().c_str());
    std::abort();
  }
  g_snapshot = result.snapshot;
  g_config.nsid = "fuzz";
  std::remove(com.c_str());
  std::remove(net.c_str());
  std::remove(org.c_str());
  std::remove(edu.c_str());
  rmdir(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace canon::engine;
  static Engine engine(g_config);
  if (size > 4096) size = 4096;
  std::vector<std::uint8_t> buffer(65535);

  std::memcpy(buffer.data(), data, size);
  std::size_t n = engine.answer_one(*g_snapshot, buffer.data(), size, 4096, Transport::kUdp);
  check_response(data, size, buffer.data(), n, 4096);
  // UDP answers stay within the client's limit: 512 without EDNS, else at
  // most our configured maximum.
  if (n > g_config.max_udp_payload) std::abort();

  std::memcpy(buffer.data(), data, size);
  n = engine.answer_one(*g_snapshot, buffer.data(), size, buffer.size(), Transport::kTcp);
  check_response(data, size, buffer.data(), n, buffer.size());

  // The burst path gives the same bytes as the single path.
  std::vector<std::uint8_t> single(4096), burst(4096);
  std::memcpy(single.data(), data, size);
  std::memcpy(burst.data(), data, size);
  const std::size_t single_length = engine.answer_one(*g_snapshot, single.data(), size, 4096, Transport::kUdp);
  Packet packet{burst.data(), static_cast<std::uint16_t>(size), 4096};
  engine.answer_burst(*g_snapshot, &packet, 1, Transport::kUdp);
  if (packet.length != single_length || std::memcmp(single.data(), burst.data(), single_length) != 0) std::abort();
  return 0;
}
