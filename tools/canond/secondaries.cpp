#include "tools/canond/secondaries.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <cstring>
#include <ctime>

#include "nic/peer_address.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/transfer_client.hpp"
#include "tools/canond/zone_set.hpp"
#include "zones/catalog.hpp"
#include "zones/dns_message.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"
#include "zones/transfer_out.hpp"
#include "zones/tsig.hpp"
#include "zones/zone_state_file.hpp"

namespace canon::daemon {

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::seconds;

// How often the thread looks into the workers' mailboxes: a NOTIFY waits
// at most this long before it is answered.
constexpr std::chrono::milliseconds kPoll{5};
// A zone that has never been received is asked again soon, then less often.
constexpr Seconds kFirstBootstrapRetry{2};
constexpr Seconds kLongestBootstrapRetry{300};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::string peer_text(const sockaddr_storage& peer) {
  char text[64] = "?";
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    return std::string(text) + "#" + std::to_string(ntohs(v4.sin_port));
  }
  if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    return std::string(text) + "#" + std::to_string(ntohs(v6.sin6_port));
  }
  return text;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The state file's modification time is the zone's last contact with a
// primary: written with each version taken, touched by each SOA check that
// finds it current. So a restart keeps the expire timer running (RFC 1035
// §3.3.13: expire counts from the last successful refresh) instead of
// starting it again.
void touch_state_file(const std::string& path) {
  (void)::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // not written yet: nothing to touch
}

// How long ago the state file at `path` was last written or touched
// (zero when it cannot be read or lies in the future).
Seconds state_file_age(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Seconds(0);
  const std::time_t now = std::time(nullptr);
  return Seconds(now > st.st_mtime ? now - st.st_mtime : 0);
}

// When a version read from its state file expires: `expire` after the
// file's last write or touch.
Clock::time_point expiry_after_restart(const std::string& origin, const std::string& state_file,
                                       Seconds expire, Clock::time_point now) {
  const Seconds age = state_file_age(state_file);
  const Seconds left = age < expire ? expire - age : Seconds(0);
  if (age.count() > 0) {
    log_info("zone " + origin + ": state file last refreshed " + std::to_string(age.count()) +
             " s ago; expires in " + std::to_string(left.count()) + " s without a refresh");
  }
  return now + left;
}

}  // namespace

struct Secondaries::Zone {
  SecondaryZone config;
  // The version served, what IXFR asks from (null or failed: none yet).
  std::shared_ptr<const zones::LoadedZone> current;
  bool has_version = false;
  std::uint32_t serial = 0;
  std::vector<std::uint8_t> soa;  // the served version's SOA RDATA
  Seconds refresh{3600}, retry{600}, expire{604800};
  Seconds bootstrap = kFirstBootstrapRetry;
  Clock::time_point next_refresh = Clock::now();
  Clock::time_point expires_at = Clock::time_point::max();
  bool expired = false;
  bool asked = false;       // NOTIFY or canonctl: refresh now
  bool full_asked = false;  // canonctl zone-retransfer: AXFR, no SOA check
  bool publishing = false;  // a version handed to the control thread
  std::shared_ptr<const zones::LoadedZone> to_persist;
  std::shared_ptr<const zones::LoadedZone> catalog_pending;  // a catalog's version whose members to apply
  std::string persist_comment;
  // For zone-status and /metrics.
  std::string primary_used;
  double last_refresh = 0;   // unix time of the last SOA check that got an answer
  double last_transfer = 0;  // unix time of the last version taken
  std::string last_transfer_text;
  std::string last_error;
  std::uint64_t notifies = 0, notifies_refused = 0;
  std::uint64_t axfr_ok = 0, axfr_failed = 0, ixfr_ok = 0, ixfr_failed = 0, refresh_failed = 0;

  // The version `zone` is served now: its serial, SOA and timers.
  void take(const std::shared_ptr<const zones::LoadedZone>& zone) {
    current = zone;
    has_version = false;
    if (!zone || zone->failed) return;
    const zones::Record* record = zones::apex_soa(*zone);
    if (!record) return;
    const auto rdata = zone->store.rdata(*record);
    soa.assign(rdata.begin(), rdata.end());
    const std::uint8_t* timers = rdata.data() + rdata.size() - 20;
    serial = be32(timers);
    refresh = Seconds(std::max<std::uint32_t>(be32(timers + 4), 1));
    retry = Seconds(std::max<std::uint32_t>(be32(timers + 8), 1));
    expire = Seconds(std::max<std::uint32_t>(be32(timers + 12), 1));
    has_version = true;
  }
};

