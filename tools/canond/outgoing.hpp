// Outgoing zone transfers and NOTIFY: canond as a primary for downstream
// secondaries and monitors.
//
//   TCP server: AXFR/IXFR request ─▶ take() (the connection dup'ed) ─▶ a
//     thread per transfer (at most kMaxTransfers at once): allow-transfer and
//     TSIG checked, then the stream (zones/transfer_out.hpp), each message
//     signed when the request was; anything not allowed: REFUSED, logged,
//     counted
//   control thread: every publish ─▶ served() ─▶ per new version: the diff
//     from the previous one kept (IXFR; the last kKeptDiffs), NOTIFY sent to
//     the zone's targets over UDP, retried (RFC 1996 §3.6) until answered
//   with a state-dir, the kept diffs are also the zone's IXFR journal
//     (zones/ixfr_journal.hpp), rewritten after each new diff and read at
//     start-up when it ends at the serial served, so IXFR outlives a restart
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/client_address.hpp"
#include "nic/fd.hpp"
#include "tools/canond/transfer_config.hpp"
#include "tools/canond/zone_set.hpp"
#include "zones/transfer_out.hpp"

namespace canon::daemon {

class Outgoing {
 public:
  static constexpr std::size_t kKeptDiffs = 16;
  static constexpr unsigned kMaxTransfers = 8;

  explicit Outgoing(OutgoingSettings settings);
  ~Outgoing();
  Outgoing(const Outgoing&) = delete;
  Outgoing& operator=(const Outgoing&) = delete;

  void start();
  void stop() noexcept;

  // Control thread, after each publish (and once at start-up).
  void served(const ZoneSet& zones);
  // TCP server thread: a transfer request on `fd` (dup'ed here; the caller closes its own).
  void take(int fd, const std::uint8_t* request, std::size_t length, const engine::ClientAddress& peer);

  [[nodiscard]] std::string metrics_text() const;

 private:
  struct Version {
    std::shared_ptr<const zones::LoadedZone> zone;
    std::uint32_t serial = 0;
    std::deque<std::shared_ptr<const zones::ZoneDiff>> diffs;  // oldest first, the last one to `serial`
  };
  struct PendingNotify {
    std::string origin;
    NotifyTarget target;
    std::uint16_t id = 0;
    unsigned sent = 0;
    std::chrono::steady_clock::time_point next;
  };
  struct Counts {
    std::uint64_t axfr = 0, ixfr = 0, refused = 0, notify_sent = 0, notify_answered = 0, notify_failed = 0;
  };

  void run();  // NOTIFY sending and retries, diffs
  // The journal's diffs for `origin` when it ends at `serial` (logged either way).
  [[nodiscard]] std::deque<std::shared_ptr<const zones::ZoneDiff>> journal_of(const std::string& origin,
                                                                            std::uint32_t serial) const;
  void write_journal(const std::string& origin, std::vector<std::shared_ptr<const zones::ZoneDiff>> diffs) const;
  void serve_transfer(nic::Fd fd, std::vector<std::uint8_t> request, engine::ClientAddress peer);
  void send_notify(PendingNotify& notify);
  void read_notify_answers();
  [[nodiscard]] const std::vector<TransferAcl>& acl_of(const std::string& origin) const;
  [[nodiscard]] std::vector<NotifyTarget> targets_of(const std::string& origin) const;

  OutgoingSettings settings_;
  nic::Fd notify_socket_v4_, notify_socket_v6_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Version> versions_;  // canonical origin → served version
  struct DiffJob {
    std::string origin;
    std::shared_ptr<const zones::LoadedZone> previous, next;
  };
  std::vector<DiffJob> diff_jobs_;
  std::vector<PendingNotify> notifies_;
  std::map<std::string, Counts> counts_;
  bool stopping_ = false;
  std::atomic<unsigned> running_transfers_{0};
  std::vector<std::thread> transfers_;
  std::thread thread_;
};

}  // namespace canon::daemon
