#include "tools/canond/outgoing.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "tools/canond/dns_tcp.hpp"
#include "tools/canond/log.hpp"
#include "zones/dns_message.hpp"
#include "zones/ixfr_journal.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"
#include "zones/tsig.hpp"

namespace canon::daemon {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kNotifyRetry = std::chrono::seconds(2);
constexpr unsigned kNotifySends = 5;
constexpr int kSendWaitMs = 10'000;

}  // namespace

Outgoing::Outgoing(OutgoingSettings settings)
    : settings_(std::move(settings)),
      notify_socket_v4_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)),
      notify_socket_v6_(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) {}

Outgoing::~Outgoing() { stop(); }

void Outgoing::start() {
  thread_ = std::thread([this] { run(); });
}

void Outgoing::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Transfers in flight end within their send waits.
  for (int i = 0; i < 200 && running_transfers_.load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

const std::vector<TransferAcl>& Outgoing::acl_of(const std::string& origin) const {
  auto it = settings_.zone_allow.find(origin);
  return it != settings_.zone_allow.end() ? it->second : settings_.allow;
}

std::vector<NotifyTarget> Outgoing::targets_of(const std::string& origin) const {
  std::vector<NotifyTarget> out = settings_.notify;
  auto it = settings_.zone_notify.find(origin);
  if (it != settings_.zone_notify.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  return out;
}

void Outgoing::served(const ZoneSet& zones) {
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, Version> next;
    for (const ZoneState& state : zones.zones()) {
      if (state.served->failed) continue;
      const std::string origin = ZoneSet::canonical(state.source.origin);
      auto old = versions_.find(origin);
      if (old != versions_.end() && old->second.zone == state.served) {
        next.emplace(origin, std::move(old->second));
        continue;
      }
      Version version;
      version.zone = state.served;
      (void)zones::apex_soa_rr(*state.served, &version.serial);
      // The diff costs a pass over both versions: only for a zone some
      // downstream may ask IXFR of.
      if (old != versions_.end() && !acl_of(origin).empty()) {
        version.diffs = std::move(old->second.diffs);
        diff_jobs_.push_back(DiffJob{origin, old->second.zone, state.served});
      } else if (old == versions_.end() && !acl_of(origin).empty()) {
        version.diffs = journal_of(origin, version.serial);
      }
      for (NotifyTarget& target : targets_of(origin)) {
        notifies_.push_back(PendingNotify{origin, std::move(target), dns_tcp::random_id(), 0, Clock::now()});
      }
      next.emplace(origin, std::move(version));
    }
    versions_ = std::move(next);
  }
  wake_.notify_all();
}

void Outgoing::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!diff_jobs_.empty()) {
      DiffJob job = std::move(diff_jobs_.front());
      diff_jobs_.erase(diff_jobs_.begin());
      lock.unlock();
      auto diff = std::make_shared<const zones::ZoneDiff>(zones::diff_versions(*job.previous, *job.next));
      lock.lock();
      auto it = versions_.find(job.origin);
      if (it != versions_.end() && it->second.zone == job.next) {
        auto& diffs = it->second.diffs;
        if (!diffs.empty() && diffs.back()->to != diff->from) diffs.clear();  // a gap: older diffs are no use
        diffs.push_back(std::move(diff));
        while (diffs.size() > kKeptDiffs) diffs.pop_front();
        if (!settings_.state_dir.empty()) {
          std::vector<std::shared_ptr<const zones::ZoneDiff>> kept(diffs.begin(), diffs.end());
          lock.unlock();
          write_journal(job.origin, std::move(kept));
          lock.lock();
        }
      }
      continue;
    }
    const auto now = Clock::now();
    for (auto it = notifies_.begin(); it != notifies_.end();) {
      if (it->next > now) {
        ++it;
        continue;
      }
      if (it->sent == kNotifySends) {
        log_warning("zone " + it->origin + ": NOTIFY to " + it->target.address.text + " unanswered after " +
                    std::to_string(kNotifySends) + " tries; given up");
        ++counts_[it->origin].notify_failed;
        it = notifies_.erase(it);
        continue;
      }
      send_notify(*it);
      ++it;
    }
    lock.unlock();
    read_notify_answers();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