Secondaries::Secondaries(std::vector<SecondaryZone> zones,
                         std::vector<std::shared_ptr<const zones::LoadedZone>> served,
                         const zones::ZoneLimits& limits, std::vector<nic::ControlMailbox*> mailboxes)
    : limits_(limits), mailboxes_(std::move(mailboxes)), event_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!event_) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  const auto now = Clock::now();
  for (std::size_t i = 0; i < zones.size(); ++i) {
    auto zone = std::make_unique<Zone>();
    zone->config = std::move(zones[i]);
    zone->take(i < served.size() ? served[i] : nullptr);
    // A version read from the state file is served at once; its freshness
    // is checked at once too, as knotd does after a restart; its expire
    // timer goes on from the last contact before the restart.
    zone->next_refresh = now;
    if (zone->has_version) {
      zone->expires_at = expiry_after_restart(zone->config.origin, zone->config.source.file, zone->expire, now);
    }
    if (zone->config.catalog && zone->has_version) zone->catalog_pending = zone->current;
    zones_.push_back(std::move(zone));
  }
}

Secondaries::~Secondaries() { stop(); }


void Secondaries::start() {
  thread_ = std::thread([this] { run(); });
}

void Secondaries::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Secondaries::Zone* Secondaries::find(const std::string& origin) {
  const std::string canonical = ZoneSet::canonical(origin);
  for (auto& zone : zones_) {
    if (zone->config.origin == canonical) return zone.get();
  }
  return nullptr;
}

const Secondaries::Zone* Secondaries::find(const std::string& origin) const {
  return const_cast<Secondaries*>(this)->find(origin);
}

bool Secondaries::has(const std::string& origin) const { return find(origin) != nullptr; }

void Secondaries::hand_over(ReceivedVersion version) {
  ready_.push_back(std::move(version));
  const std::uint64_t one = 1;
  (void)!::write(event_.get(), &one, sizeof(one));
}

std::vector<ReceivedVersion> Secondaries::ready() {
  std::uint64_t count;
  (void)!::read(event_.get(), &count, sizeof(count));
  std::lock_guard lock(mutex_);
  return std::exchange(ready_, {});
}

void Secondaries::published(const std::string& origin, const std::shared_ptr<const zones::LoadedZone>& zone,
                            const std::string& error) {
  {
    std::lock_guard lock(mutex_);
    Zone* z = find(origin);
    if (!z) return;
    z->publishing = false;
    const auto now = Clock::now();
    if (!error.empty()) {
      z->last_error = error;
      z->next_refresh = now + z->retry;
      return;
    }
    if (zone->failed) return;  // the expired stand-in
    z->take(zone);
    z->expired = false;
    z->last_error.clear();
    z->last_transfer = std::time(nullptr);
    z->next_refresh = now + z->refresh;
    z->expires_at = now + z->expire;
    z->bootstrap = kFirstBootstrapRetry;
    z->to_persist = zone;
    if (z->config.catalog) z->catalog_pending = zone;
    z->persist_comment = "canon secondary zone " + z->config.origin + " serial " + std::to_string(z->serial) +
                         ", " + z->last_transfer_text;
  }
  wake_.notify_all();
}

bool Secondaries::refresh(const std::string& origin, bool full_transfer) {
  {
    std::lock_guard lock(mutex_);
    Zone* zone = find(origin);
    if (!zone) return false;
    zone->asked = true;
    zone->full_asked = zone->full_asked || full_transfer;
  }
  wake_.notify_all();
  return true;
}

void Secondaries::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    take_notifies();
    lock.lock();
    if (apply_a_catalog()) continue;
    const auto now = Clock::now();
    Zone* due = nullptr;
    for (auto& zone : zones_) {
      if (zone->to_persist) {
        persist(*zone);  // (drops and retakes the lock)
        continue;
      }
      if (!zone->expired && zone->has_version && now >= zone->expires_at) {
        zone->expired = true;
        log_warning("zone " + zone->config.origin + ": expired (no primary answered for " +
                    std::to_string(zone->expire.count()) + " s, the SOA's expire); its names get SERVFAIL until a transfer succeeds");
        hand_over(ReceivedVersion{zone->config.origin, zones::failed_zone(zone->config.source), "expiry"});
      }
      if (!due && !zone->publishing && (zone->asked || now >= zone->next_refresh)) due = zone.get();
    }
    if (due) {
      lock.unlock();
      refresh_zone(*due);
      lock.lock();
      continue;
    }
    wake_.wait_for(lock, kPoll);
  }
}

