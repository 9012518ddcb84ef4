// AXFR and IXFR answers into a zone's next version (zones/transfer.hpp), the
// message reader under them, the state file a received version is kept
// in, and the IXFR journal of the diffs a primary keeps. Answers are built
// here from zone text loaded by the real loader, so every record is what a
// primary holding that text would send.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/zones/zone_fixture.hpp"
#include "zones/dns_message.hpp"
#include "zones/ixfr_journal.hpp"
#include "zones/rr_type.hpp"
#include "zones/transfer.hpp"
#include "zones/zone_state_file.hpp"

namespace canon::zones {
namespace {

using testing::ZoneDir;

struct Rr {
  std::string owner;  // wire form
  std::uint16_t type;
  std::uint32_t ttl;
  std::vector<std::uint8_t> rdata;
};

constexpr std::uint16_t kId = 0x4242;

std::string soa(unsigned serial) {
  return "@ 3600 SOA ns1 hostmaster " + std::to_string(serial) + " 7200 3600 1209600 300\n";
}

// The records of `text` (a zone of example.com.), in file order.
std::vector<Rr> records_of(const ZoneDir& dir, const std::string& text) {
  static int files = 0;
  const std::string path = dir.write("z" + std::to_string(files++) + ".zone", "$TTL 3600\n" + text);
  auto loaded = load_zone_file(ZoneSource{"example.com.", path});
  EXPECT_EQ(loaded->findings.errors(), 0u);
  std::vector<Rr> out;
  for (const Record& r : loaded->store.records) {
    std::uint8_t wire[kMaxNameLength];
    const std::size_t length = key_to_wire(loaded->store.key(r), wire);
    const auto rdata = loaded->store.rdata(r);
    out.push_back(Rr{std::string(wire, wire + length), r.type, r.ttl, {rdata.begin(), rdata.end()}});
  }
  return out;
}

std::shared_ptr<const LoadedZone> zone_of(const ZoneDir& dir, const std::string& text) {
  static int files = 0;
  const std::string path = dir.write("base" + std::to_string(files++) + ".zone", "$TTL 3600\n" + text);
  return load_zone_file(ZoneSource{"example.com.", path});
}

void put16(std::vector<std::uint8_t>& out, unsigned v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// One answer message: the question (example.com., `qtype`) and `rrs`.
std::vector<std::uint8_t> answer(std::uint16_t qtype, const std::vector<Rr>& rrs, unsigned rcode = 0,
                                 std::uint16_t id = kId, const char* qname = "\7example\3com") {
  std::vector<std::uint8_t> out;
  put16(out, id);
  put16(out, 0x8400 | rcode);
  put16(out, 1);
  put16(out, static_cast<unsigned>(rrs.size()));
  put16(out, 0);
  put16(out, 0);
  out.insert(out.end(), qname, qname + std::strlen(qname) + 1);
  put16(out, qtype);
  put16(out, 1);
  for (const Rr& rr : rrs) {
    out.insert(out.end(), rr.owner.begin(), rr.owner.end());
    put16(out, rr.type);
    put16(out, 1);
    put16(out, rr.ttl >> 16);
    put16(out, rr.ttl & 0xffff);
    put16(out, static_cast<unsigned>(rr.rdata.size()));
    out.insert(out.end(), rr.rdata.begin(), rr.rdata.end());
  }
  return out;
}

std::vector<Rr> operator+(std::vector<Rr> a, const std::vector<Rr>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::string kBody =
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "www A 192.0.2.1\n"
    "@ MX 10 mail\n";

// The text form of every record of a version, sorted: what was received.
std::vector<std::string> texts(const LoadedZone& zone) {
  std::vector<std::string> out;
  for (const Record& r : zone.store.records) {
    std::string rdata;
    for (std::uint8_t b : zone.store.rdata(r)) rdata += std::to_string(b) + ",";
    out.push_back(zone.store.owner_text(r) + " " + std::to_string(r.ttl) + " " + type_name(r.type) + " " + rdata);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TransferReader reader(std::uint16_t asked, std::shared_ptr<const LoadedZone> current = nullptr,
                      std::uint32_t serial = 0, ZoneLimits limits = {}) {
  return TransferReader(ZoneSource{"example.com.", "/state/example.com.zone"}, std::move(current), serial, asked,
                        kId, limits, "AXFR from 127.0.0.1:53001");
}

TEST(Transfer, AxfrOverTwoMessagesIsTheZoneAsThePrimaryHoldsIt) {
  ZoneDir dir;
  const auto head = records_of(dir, soa(7) + kBody);
  const auto closing = records_of(dir, soa(7));
  TransferReader axfr = reader(rr::AXFR);
  std::vector<Rr> first(head.begin(), head.begin() + 3);
  std::vector<Rr> second = std::vector<Rr>(head.begin() + 3, head.end()) + closing;
  EXPECT_EQ(axfr.feed(answer(rr::AXFR, first)), TransferReader::Progress::kMore);
  EXPECT_EQ(axfr.feed(answer(rr::AXFR, second)), TransferReader::Progress::kDone);
  TransferOutcome outcome = axfr.take();
  ASSERT_TRUE(outcome.error.empty()) << outcome.error;
  EXPECT_EQ(outcome.kind, TransferKind::kAxfr);
  EXPECT_EQ(outcome.serial_to, 7u);
  EXPECT_EQ(outcome.rrs, head.size() + 1);
  EXPECT_EQ(texts(*outcome.zone), texts(*zone_of(dir, soa(7) + kBody)));
  const std::shared_ptr<const LoadedZone> taken = outcome.zone;
  CompileResult compiled = compile_loaded({&taken, 1});
  EXPECT_TRUE(compiled.snapshot) << (compiled.findings.items.empty() ? "" : compiled.findings.items[0].to_string());
}

TEST(Transfer, AnAxfrCutBeforeItsClosingSoaIsNeverDone) {
  ZoneDir dir;
  TransferReader axfr = reader(rr::AXFR);
  EXPECT_EQ(axfr.feed(answer(rr::AXFR, records_of(dir, soa(7) + kBody))), TransferReader::Progress::kMore);
  // The caller sees the connection close here and refuses the transfer:
  // the reader has handed out nothing.
  const TransferOutcome outcome = axfr.take();
  EXPECT_EQ(outcome.zone, nullptr);
  EXPECT_EQ(outcome.error, "the answer ended before its closing SOA");
}

TEST(Transfer, IxfrDiffsApplyToTheServedVersionAndCancelAcrossDiffs) {
  ZoneDir dir;
  const auto base = zone_of(dir, soa(1) + kBody);
  // 1 → 2: www changes address, tmp appears; 2 → 3: tmp goes again, mail appears.
  const auto rrs = records_of(dir, soa(3)) + records_of(dir, soa(1)) + records_of(dir, "www A 192.0.2.1\n") +
                   records_of(dir, soa(2)) + records_of(dir, "www A 192.0.2.2\ntmp TXT \"x\"\n") +
                   records_of(dir, soa(2)) + records_of(dir, "tmp TXT \"x\"\n") + records_of(dir, soa(3)) +
                   records_of(dir, "mail A 192.0.2.25\n") + records_of(dir, soa(3));
  TransferReader ixfr = reader(rr::IXFR, base, 1);
  ASSERT_EQ(ixfr.feed(answer(rr::IXFR, rrs)), TransferReader::Progress::kDone);
  TransferOutcome outcome = ixfr.take();
  ASSERT_TRUE(outcome.error.empty()) << outcome.error;
  EXPECT_EQ(outcome.kind, TransferKind::kIxfr);
  EXPECT_EQ(outcome.serial_from, 1u);
  EXPECT_EQ(outcome.serial_to, 3u);
  EXPECT_EQ(outcome.deleted, 2u);  // SOA 1, www .1
  EXPECT_EQ(outcome.added, 3u);    // SOA 3, www .2, mail
  const std::string expected = soa(3) + "@ NS ns1\nns1 A 192.0.2.53\nwww A 192.0.2.2\n@ MX 10 mail\nmail A 192.0.2.25\n";
  EXPECT_EQ(texts(*outcome.zone), texts(*zone_of(dir, expected)));
}

TEST(Transfer, AnIxfrThatDeletesWhatTheZoneDoesNotHoldIsRefused) {
  ZoneDir dir;
  const auto base = zone_of(dir, soa(1) + kBody);
  const auto rrs = records_of(dir, soa(2)) + records_of(dir, soa(1)) + records_of(dir, "www A 192.0.2.99\n") +
                   records_of(dir, soa(2)) + records_of(dir, soa(2));
  TransferReader ixfr = reader(rr::IXFR, base, 1);
  EXPECT_EQ(ixfr.feed(answer(rr::IXFR, rrs)), TransferReader::Progress::kFailed);
  const TransferOutcome outcome = ixfr.take();
  EXPECT_NE(outcome.error.find("deletes www.example.com. A"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("serial 1 does not hold"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.zone, nullptr);
}

TEST(Transfer, AnIxfrFromAnotherSerialIsRefused) {
  ZoneDir dir;
  const auto base = zone_of(dir, soa(1) + kBody);
  const auto rrs = records_of(dir, soa(3)) + records_of(dir, soa(2)) + records_of(dir, soa(3)) +
                   records_of(dir, soa(3));
  TransferReader ixfr = reader(rr::IXFR, base, 1);
  EXPECT_EQ(ixfr.feed(answer(rr::IXFR, rrs)), TransferReader::Progress::kFailed);
  EXPECT_NE(ixfr.take().error.find("starts at serial 2, this server holds 1"), std::string::npos);
}

TEST(Transfer, AnIxfrAnswerOfOneSoaMeansUpToDateUnlessItIsNewer) {
  ZoneDir dir;
  const auto base = zone_of(dir, soa(5) + kBody);
  TransferReader same = reader(rr::IXFR, base, 5);
  EXPECT_EQ(same.feed(answer(rr::IXFR, records_of(dir, soa(5)))), TransferReader::Progress::kDone);
  EXPECT_EQ(same.take().kind, TransferKind::kUpToDate);
  TransferReader newer = reader(rr::IXFR, base, 5);
  EXPECT_EQ(newer.feed(answer(rr::IXFR, records_of(dir, soa(6)))), TransferReader::Progress::kFailed);
  EXPECT_NE(newer.take().error.find("AXFR is needed"), std::string::npos);
}

TEST(Transfer, AnIxfrAnsweredAxfrStyleReplacesTheZone) {
  ZoneDir dir;
  const auto base = zone_of(dir, soa(1) + kBody);
  TransferReader ixfr = reader(rr::IXFR, base, 1);
  ASSERT_EQ(ixfr.feed(answer(rr::IXFR, records_of(dir, soa(9) + "@ NS ns1\nns1 A 192.0.2.54\n") +
                                          records_of(dir, soa(9)))),
            TransferReader::Progress::kDone);
  const TransferOutcome outcome = ixfr.take();
  EXPECT_EQ(outcome.kind, TransferKind::kAxfr);
  EXPECT_EQ(outcome.zone->store.records.size(), 3u);
}

TEST(Transfer, AnswersThatAreNotOursAreRefusedWithTheReason) {
  ZoneDir dir;
  const auto rrs = records_of(dir, soa(7) + kBody) + records_of(dir, soa(7));
  struct Case {
    std::vector<std::uint8_t> message;
    std::string says;
  };
  const Case cases[] = {
      {answer(rr::AXFR, rrs, 0, kId, "\7example\3org"), "the answer is for example.org. AXFR"},
      {answer(rr::AXFR, rrs, 0, kId + 1), "not the answer to our request"},
      {answer(rr::AXFR, {}, 5), "the primary answered REFUSED"},
      {answer(rr::AXFR, std::vector<Rr>(rrs.begin() + 1, rrs.end())), "does not start with the zone's SOA"},
      {answer(rr::AXFR, rrs + records_of(dir, "www A 192.0.2.7\n")), "records after the closing SOA"},
  };
  for (const Case& c : cases) {
    TransferReader axfr = reader(rr::AXFR);
    EXPECT_EQ(axfr.feed(c.message), TransferReader::Progress::kFailed) << c.says;
    const std::string error = axfr.take().error;
    EXPECT_NE(error.find(c.says), std::string::npos) << error;
  }
}

TEST(Transfer, RecordsOutsideTheZoneOrOfAnotherClassOrMalformedAreRefused) {
  ZoneDir dir;
  const auto head = records_of(dir, soa(7));
  Rr outside{std::string("\3www\7example\3org\0", 17), rr::A, 60, {192, 0, 2, 1}};
  Rr short_a{std::string("\3www\7example\3com\0", 17), rr::A, 60, {192, 0, 2}};
  Rr bad_cname{std::string("\3www\7example\3com\0", 17), rr::CNAME, 60, {3, 'w', 'w'}};
  // SVCB/HTTPS RDATA is not decompressed; the compiler reads its TargetName
  // (found by the transfer fuzz target: a target running past the RDATA).
  Rr bad_svcb{std::string("\3www\7example\3com\0", 17), rr::SVCB, 60, {0, 1, 12, '1', 3}};
  Rr bad_https{std::string("\3www\7example\3com\0", 17), rr::HTTPS, 60, {0, 1, 0xc0, 12}};
  for (const auto& [rr, says] : {std::pair{outside, "outside the zone"}, std::pair{short_a, "malformed A RDATA"},
                                 std::pair{bad_cname, "malformed name in the RDATA"},
                                 std::pair{bad_svcb, "malformed SVCB RDATA"},
                                 std::pair{bad_https, "malformed HTTPS RDATA"}}) {
    TransferReader axfr = reader(rr::AXFR);
    EXPECT_EQ(axfr.feed(answer(rr::AXFR, head + std::vector<Rr>{rr} + head)), TransferReader::Progress::kFailed);
    const std::string error = axfr.take().error;
    EXPECT_NE(error.find(says), std::string::npos) << error;
  }
}

TEST(Transfer, AZoneOverMaxZoneRecordsIsRefused) {
  ZoneDir dir;
  ZoneLimits limits;
  limits.max_records = 3;
  TransferReader axfr = reader(rr::AXFR, nullptr, 0, limits);
  EXPECT_EQ(axfr.feed(answer(rr::AXFR, records_of(dir, soa(7) + kBody) + records_of(dir, soa(7)))),
            TransferReader::Progress::kFailed);
  EXPECT_NE(axfr.take().error.find("max-zone-records"), std::string::npos);
}

TEST(MessageReader, CompressedNamesInOwnersAndRdataAreExpanded) {
  ZoneDir dir;
  // www.example.com. MX 10 mail.example.com. with the owner and the exchange
  // both pointing into the question's name at offset 12.
  std::vector<std::uint8_t> m = answer(rr::MX, {});
  m[7] = 1;  // one answer
  const std::uint8_t rr[] = {3, 'w', 'w', 'w', 0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9,
                             0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 12};
  m.insert(m.end(), std::begin(rr), std::end(rr));
  MessageReader reader(m);
  MessageRr got;
  ASSERT_TRUE(reader.next(got)) << reader.error();
  EXPECT_EQ(wire_to_text(got.owner.bytes.data()), "www.example.com.");
  EXPECT_EQ(got.rdata.size(), 2u + 18u);
  EXPECT_EQ(wire_to_text(got.rdata.data() + 2), "mail.example.com.");
  EXPECT_FALSE(reader.next(got));
  EXPECT_FALSE(reader.failed()) << reader.error();
}

// RFC 3597 §4: SRV targets compressed (as RFC 2052 had it, and as dnspython
// 2.3 sends them) are expanded, so the RDATA is well formed.
TEST(MessageReader, ACompressedSrvTargetIsExpanded) {
  std::vector<std::uint8_t> m = answer(rr::SRV, {});
  m[7] = 1;
  const std::uint8_t rr[] = {4, '_', 's', 'i', 'p', 4, '_', 't', 'c', 'p', 0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 60,
                             0, 12, 0, 10, 0, 5, 0x13, 0xc4, 3, 'w', 'w', 'w', 0xc0, 12};
  m.insert(m.end(), std::begin(rr), std::end(rr));
  MessageReader reader(m);
  MessageRr got;
  ASSERT_TRUE(reader.next(got)) << reader.error();
  EXPECT_EQ(got.rdata.size(), 6u + 17u);
  EXPECT_EQ(wire_to_text(got.rdata.data() + 6), "www.example.com.");
  EXPECT_TRUE(rdata_is_well_formed(rr::SRV, got.rdata));
}

TEST(MessageReader, PointerLoopsAndTruncationsFailWithoutReadingPastTheEnd) {
  std::vector<std::uint8_t> m = answer(rr::A, {});
  m[7] = 1;
  const std::uint8_t loop[] = {0xc0, 37, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4};  // points at itself
  m.insert(m.end(), std::begin(loop), std::end(loop));
  MessageReader looped(m);
  MessageRr got;
  EXPECT_FALSE(looped.next(got));
  EXPECT_TRUE(looped.failed());
  for (std::size_t cut = 0; cut < m.size(); ++cut) {
    MessageReader truncated(std::span<const std::uint8_t>(m.data(), cut));
    while (truncated.next(got)) {
    }
    EXPECT_TRUE(truncated.failed()) << cut;
  }
}

TEST(ZoneStateFile, AVersionWrittenIsReadBackRecordForRecord) {
  ZoneDir dir;
  const auto zone = zone_of(dir, soa(7) + kBody +
                                     "txt TXT \"a b\" \"c\\\"d\"\n_sip._tcp SRV 1 2 5060 sip\n"
                                     "x TYPE65400 \\# 3 010203\nsvc HTTPS 1 . alpn=h2\n");
  ASSERT_EQ(zone->findings.errors(), 0u);
  const std::string path = zone_state_path(dir.path().string(), "Example.COM.");
  EXPECT_EQ(path, dir.path().string() + "/zones/example.com.zone");
  write_zone_state(*zone, path, "canon secondary zone example.com. serial 7");
  const auto back = load_zone_file(ZoneSource{"example.com.", path});
  ASSERT_EQ(back->findings.errors(), 0u) << back->findings.items[0].to_string();
  EXPECT_EQ(texts(*back), texts(*zone));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// ---- the IXFR journal (ixfr_journal.hpp) ---------------------------------------

std::vector<std::shared_ptr<const ZoneDiff>> two_diffs(const ZoneDir& dir) {
  const auto v1 = zone_of(dir, soa(1) + kBody);
  const auto v2 = zone_of(dir, soa(2) + kBody + "new A 192.0.2.99\n");
  const auto v3 = zone_of(dir, soa(3) + kBody + "new A 192.0.2.98\nnew TXT \"x\"\n");
  return {std::make_shared<const ZoneDiff>(diff_versions(*v1, *v2)),
          std::make_shared<const ZoneDiff>(diff_versions(*v2, *v3))};
}

void expect_same(const ZoneDiff& a, const ZoneDiff& b) {
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.from_soa, b.from_soa);
  EXPECT_EQ(a.to_soa, b.to_soa);
  EXPECT_EQ(a.removed.count, b.removed.count);
  EXPECT_EQ(a.removed.bytes, b.removed.bytes);
  EXPECT_EQ(a.added.count, b.added.count);
  EXPECT_EQ(a.added.bytes, b.added.bytes);
}

TEST(IxfrJournal, DiffsWrittenAreReadBackAlike) {
  ZoneDir dir;
  const auto diffs = two_diffs(dir);
  ASSERT_EQ(diffs[1]->removed.count, 1u);
  ASSERT_EQ(diffs[1]->added.count, 2u);
  const std::string path = ixfr_journal_path(dir.path().string(), "Example.COM.");
  EXPECT_EQ(path, dir.path().string() + "/journal/example.com.ixfr");
  std::string error;
  EXPECT_FALSE(read_ixfr_journal(path, error).has_value());  // none yet
  write_ixfr_journal(path, diffs);
  const auto back = read_ixfr_journal(path, error);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(error, "");
  ASSERT_EQ(back->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) expect_same(*(*back)[i], *diffs[i]);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(IxfrJournal, AJournalCutAnywhereIsRefusedOrAWholePrefix) {
  ZoneDir dir;
  const auto diffs = two_diffs(dir);
  const std::string path = ixfr_journal_path(dir.path().string(), "example.com.");
  write_ixfr_journal(path, diffs);
  std::ifstream in(path, std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut_path = dir.path().string() + "/cut.ixfr";
  unsigned refused = 0, prefixes = 0;
  for (std::size_t length = 0; length < whole.size(); ++length) {
    std::ofstream(cut_path, std::ios::binary | std::ios::trunc) << whole.substr(0, length);
    std::string error;
    const auto back = read_ixfr_journal(cut_path, error);
    ASSERT_TRUE(back.has_value());
    if (!error.empty()) {
      EXPECT_TRUE(back->empty()) << length;
      ++refused;
      continue;
    }
    ++prefixes;  // ends between two diffs: the first ones, whole
    ASSERT_LT(back->size(), 2u) << length;
    for (std::size_t i = 0; i < back->size(); ++i) expect_same(*(*back)[i], *diffs[i]);
  }
  EXPECT_EQ(prefixes, 2u);  // the magic alone, and the first diff alone
  EXPECT_EQ(refused, whole.size() - 2);
}

TEST(IxfrJournal, ACountThatDoesNotMatchItsRecordsOrAGapIsRefused) {
  ZoneDir dir;
  auto diffs = two_diffs(dir);
  const std::string path = ixfr_journal_path(dir.path().string(), "example.com.");
  auto wrong_count = std::make_shared<ZoneDiff>(*diffs[1]);
  wrong_count->added.count = 3;
  write_ixfr_journal(path, std::vector<std::shared_ptr<const ZoneDiff>>{diffs[0], wrong_count});
  std::string error;
  auto back = read_ixfr_journal(path, error);
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(error, "a diff's records do not match their count");

  write_ixfr_journal(path, std::vector<std::shared_ptr<const ZoneDiff>>{diffs[1], diffs[0]});
  error.clear();
  back = read_ixfr_journal(path, error);
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(error, "diff 2 starts at serial 1, the one before it ended at 3");

  std::ofstream(path, std::ios::binary | std::ios::trunc) << "canon-ixfr-0\n";
  error.clear();
  back = read_ixfr_journal(path, error);
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(error, "not a canon IXFR journal (format 1)");
}

}  // namespace
}  // namespace canon::zones