std::deque<std::shared_ptr<const zones::ZoneDiff>> Outgoing::journal_of(const std::string& origin,
                                                                      std::uint32_t serial) const {
  if (settings_.state_dir.empty()) return {};
  const std::string path = zones::ixfr_journal_path(settings_.state_dir, origin);
  std::string error;
  auto diffs = zones::read_ixfr_journal(path, error);
  if (!diffs) return {};
  if (!error.empty()) {
    log_warning("zone " + origin + ": IXFR journal " + path + " refused: " + error + "; IXFR from older serials "
                "is answered with the whole zone until new diffs are kept");
    return {};
  }
  if (diffs->empty() || diffs->back()->to != serial) {
    log_info("zone " + origin + ": IXFR journal " + path + " ends at serial " +
             (diffs->empty() ? std::string("(none)") : std::to_string(diffs->back()->to)) + ", the zone is at " +
             std::to_string(serial) + ": not used");
    return {};
  }
  log_info("zone " + origin + ": IXFR journal: " + std::to_string(diffs->size()) + " diff(s), serials " +
           std::to_string(diffs->front()->from) + " -> " + std::to_string(serial));
  return {diffs->begin(), diffs->end()};
}

void Outgoing::write_journal(const std::string& origin,
                             std::vector<std::shared_ptr<const zones::ZoneDiff>> diffs) const {
  const std::string path = zones::ixfr_journal_path(settings_.state_dir, origin);
  try {
    zones::write_ixfr_journal(path, diffs);
  } catch (const std::exception& e) {
    log_warning("zone " + origin + ": IXFR journal not written (" + e.what() + "); kept in memory only");
  }
}

void Outgoing::send_notify(PendingNotify& notify) {
  std::string wire;
  (void)zones::text_to_wire(notify.origin, wire);
  std::vector<std::uint8_t> message = zones::build_request(
      notify.id, zones::dns_header::kOpcodeNotify,
      {reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()}, zones::rr::SOA);
  message[2] |= 0x04;  // AA (RFC 1996 §3.7)
  if (notify.target.key) (void)zones::tsig_sign(message, *notify.target.key, dns_tcp::unix_seconds());
  const int fd = notify.target.address.family() == AF_INET6 ? notify_socket_v6_.get() : notify_socket_v4_.get();
  (void)::sendto(fd, message.data(), message.size(), 0,
                 reinterpret_cast<const sockaddr*>(&notify.target.address.address), notify.target.address.length);
  ++notify.sent;
  ++counts_[notify.origin].notify_sent;
  notify.next = Clock::now() + kNotifyRetry;
}

void Outgoing::read_notify_answers() {
  std::uint8_t buffer[4096];
  for (const nic::Fd* socket : {&notify_socket_v4_, &notify_socket_v6_}) {
    for (;;) {
      const ssize_t n = ::recv(socket->get(), buffer, sizeof(buffer), 0);
      if (n < static_cast<ssize_t>(zones::dns_header::kSize)) break;
      zones::MessageReader reader({buffer, static_cast<std::size_t>(n)});
      if (reader.failed() || !reader.header().is_response() || !reader.has_question()) continue;
      const std::string origin = zones::wire_to_text(reader.question_name().bytes.data());
      std::lock_guard lock(mutex_);
      for (auto it = notifies_.begin(); it != notifies_.end(); ++it) {
        if (it->id != reader.header().id || ZoneSet::canonical(origin) != it->origin) continue;
        if (reader.header().rcode() == 0) {
          ++counts_[it->origin].notify_answered;
          log_debug("zone " + it->origin + ": NOTIFY to " + it->target.address.text + " answered");
        } else {
          ++counts_[it->origin].notify_failed;
          log_warning("zone " + it->origin + ": NOTIFY to " + it->target.address.text + " answered RCODE " +
                      std::to_string(reader.header().rcode()));
        }
        notifies_.erase(it);
        break;
      }
    }
  }
}

