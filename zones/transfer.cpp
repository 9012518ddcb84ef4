#include "zones/transfer.hpp"

#include <unordered_map>

#include "zones/canonical_rdata.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

const char* transfer_kind_text(TransferKind kind) noexcept {
  switch (kind) {
    case TransferKind::kUpToDate: return "up to date";
    case TransferKind::kAxfr: return "AXFR";
    case TransferKind::kIxfr: return "IXFR";
    case TransferKind::kNothing: break;
  }
  return "none";
}

namespace {

const char* rcode_text(unsigned rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                       "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
  return rcode < std::size(kNames) ? kNames[rcode] : "an unknown RCODE";
}

bool same_name(const WireName& a, const WireName& b) noexcept {
  if (a.length != b.length) return false;
  for (std::size_t i = 0; i < a.length; ++i) {
    if (to_lower(a.bytes[i]) != to_lower(b.bytes[i])) return false;
  }
  return true;
}

// FNV-1a over the key, the type and the RDATA with every letter lowered: two
// records canonically equal (compare_canonical_rdata) hash the same.
std::uint64_t identity_hash(std::span<const std::uint8_t> key, std::uint16_t type,
                            std::span<const std::uint8_t> rdata) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::uint8_t byte) { h = (h ^ byte) * 0x100000001b3ull; };
  for (std::uint8_t b : key) mix(b);
  mix(static_cast<std::uint8_t>(type >> 8));
  mix(static_cast<std::uint8_t>(type));
  for (std::uint8_t b : rdata) mix(to_lower(b));
  return h;
}

}  // namespace

// The net change of a run of diffs: what the version asked from loses and
// what it gains. A record added by one diff and deleted by a later one
// cancels out, and so does one deleted and added back unchanged.
struct TransferReader::Diffs {
  struct Rr {
    LookupKey key;
    std::uint16_t type;
    std::uint32_t ttl;
    std::uint32_t ordinal;  // its place in the answer, for findings
    std::vector<std::uint8_t> rdata;
    bool live = true;
    bool matched = false;  // a deletion found in the version asked from
  };
  struct List {
    std::vector<Rr> items;
    std::unordered_multimap<std::uint64_t, std::size_t> index;

    // The live item with this identity; nullptr when none.
    Rr* find(std::span<const std::uint8_t> key, std::uint16_t type, std::span<const std::uint8_t> rdata,
             std::uint64_t hash) {
      auto [from, to] = index.equal_range(hash);
      for (auto it = from; it != to; ++it) {
        Rr& rr = items[it->second];
        if (rr.live && !rr.matched && rr.type == type && rr.key.view().size() == key.size() &&
            std::equal(key.begin(), key.end(), rr.key.view().begin()) && rr.rdata.size() == rdata.size() &&
            compare_canonical_rdata(type, rr.rdata, rdata) == 0) {
          return &rr;
        }
      }
      return nullptr;
    }
    void push(Rr rr, std::uint64_t hash) {
      index.emplace(hash, items.size());
      items.push_back(std::move(rr));
    }
  };
  List deletes;
  List adds;
  std::size_t live_adds = 0;
};

TransferReader::TransferReader(const ZoneSource& source, std::shared_ptr<const LoadedZone> current,
                               std::uint32_t current_serial, std::uint16_t asked, std::uint16_t request_id,
                               const ZoneLimits& limits, std::string description)
    : source_(source),
      current_(std::move(current)),
      current_serial_(current_serial),
      asked_(asked),
      request_id_(request_id),
      limits_(limits),
      description_(std::move(description)) {
  std::string wire;
  if (text_to_wire(source.origin, wire)) {
    origin_.length = static_cast<std::uint8_t>(wire.size());
    std::copy(wire.begin(), wire.end(), origin_.bytes.begin());
    make_key(origin_.bytes.data(), origin_key_);
  }
  outcome_.serial_from = current_serial;
}

TransferReader::~TransferReader() = default;

TransferReader::Progress TransferReader::fail(std::string why) {
  if (outcome_.error.empty()) outcome_.error = std::move(why);
  outcome_.zone.reset();
  state_ = State::kEnd;
  return Progress::kFailed;
}

TransferOutcome TransferReader::take() {
  if (state_ != State::kEnd) {  // cut before its closing SOA: nothing of it is handed out
    outcome_.zone.reset();
    if (outcome_.error.empty()) outcome_.error = "the answer ended before its closing SOA";
  }
  return std::move(outcome_);
}