bool Secondaries::apply_a_catalog() {
  Zone* catalog = nullptr;
  for (auto& zone : zones_) {
    if (zone->catalog_pending) catalog = zone.get();
  }
  if (!catalog) return false;
  const auto version = std::exchange(catalog->catalog_pending, nullptr);
  const std::string& name = catalog->config.origin;
  const zones::CatalogMembers members = zones::catalog_members(*version);
  if (!members.error.empty()) {
    log_warning("catalog " + name + ": " + members.error + "; its members stay as they were");
    return true;
  }
  const std::set<std::string> listed(members.zones.begin(), members.zones.end());
  // Members no longer listed: dropped, their state files removed.
  for (auto it = zones_.begin(); it != zones_.end();) {
    Zone& zone = **it;
    if (zone.config.member_of != name || listed.count(zone.config.origin) != 0) {
      ++it;
      continue;
    }
    log_info("catalog " + name + ": member " + zone.config.origin + " removed; no longer served");
    std::error_code ignored;
    std::filesystem::remove(zone.config.source.file, ignored);
    hand_over(ReceivedVersion{zone.config.origin, nullptr, "removed from catalog " + name});
    it = zones_.erase(it);
  }
  // New members: secondaries of the catalog's primaries, with its key.
  const std::string state_dir =
      std::filesystem::path(catalog->config.source.file).parent_path().parent_path().string();
  for (const std::string& origin : members.zones) {
    if (const Zone* existing = find(origin)) {
      if (existing->config.member_of != name) {
        log_warning("catalog " + name + ": member " + origin + " is already a zone of " +
                    (existing->config.member_of.empty() ? std::string("the config") : "catalog " + existing->config.member_of) +
                    "; left as it is");
      }
      continue;
    }
    auto zone = std::make_unique<Zone>();
    zone->config = catalog->config;
    zone->config.catalog = false;
    zone->config.member_of = name;
    zone->config.origin = origin;
    zone->config.source = zones::ZoneSource{origin, zones::zone_state_path(state_dir, origin)};
    zone->next_refresh = Clock::now();
    std::error_code missing;
    if (std::filesystem::exists(zone->config.source.file, missing)) {  // after a restart: served at once
      auto loaded = zones::load_zone_file(zone->config.source, {}, limits_);
      if (loaded->findings.errors() == 0) {
        zone->take(loaded);
        zone->expires_at =
            expiry_after_restart(zone->config.origin, zone->config.source.file, zone->expire, Clock::now());
        hand_over(ReceivedVersion{origin, loaded, "from its state file"});
      }
    }
    log_info("catalog " + name + ": member " + origin + " added" +
             (zone->has_version ? " (serial " + std::to_string(zone->serial) + " from its state file)" : ""));
    zones_.push_back(std::move(zone));
  }
  return true;
}

void Secondaries::persist(Zone& zone) {
  auto version = std::exchange(zone.to_persist, nullptr);
  const std::string comment = zone.persist_comment;
  const std::string path = zone.config.source.file;
  mutex_.unlock();
  const auto start = Clock::now();
  try {
    zones::write_zone_state(*version, path, comment);
    log_info("zone " + zone.config.origin + ": " + std::to_string(version->store.records.size()) +
             " records written to " + path + " in " + std::to_string(seconds_between(start, Clock::now())).substr(0, 5) +
             " s");
  } catch (const std::exception& e) {
    log_error("zone " + zone.config.origin + ": the received version is served but not saved: " + e.what());
  }
  mutex_.lock();
}

