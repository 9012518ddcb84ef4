// libFuzzer target: any bytes as a primary's answer to canond's AXFR or IXFR
// request (zones/transfer.hpp, zones/tsig.hpp) → reading, verifying and
// compiling never crash; a refused answer hands out no zone.
//
// The input is a run of messages framed as on TCP, a 2-octet length before
// each (a length past the end takes what is left):
//
//   00 2a  <42 octets: message 1>  01 03  <259 octets: message 2>  ...
//
// Each message goes, as transfer_client.cpp sends it, through a
// TsigStreamVerifier (key edge-key., hmac-sha256, the request MAC below) and,
// when it verifies, tsig_strip; whether or not it verified, it is then fed
// to two TransferReaders for example.com. (request ID 0x4b1d): one that
// asked AXFR, one that asked IXFR from serial 1 of kCurrentZone. It also
// goes through tsig_verify_request, as a NOTIFY or a request would. A
// version that comes out is compiled with compile_loaded.
//
// The seeds (tests/fuzz/corpus/transfer/) are written by
// tests/fuzz/corpus/make_transfer_corpus.py, which holds the same zone,
// key, request ID, request MAC and clock: keep them in step.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/rr_type.hpp"
#include "zones/transfer.hpp"
#include "zones/tsig.hpp"

namespace {

using namespace canon::zones;

constexpr std::uint16_t kRequestId = 0x4b1d;
constexpr std::uint64_t kNow = 1'700'000'000;  // the clock the seeds were signed at
constexpr std::string_view kRequestMac = "canon-fuzz-transfer-request-mac!";  // 32 octets
constexpr std::string_view kSecret = "Y2Fub24tZWRnZS1rZXktc2VjcmV0LTAxMjM0NTY3ODk=";  // tests/system/xfr_primaries.py
constexpr std::size_t kMaxMessages = 64;

// Serial 1 of example.com., the version the IXFR reader's diffs apply to.
constexpr std::string_view kCurrentZone =
    "$ORIGIN example.com.\n"
    "$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ IN NS ns1\n"
    "@ IN MX 10 mail\n"
    "ns1 IN A 198.18.0.53\n"
    "mail IN A 198.18.0.25\n"
    "www IN A 198.18.0.1\n"
    "www IN AAAA 2001:db8::1\n"
    "alias IN CNAME www\n"
    "txt IN TXT \"hello\" \"world\"\n"
    "_sip._tcp IN SRV 10 5 5060 www\n"
    "sub IN NS ns.sub\n"
    "ns.sub IN A 198.18.0.54\n";

struct Fixture {
  std::shared_ptr<const LoadedZone> current;
  bool verbose = false;  // CANON_FUZZ_VERBOSE set: what each input came to, on stderr
  std::vector<TsigKey> keys;
  ZoneSource source{"example.com.", "fuzz-transfer"};
  ZoneLimits limits;
};

Fixture* g_fixture = nullptr;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::shared_ptr<const LoadedZone> load_current() {
  char path[] = "/tmp/canon-fuzz-transfer-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) std::abort();
  if (write(fd, kCurrentZone.data(), kCurrentZone.size()) != static_cast<ssize_t>(kCurrentZone.size())) std::abort();
  close(fd);
  auto zone = load_zone_file(ZoneSource{"example.com.", path});
  unlink(path);
  if (!zone || zone->failed || zone->findings.errors() > 0 || zone->store.records.empty()) std::abort();
  return zone;
}

void check(TransferOutcome& outcome, TransferReader::Progress last) {
  if (g_fixture->verbose) {
    std::fprintf(stderr, "%s: %s, serial %u -> %u, %llu records%s%s\n", transfer_kind_text(outcome.kind),
                 outcome.zone ? "taken" : "no version", outcome.serial_from, outcome.serial_to,
                 outcome.zone ? static_cast<unsigned long long>(outcome.zone->store.records.size()) : 0ULL,
                 outcome.error.empty() ? "" : "; ", outcome.error.c_str());
  }
  if (!outcome.error.empty() && outcome.zone) std::abort();  // refused, yet a version handed out
  if (last == TransferReader::Progress::kDone && outcome.error.empty() &&
      (outcome.kind == TransferKind::kAxfr || outcome.kind == TransferKind::kIxfr) && !outcome.zone) {
    std::abort();  // taken, yet no version
  }
  if (!outcome.zone) return;
  const std::uint64_t records = outcome.zone->store.records.size();
  if (records > g_fixture->limits.max_records) std::abort();
  const std::array<std::shared_ptr<const LoadedZone>, 1> zones = {outcome.zone};
  const CompileResult result = compile_loaded(zones, g_fixture->limits);
  if (result.findings.errors() > 0) {
    if (result.snapshot) std::abort();  // a zone with errors is refused whole
    return;
  }
  if (!result.snapshot) std::abort();
  if (result.snapshot->record_count() > records) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static Fixture fixture;
  std::string error;
  std::optional<TsigKey> key = make_tsig_key("edge-key", "hmac-sha256", kSecret, error);
  if (!key) std::abort();
  fixture.keys.push_back(std::move(*key));
  fixture.current = load_current();
  fixture.limits.max_records = 4096;
  fixture.verbose = std::getenv("CANON_FUZZ_VERBOSE") != nullptr;
  g_fixture = &fixture;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return 0;
  const Fixture& f = *g_fixture;
  TsigStreamVerifier verifier(f.keys.front(), bytes_of(kRequestMac));
  TransferReader axfr(f.source, nullptr, 0, rr::AXFR, kRequestId, f.limits, "AXFR from fuzz");
  TransferReader ixfr(f.source, f.current, 1, rr::IXFR, kRequestId, f.limits, "IXFR from fuzz");
  auto axfr_progress = TransferReader::Progress::kMore;
  auto ixfr_progress = TransferReader::Progress::kMore;

  std::vector<std::uint8_t> message;
  std::size_t at = 0;
  for (std::size_t n = 0; n < kMaxMessages && at + 2 <= size; ++n) {
    const std::size_t length = std::min<std::size_t>((std::size_t{data[at]} << 8) | data[at + 1], size - at - 2);
    message.assign(data + at + 2, data + at + 2 + length);
    at += 2 + length;

    const TsigKey* key_used = nullptr;
    std::vector<std::uint8_t> request_mac;
    (void)tsig_verify_request(message, f.keys, kNow, &key_used, &request_mac);

    const TsigError tsig = verifier.verify(message, kNow);
    if (f.verbose) std::fprintf(stderr, "message %zu: TSIG %s\n", n + 1, std::string(tsig_error_text(tsig)).c_str());
    if (tsig == TsigError::kOk) {
      const std::size_t stripped = tsig_strip(message);
      if (stripped > message.size()) std::abort();
      message.resize(stripped);
    }
    if (axfr_progress == TransferReader::Progress::kMore) axfr_progress = axfr.feed(message);
    if (ixfr_progress == TransferReader::Progress::kMore) ixfr_progress = ixfr.feed(message);
  }
  const bool signed_stream = verifier.finish();
  if (f.verbose) std::fprintf(stderr, "TSIG stream %s\n", signed_stream ? "verified" : "not verified");

  TransferOutcome axfr_outcome = axfr.take();
  check(axfr_outcome, axfr_progress);
  TransferOutcome ixfr_outcome = ixfr.take();
  check(ixfr_outcome, ixfr_progress);
  return 0;
}