void Outgoing::take(int fd, const std::uint8_t* request, std::size_t length, const engine::ClientAddress& peer) {
  nic::Fd own(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!own) return;
  ++running_transfers_;
  std::thread([this, own = std::move(own), message = std::vector<std::uint8_t>(request, request + length),
               peer]() mutable {
    serve_transfer(std::move(own), std::move(message), peer);
    --running_transfers_;
  }).detach();
}

void Outgoing::serve_transfer(nic::Fd fd, std::vector<std::uint8_t> request, engine::ClientAddress peer) {
  const auto start = Clock::now();
  zones::MessageReader reader(request);
  if (reader.failed() || !reader.has_question()) return;  // the engine checked it
  const std::uint16_t qtype = reader.question_type();
  const std::string type = qtype == zones::rr::IXFR ? "IXFR" : "AXFR";
  const std::string origin = ZoneSet::canonical(zones::wire_to_text(reader.question_name().bytes.data()));
  const std::span<const std::uint8_t> question(request.data() + zones::dns_header::kSize,
                                               reader.offset() - zones::dns_header::kSize);
  const std::string who = type + " of " + origin + " to " + engine::address_text(peer);
  // The client's serial (IXFR: the SOA in the authority section).
  std::optional<std::uint32_t> client_serial;
  zones::MessageRr rr;
  while (reader.next(rr)) {
    if (rr.section == 2 && rr.type == zones::rr::SOA && zones::rdata_is_well_formed(zones::rr::SOA, rr.rdata)) {
      client_serial = zones::soa_serial(rr.rdata);
    }
  }
  // TSIG: which key signed it, if any.
  const zones::TsigKey* key = nullptr;
  std::vector<std::uint8_t> request_mac;
  const zones::TsigError tsig = zones::tsig_verify_request(request, settings_.keys, dns_tcp::unix_seconds(), &key, &request_mac);
  const bool signed_ok = tsig == zones::TsigError::kOk;
  // The refusal, as an answer with no records; logged and counted before
  // it is sent, so that whoever reads the answer finds both.
  auto refuse = [&](unsigned rcode, const std::string& why) {
    log_warning(who + " refused: " + why);
    {
      std::lock_guard lock(mutex_);
      ++counts_[origin].refused;
    }
    std::vector<std::uint8_t> answer =
        zones::empty_answer(request, zones::dns_header::kSize + question.size(), rcode, false);
    if (signed_ok) (void)zones::tsig_sign(answer, *key, dns_tcp::unix_seconds(), request_mac);
    (void)dns_tcp::send_framed(fd.get(), answer, kSendWaitMs);
  };
  if (tsig != zones::TsigError::kOk && tsig != zones::TsigError::kUnsigned) {
    return refuse(9, "TSIG " + std::string(zones::tsig_error_text(tsig)));
  }
  if (running_transfers_.load() > kMaxTransfers) return refuse(5, "more than " + std::to_string(kMaxTransfers) + " transfers at once");
  Version version;
  {
    std::lock_guard lock(mutex_);
    auto it = versions_.find(origin);
    if (it != versions_.end()) version = it->second;
  }
  if (!version.zone) return refuse(9, "not a zone served here");
  bool allowed = false;
  for (const TransferAcl& acl : acl_of(origin)) {
    if (acl.prefix.contains(peer) && (!acl.key || (signed_ok && acl.key->name == key->name))) allowed = true;
  }
  if (!allowed) return refuse(5, signed_ok || tsig == zones::TsigError::kUnsigned ? "not allowed by allow-transfer" : "");

  // The stream, each message signed when the request was.
  std::unique_ptr<zones::TsigStreamSigner> signer;
  if (signed_ok) signer = std::make_unique<zones::TsigStreamSigner>(*key, request_mac);
  std::uint64_t messages = 0, bytes = 0;
  const zones::EmitMessage emit = [&](std::vector<std::uint8_t>& message) {
    if (signer) (void)signer->sign(message, dns_tcp::unix_seconds());
    ++messages;
    bytes += message.size();
    return dns_tcp::send_framed(fd.get(), message, kSendWaitMs).empty();
  };
  const std::uint16_t id = reader.header().id;
  std::string how = "AXFR-style";
  bool sent;
  if (qtype == zones::rr::IXFR && client_serial && !zones::serial_newer(version.serial, *client_serial)) {
    how = "up to date";
    sent = zones::write_soa_only(*version.zone, id, question, emit);
  } else {
    std::vector<const zones::ZoneDiff*> chain;
    if (qtype == zones::rr::IXFR && client_serial) {
      for (const auto& diff : version.diffs) {
        if (chain.empty() && diff->from != *client_serial) continue;
        chain.push_back(diff.get());
      }
      if (!chain.empty() && chain.back()->to != version.serial) chain.clear();
    }
    if (!chain.empty()) {
      how = std::to_string(chain.size()) + " diff(s)";
      sent = zones::write_ixfr(*version.zone, chain, id, question, emit);
    } else {
      sent = zones::write_axfr(*version.zone, id, question, emit);
    }
  }
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.3f", std::chrono::duration<double>(Clock::now() - start).count());
  const std::string summary = who + ": serial " + (client_serial ? std::to_string(*client_serial) + " -> " : "") +
                              std::to_string(version.serial) + (qtype == zones::rr::IXFR ? " (" + how + ")" : "") +
                              ", " + std::to_string(messages) + " messages, " + std::to_string(bytes) + " bytes, " +
                              seconds + " s" + (signer ? ", TSIG " + key->name : "");
  if (!sent) {
    log_warning(summary + ": cut (the client stopped reading or closed)");
    return;
  }
  log_info(summary);
  std::lock_guard lock(mutex_);
  ++(qtype == zones::rr::IXFR ? counts_[origin].ixfr : counts_[origin].axfr);
}