void Secondaries::refresh_zone(Zone& zone) {
  // What this refresh starts from (zone's fields change only under mutex_).
  std::shared_ptr<const zones::LoadedZone> current;
  std::uint32_t serial;
  bool has_version;
  bool full;
  std::vector<std::uint8_t> soa;
  {
    std::lock_guard lock(mutex_);
    current = zone.current;
    serial = zone.serial;
    has_version = zone.has_version;
    full = zone.full_asked;
    soa = zone.soa;
    zone.asked = zone.full_asked = false;
  }
  const SecondaryZone& config = zone.config;
  std::string errors;
  for (const nic::ListenAddress& primary : config.primaries) {
    const auto start = Clock::now();
    if (!full) {
      const SoaAnswer answer = ask_soa(config, primary);
      if (!answer.ok && answer.rcode != 0) {
        // Some primaries answer a zone's SOA only inside a transfer (knotd
        // REFUSES queries for the catalogs it generates): ask IXFR, whose
        // one-SOA answer says the same.
        log_debug("zone " + config.origin + ": " + primary.text + ": " + answer.error + "; asking the transfer");
      } else if (!answer.ok) {
        log_warning("zone " + config.origin + ": SOA query to " + primary.text + " failed: " + answer.error);
        errors += (errors.empty() ? "" : "; ") + primary.text + ": " + answer.error;
        continue;
      }
      if (answer.ok && has_version && !zones::serial_newer(answer.serial, serial)) {
        std::lock_guard lock(mutex_);
        zone.primary_used = primary.text;
        zone.last_refresh = std::time(nullptr);
        zone.last_error.clear();
        zone.next_refresh = Clock::now() + zone.refresh;
        zone.expires_at = Clock::now() + zone.expire;
        touch_state_file(config.source.file);
        if (answer.serial != serial) {
          log_warning("zone " + config.origin + ": primary " + primary.text + " has serial " +
                      std::to_string(answer.serial) + ", older than ours (" + std::to_string(serial) + "); kept ours");
        } else {
          log_debug("zone " + config.origin + ": serial " + std::to_string(serial) + " is current (" + primary.text + ")");
        }
        return;
      }
    }
    TransferAsk ask{has_version && !full ? zones::rr::IXFR : zones::rr::AXFR, current, serial, soa};
    zones::TransferOutcome outcome = request_transfer(config, primary, ask, limits_);
    if (ask.type == zones::rr::IXFR && !outcome.zone && outcome.kind != zones::TransferKind::kUpToDate) {
      // Refused, no journal for our serial, or diffs that do not fit our
      // version: the whole zone instead, from the same primary.
      log_info("zone " + config.origin + ": IXFR from " + primary.text + " failed (" + outcome.error +
               "); asking AXFR");
      {
        std::lock_guard lock(mutex_);
        ++zone.ixfr_failed;
      }
      ask.type = zones::rr::AXFR;
      outcome = request_transfer(config, primary, ask, limits_);
    }
    const double took = seconds_between(start, Clock::now());
    std::lock_guard lock(mutex_);
    zone.last_refresh = std::time(nullptr);
    zone.primary_used = primary.text;
    if (outcome.kind == zones::TransferKind::kUpToDate) {
      zone.last_error.clear();
      zone.next_refresh = Clock::now() + zone.refresh;
      zone.expires_at = Clock::now() + zone.expire;
      touch_state_file(config.source.file);
      return;
    }
    if (!outcome.zone) {
      (ask.type == zones::rr::AXFR ? zone.axfr_failed : zone.ixfr_failed)++;
      log_warning("zone " + config.origin + ": " + zones::type_name(ask.type) + " from " + primary.text +
                  " refused: " + outcome.error + "; the served version stays");
      errors += (errors.empty() ? "" : "; ") + primary.text + ": " + outcome.error;
      continue;
    }
    (outcome.kind == zones::TransferKind::kIxfr ? zone.ixfr_ok : zone.axfr_ok)++;
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.3f", took);
    const std::string what = std::string(zones::transfer_kind_text(outcome.kind)) + " from " + primary.text +
                             ": serial " + (has_version ? std::to_string(serial) : std::string("none")) + " -> " +
                             std::to_string(outcome.serial_to) + ", " + std::to_string(outcome.zone->store.records.size()) +
                             " records (" + std::to_string(outcome.rrs) + " received, " +
                             std::to_string(outcome.bytes) + " bytes in " + std::to_string(outcome.messages) +
                             " messages), " + seconds + " s";
    log_info("zone " + config.origin + ": " + what);
    zone.last_transfer_text = what;
    zone.publishing = true;
    hand_over(ReceivedVersion{config.origin, std::move(outcome.zone),
                              std::string(zones::transfer_kind_text(outcome.kind)) + " serial " +
                                  std::to_string(outcome.serial_to)});
    return;
  }
  std::lock_guard lock(mutex_);
  ++zone.refresh_failed;
  zone.last_error = errors.empty() ? "no primary answered" : errors;
  if (zone.has_version) {
    zone.next_refresh = Clock::now() + zone.retry;
  } else {
    zone.next_refresh = Clock::now() + zone.bootstrap;
    zone.bootstrap = std::min(zone.bootstrap * 2, kLongestBootstrapRetry);
  }
}