TransferReader::Progress TransferReader::feed(std::span<const std::uint8_t> message) {
  if (!outcome_.error.empty()) return Progress::kFailed;
  if (state_ == State::kEnd) return fail("a message after the closing SOA");
  ++outcome_.messages;
  outcome_.bytes += message.size();
  MessageReader reader(message);
  if (reader.failed()) return fail("malformed message " + std::to_string(outcome_.messages) + ": " + reader.error());
  const MessageHeader& header = reader.header();
  if (!header.is_response() || header.id != request_id_) {
    return fail("message " + std::to_string(outcome_.messages) + " is not the answer to our request (ID or QR)");
  }
  if (header.rcode() != 0) {
    outcome_.rcode = header.rcode();
    return fail(std::string("the primary answered ") + rcode_text(header.rcode()));
  }
  if (reader.has_question()) {
    if (!same_name(reader.question_name(), origin_) || reader.question_type() != asked_ ||
        reader.question_class() != rr_class::IN) {
      return fail("the answer is for " + wire_to_text(reader.question_name().bytes.data()) + " " +
                  type_name(reader.question_type()) + ", not this zone's " + type_name(asked_));
    }
  } else if (outcome_.messages == 1) {
    return fail("the first message of the answer has no question");
  }
  MessageRr rr;
  unsigned answers = 0;
  while (reader.next(rr)) {
    if (rr.section != 1) continue;  // the caller removed the TSIG; nothing else is ours
    ++answers;
    if (on_rr(rr) == Progress::kFailed) return Progress::kFailed;
  }
  if (reader.failed()) return fail("malformed message " + std::to_string(outcome_.messages) + ": " + reader.error());
  if (state_ == State::kSecond && asked_ == rr::IXFR && outcome_.messages == 1 && answers == 1) {
    // One SOA alone: nothing newer to send us (RFC 1995 §4).
    if (serial_newer(outcome_.serial_to, current_serial_)) {
      return fail("the IXFR answer holds only a newer SOA; AXFR is needed");
    }
    outcome_.kind = TransferKind::kUpToDate;
    state_ = State::kEnd;
    return Progress::kDone;
  }
  if (state_ != State::kEnd) return Progress::kMore;
  if (outcome_.kind == TransferKind::kIxfr && !finish_ixfr()) return Progress::kFailed;
  return Progress::kDone;
}

bool TransferReader::accept(const MessageRr& rr) {
  const std::string where = " (record " + std::to_string(outcome_.rrs) + " of the answer)";
  if (rr.rclass != rr_class::IN) {
    return fail("record of class " + std::to_string(rr.rclass) + where + "; canon serves IN zones only"),
           false;
  }
  LookupKey key;
  make_key(rr.owner.bytes.data(), key);
  if (!key_is_below_or_at(key.view(), origin_key_.view())) {
    return fail(wire_to_text(rr.owner.bytes.data()) + " is outside the zone" + where), false;
  }
  if (rr.type == rr::OPT || rr.type == 250 || (rr.type >= 251 && rr.type <= 255) || rr.type == 0) {
    return fail("a " + type_name(rr.type) + " record inside the zone's data" + where), false;
  }
  if (!rdata_is_well_formed(rr.type, rr.rdata)) {
    return fail("malformed " + type_name(rr.type) + " RDATA at " + wire_to_text(rr.owner.bytes.data()) + where),
           false;
  }
  return true;
}

void TransferReader::add_to_zone(const MessageRr& rr) {
  RecordStore& store = outcome_.zone->store;
  LookupKey key;
  make_key(rr.owner.bytes.data(), key);
  Record record{};
  record.key = store.append(key.view());
  record.key_length = key.length;
  record.rdata = store.append(rr.rdata);
  record.rdata_length = static_cast<std::uint16_t>(rr.rdata.size());
  record.ttl = rr.ttl;
  record.line = static_cast<std::uint32_t>(outcome_.rrs);
  record.type = rr.type;
  record.file = store.file_index(description_);
  store.records.push_back(record);
}