std::string Outgoing::metrics_text() const {
  std::lock_guard lock(mutex_);
  std::string out =
      "# HELP canon_transfers_out_total Zone transfers sent to downstreams, by type; refused requests.\n"
      "# TYPE canon_transfers_out_total counter\n";
  for (const auto& [origin, c] : counts_) {
    const std::string zone = "zone=\"" + origin + "\"";
    out += "canon_transfers_out_total{" + zone + ",type=\"axfr\"} " + std::to_string(c.axfr) + "\n";
    out += "canon_transfers_out_total{" + zone + ",type=\"ixfr\"} " + std::to_string(c.ixfr) + "\n";
    out += "canon_transfers_out_total{" + zone + ",type=\"refused\"} " + std::to_string(c.refused) + "\n";
  }
  out += "# HELP canon_notify_out_total NOTIFY messages sent to downstreams, by outcome.\n"
         "# TYPE canon_notify_out_total counter\n";
  for (const auto& [origin, c] : counts_) {
    const std::string zone = "zone=\"" + origin + "\"";
    out += "canon_notify_out_total{" + zone + ",outcome=\"sent\"} " + std::to_string(c.notify_sent) + "\n";
    out += "canon_notify_out_total{" + zone + ",outcome=\"answered\"} " + std::to_string(c.notify_answered) + "\n";
    out += "canon_notify_out_total{" + zone + ",outcome=\"failed\"} " + std::to_string(c.notify_failed) + "\n";
  }
  return out;
}

}  // namespace canon::daemon