void Secondaries::take_notifies() {
  nic::HandedDatagram datagram;
  for (nic::ControlMailbox* mailbox : mailboxes_) {
    while (mailbox->pop(datagram)) answer_datagram(datagram);
  }
}

void Secondaries::answer_datagram(const nic::HandedDatagram& datagram) {
  std::uint8_t message[nic::HandedDatagram::kMaxBytes + 512];
  std::memcpy(message, datagram.data, datagram.length);
  const std::size_t length = answer_notify(message, datagram.length, sizeof(message),
                                           nic::peer_address(datagram.peer), peer_text(datagram.peer));
  if (length == 0) return;
  iovec iov{message, length};
  msghdr h{};
  sockaddr_storage peer = datagram.peer;
  h.msg_name = &peer;
  h.msg_namelen = datagram.peer_length;
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  alignas(alignof(cmsghdr)) std::uint8_t control[sizeof(datagram.control)];
  if (datagram.control_length) {  // a wildcard socket: answer from the address asked
    std::memcpy(control, datagram.control, datagram.control_length);
    h.msg_control = control;
    h.msg_controllen = datagram.control_length;
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    if (c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      reinterpret_cast<in_pktinfo*>(CMSG_DATA(c))->ipi_ifindex = 0;
    }
  }
  (void)::sendmsg(datagram.fd, &h, MSG_DONTWAIT);
}

std::size_t Secondaries::answer_notify(std::uint8_t* data, std::size_t length, std::size_t capacity,
                                       const engine::ClientAddress& source, const std::string& peer) {
  const std::span<const std::uint8_t> message(data, length);
  zones::MessageReader reader(message);
  if (reader.failed() || !reader.has_question()) return 0;  // the engine let it through: cannot happen
  const std::string origin = zones::wire_to_text(reader.question_name().bytes.data());
  unsigned rcode = 0;
  std::string refused;
  std::optional<zones::TsigKey> key;
  std::vector<std::uint8_t> request_mac;
  {
    std::lock_guard lock(mutex_);
    Zone* zone = find(origin);
    if (!zone) {
      ++notifies_unknown_zone_;
      rcode = 9;  // NOTAUTH, as knotd answers a NOTIFY for a zone it does not hold
      refused = "not a secondary zone here";
    } else {
      ++zone->notifies;
      bool allowed = false;
      for (const engine::AddressPrefix& prefix : zone->config.notify_from) allowed = allowed || prefix.contains(source);
      if (!allowed) {
        rcode = 5;  // REFUSED
        refused = "the sender is not in notify-from";
      } else if (zone->config.key) {
        const zones::TsigKey* used = nullptr;
        const zones::TsigError error =
            zones::tsig_verify_request(message, std::span(&*zone->config.key, 1),
                                       static_cast<std::uint64_t>(std::time(nullptr)), &used, &request_mac);
        if (error != zones::TsigError::kOk) {
          rcode = 9;  // NOTAUTH (RFC 8945 §5.2), unsigned
          refused = "TSIG " + std::string(zones::tsig_error_text(error)) + " (key " + zone->config.key->name +
                    " required)";
        } else {
          key = zone->config.key;
        }
      }
      if (refused.empty()) {
        zone->asked = true;
      } else {
        ++zone->notifies_refused;
      }
    }
  }
  if (refused.empty()) {
    log_info("zone " + origin + ": NOTIFY from " + peer + ", refreshing");
    wake_.notify_all();
  } else {
    log_warning("zone " + origin + ": NOTIFY from " + peer + " refused: " + refused);
  }
  // The answer: the query's ID and OPCODE, QR, AA when accepted, the
  // question echoed; signed with the key the NOTIFY was signed with.
  std::vector<std::uint8_t> answer = zones::empty_answer(message, reader.offset(), rcode, rcode == 0);
  if (key) (void)zones::tsig_sign(answer, *key, static_cast<std::uint64_t>(std::time(nullptr)), request_mac);
  if (answer.size() > capacity) return 0;
  std::memcpy(data, answer.data(), answer.size());
  return answer.size();
}