TransferReader::Progress TransferReader::on_rr(const MessageRr& rr) {
  ++outcome_.rrs;
  const bool apex_soa = rr.type == rr::SOA && same_name(rr.owner, origin_);
  if (apex_soa && (rr.rclass != rr_class::IN || !rdata_is_well_formed(rr::SOA, rr.rdata))) {
    return fail("malformed SOA record at the apex (record " + std::to_string(outcome_.rrs) + ")");
  }
  const std::uint32_t serial = apex_soa ? soa_serial(rr.rdata) : 0;
  switch (state_) {
    case State::kFirst:
      if (!apex_soa) return fail("the answer does not start with the zone's SOA");
      first_soa_ = rr;
      outcome_.serial_to = serial;
      state_ = State::kSecond;
      return Progress::kMore;
    case State::kSecond:
      if (asked_ == rr::IXFR && apex_soa && serial != outcome_.serial_to) {
        if (serial != current_serial_ || !current_ || current_->failed) {
          return fail("the IXFR starts at serial " + std::to_string(serial) + ", this server holds " +
                      std::to_string(current_serial_));
        }
        outcome_.kind = TransferKind::kIxfr;
        diffs_ = std::make_unique<Diffs>();
        state_ = State::kDeleting;
        version_ = serial;
        break;  // the old SOA is the first deletion
      }
      outcome_.kind = TransferKind::kAxfr;
      outcome_.zone = std::make_shared<LoadedZone>();
      outcome_.zone->source = source_;
      add_to_zone(first_soa_);
      outcome_.zone->store.records.back().line = 1;
      state_ = State::kAxfr;
      [[fallthrough]];
    case State::kAxfr:
      if (apex_soa) {
        if (serial != outcome_.serial_to) {
          return fail("a second SOA (serial " + std::to_string(serial) + ") inside the zone's data");
        }
        state_ = State::kEnd;
        return Progress::kMore;
      }
      if (!accept(rr)) return Progress::kFailed;
      if (outcome_.zone->store.records.size() >= limits_.max_records) {
        return fail("the zone has more than " + std::to_string(limits_.max_records) +
                    " records (max-zone-records)");
      }
      add_to_zone(rr);
      return Progress::kMore;
    case State::kDeleting:
      if (apex_soa) {
        version_ = serial;
        state_ = State::kAdding;
        break;  // the new SOA is the first addition
      }
      break;
    case State::kAdding:
      if (apex_soa) {
        if (version_ == outcome_.serial_to && serial == outcome_.serial_to) {
          state_ = State::kEnd;
          return Progress::kMore;
        }
        if (serial != version_) {
          return fail("an IXFR diff from serial " + std::to_string(serial) + " follows the one to serial " +
                      std::to_string(version_));
        }
        state_ = State::kDeleting;
      }
      break;
    case State::kEnd:
      return fail("records after the closing SOA");
  }
  // A record of a diff (an SOA included): deleted or added.
  if (!accept(rr)) return Progress::kFailed;
  LookupKey key;
  make_key(rr.owner.bytes.data(), key);
  const std::uint64_t hash = identity_hash(key.view(), rr.type, rr.rdata);
  Diffs::Rr item{key, rr.type, rr.ttl, static_cast<std::uint32_t>(outcome_.rrs), rr.rdata};
  if (state_ == State::kDeleting) {
    if (Diffs::Rr* added = diffs_->adds.find(key.view(), rr.type, rr.rdata, hash)) {
      added->live = false;  // added by an earlier diff: gone again
      --diffs_->live_adds;
    } else if (diffs_->deletes.find(key.view(), rr.type, rr.rdata, hash)) {
      return fail("the IXFR deletes " + wire_to_text(rr.owner.bytes.data()) + " " + type_name(rr.type) +
                  " twice");
    } else {
      diffs_->deletes.push(std::move(item), hash);
    }
  } else {
    Diffs::Rr* deleted = diffs_->deletes.find(key.view(), rr.type, rr.rdata, hash);
    if (deleted && deleted->ttl == rr.ttl) {
      deleted->live = false;  // deleted and put back as it was
    } else if (!diffs_->adds.find(key.view(), rr.type, rr.rdata, hash)) {
      diffs_->adds.push(std::move(item), hash);
      ++diffs_->live_adds;
    }
  }
  return Progress::kMore;
}

bool TransferReader::finish_ixfr() {
  const RecordStore& base = current_->store;
  auto zone = std::make_shared<LoadedZone>();
  zone->source = source_;
  RecordStore& store = zone->store;
  store.files = base.files;
  store.records.reserve(base.records.size() + diffs_->live_adds);
  store.bytes.reserve(base.bytes.size());
  std::uint64_t deleted = 0;
  for (const Record& record : base.records) {
    const std::span<const std::uint8_t> key = base.key(record);
    const std::span<const std::uint8_t> rdata = base.rdata(record);
    if (Diffs::Rr* gone = diffs_->deletes.find(key, record.type, rdata, identity_hash(key, record.type, rdata))) {
      gone->matched = true;
      ++deleted;
      continue;
    }
    Record copy = record;
    copy.key = store.append(key);
    copy.rdata = store.append(rdata);
    store.records.push_back(copy);
  }
  for (const Diffs::Rr& rr : diffs_->deletes.items) {
    if (rr.live && !rr.matched) {
      return fail("the IXFR deletes " + key_to_text(rr.key.view()) + " " + type_name(rr.type) +
                  " (record " + std::to_string(rr.ordinal) + "), which serial " +
                  std::to_string(current_serial_) + " does not hold"),
             false;
    }
  }
  const std::uint16_t file = store.file_index(description_);
  for (const Diffs::Rr& rr : diffs_->adds.items) {
    if (!rr.live) continue;
    Record record{};
    record.key = store.append(rr.key.view());
    record.key_length = rr.key.length;
    record.rdata = store.append(rr.rdata);
    record.rdata_length = static_cast<std::uint16_t>(rr.rdata.size());
    record.ttl = rr.ttl;
    record.line = rr.ordinal;
    record.type = rr.type;
    record.file = file;
    store.records.push_back(record);
  }
  if (store.records.size() > limits_.max_records) {
    return fail("the zone would have " + std::to_string(store.records.size()) + " records, more than " +
                std::to_string(limits_.max_records) + " (max-zone-records)"),
           false;
  }
  outcome_.deleted = deleted;
  outcome_.added = diffs_->live_adds;
  outcome_.zone = std::move(zone);
  return true;
}

}  // namespace canon::zones