nlohmann::json Secondaries::status(const std::string& origin) const {
  std::lock_guard lock(mutex_);
  const Zone* zone = find(origin);
  if (!zone) return nullptr;
  const auto now = Clock::now();
  nlohmann::json primaries = nlohmann::json::array();
  for (const auto& p : zone->config.primaries) primaries.push_back(p.text);
  auto in = [&](Clock::time_point t) -> nlohmann::json {
    if (t == Clock::time_point::max()) return nullptr;
    return std::max(0.0, std::round(seconds_between(now, t)));
  };
  return nlohmann::json{
      {"role", "secondary"},
      {"primaries", primaries},
      {"primary_used", zone->primary_used},
      {"received_serial", zone->has_version ? nlohmann::json(zone->serial) : nlohmann::json(nullptr)},
      {"tsig_key", zone->config.key ? zone->config.key->name : ""},
      {"last_refresh", zone->last_refresh > 0 ? nlohmann::json(zone->last_refresh) : nlohmann::json(nullptr)},
      {"last_transfer", zone->last_transfer > 0 ? nlohmann::json(zone->last_transfer) : nlohmann::json(nullptr)},
      {"last_transfer_summary", zone->last_transfer_text},
      {"next_refresh_in", zone->asked ? nlohmann::json(0) : in(zone->next_refresh)},
      {"expires_in", zone->has_version ? in(zone->expires_at) : nlohmann::json(nullptr)},
      {"expired", zone->expired},
      {"transfer_error", zone->last_error},
      {"notifies", zone->notifies},
      {"notifies_refused", zone->notifies_refused},
      {"transfers", {{"axfr_ok", zone->axfr_ok}, {"axfr_failed", zone->axfr_failed}, {"ixfr_ok", zone->ixfr_ok},
                     {"ixfr_failed", zone->ixfr_failed}, {"refresh_failed", zone->refresh_failed}}}};
}

std::string Secondaries::metrics_text() const {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  std::string out;
  auto family = [&out](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  family("canon_secondary_serial", "gauge", "Serial of the version received from the primaries.");
  for (const auto& z : zones_) {
    if (z->has_version) out += "canon_secondary_serial{zone=\"" + z->config.origin + "\"} " + std::to_string(z->serial) + "\n";
  }
  family("canon_secondary_expires_seconds", "gauge", "Seconds until the zone expires without a refresh.");
  for (const auto& z : zones_) {
    if (z->has_version && z->expires_at != Clock::time_point::max()) {
      out += "canon_secondary_expires_seconds{zone=\"" + z->config.origin + "\"} " +
             std::to_string(static_cast<long long>(std::max(0.0, seconds_between(now, z->expires_at)))) + "\n";
    }
  }
  family("canon_secondary_transfers_total", "counter", "Zone transfers received, by type and outcome.");
  for (const auto& z : zones_) {
    const std::string zone = "zone=\"" + z->config.origin + "\"";
    out += "canon_secondary_transfers_total{" + zone + ",type=\"axfr\",outcome=\"ok\"} " + std::to_string(z->axfr_ok) + "\n";
    out += "canon_secondary_transfers_total{" + zone + ",type=\"axfr\",outcome=\"failed\"} " + std::to_string(z->axfr_failed) + "\n";
    out += "canon_secondary_transfers_total{" + zone + ",type=\"ixfr\",outcome=\"ok\"} " + std::to_string(z->ixfr_ok) + "\n";
    out += "canon_secondary_transfers_total{" + zone + ",type=\"ixfr\",outcome=\"failed\"} " + std::to_string(z->ixfr_failed) + "\n";
  }
  family("canon_secondary_notifies_total", "counter", "NOTIFY messages received, by outcome.");
  for (const auto& z : zones_) {
    const std::string zone = "zone=\"" + z->config.origin + "\"";
    out += "canon_secondary_notifies_total{" + zone + ",outcome=\"accepted\"} " +
           std::to_string(z->notifies - z->notifies_refused) + "\n";
    out += "canon_secondary_notifies_total{" + zone + ",outcome=\"refused\"} " + std::to_string(z->notifies_refused) + "\n";
  }
  std::uint64_t dropped = 0;
  for (const nic::ControlMailbox* mailbox : mailboxes_) dropped += mailbox->dropped();
  family("canon_notify_dropped_total", "counter", "NOTIFYs the workers could not hand over (mailbox full).");
  out += "canon_notify_dropped_total " + std::to_string(dropped) + "\n";
  family("canon_notify_unknown_zone_total", "counter", "NOTIFYs for zones that are not secondary zones here.");
  out += "canon_notify_unknown_zone_total " + std::to_string(notifies_unknown_zone_) + "\n";
  return out;
}

}  // namespace canon::daemon
