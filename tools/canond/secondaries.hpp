// The secondary zones: their SOA timers, the NOTIFYs the workers hand over,
// and the transfers, on a thread of their own (a 1M-record AXFR must not
// hold up the admin socket, and never a worker).
//
//   NOTIFY (workers' mailboxes) ─┐
//   refresh timer, canonctl ─────┼─▶ SOA? ─▶ IXFR (AXFR when refused or no
//                                │         journal) ─▶ a whole new version
//                                │   ─▶ ready() for the control thread (eventfd)
//   control thread: publish ─────┴─▶ published() ─▶ state file written,
//                                      timers from the new SOA
//
// A transfer that fails, is cut or does not verify changes nothing served;
// it is logged with zone, primary and reason, and retried after the SOA's
// retry interval. A zone whose expire interval passes without a refresh
// goes SERVFAIL (as knotd and nsd do) until a transfer succeeds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "nic/control_mailbox.hpp"
#include "nic/fd.hpp"
#include "tools/canond/transfer_config.hpp"
#include "zones/compiler.hpp"
#include "zones/limits.hpp"

namespace canon::daemon {

// A version for the control thread to publish.
struct ReceivedVersion {
  std::string origin;
  std::shared_ptr<const zones::LoadedZone> zone;  // LoadedZone::failed: expired, serve SERVFAIL;
                                                  // null: no longer a zone (left its catalog)
  std::string what;                               // "IXFR serial 2"
};

class Secondaries {
 public:
  // `served`: each zone's version served at start-up (from its state file,
  // or the failed stand-in when it has none), in `zones`' order.
  Secondaries(std::vector<SecondaryZone> zones, std::vector<std::shared_ptr<const zones::LoadedZone>> served,
              const zones::ZoneLimits& limits, std::vector<nic::ControlMailbox*> mailboxes);
  ~Secondaries();
  Secondaries(const Secondaries&) = delete;
  Secondaries& operator=(const Secondaries&) = delete;

  void start();
  void stop() noexcept;

  // Readable when ready() has versions waiting (an eventfd).
  [[nodiscard]] int event_fd() const noexcept { return event_.get(); }
  // Control thread: the versions to publish, then published() for each.
  [[nodiscard]] std::vector<ReceivedVersion> ready();
  // `error` empty: it is served now. Else the compile refused it.
  void published(const std::string& origin, const std::shared_ptr<const zones::LoadedZone>& zone,
                 const std::string& error);

  [[nodiscard]] bool has(const std::string& origin) const;
  // A NOTIFY, answered in place (the answer's length; 0: none). Any thread:
  // this one for the workers' datagrams, the TCP server's for NOTIFY over
  // TCP (knotd sends them so). `peer` names the sender in the log.
  std::size_t answer_notify(std::uint8_t* message, std::size_t length, std::size_t capacity,
                            const engine::ClientAddress& source, const std::string& peer);
  // canonctl zone-refresh / zone-retransfer; false when not a secondary zone.
  bool refresh(const std::string& origin, bool full_transfer);
  // zone-status fields of a secondary zone (null when it is not one).
  [[nodiscard]] nlohmann::json status(const std::string& origin) const;
  // Prometheus lines (canon_secondary_*), per zone.
  [[nodiscard]] std::string metrics_text() const;

 private:
  struct Zone;
  void run();
  void take_notifies();
  void answer_datagram(const nic::HandedDatagram& datagram);
  void refresh_zone(Zone& zone);  // called without mutex_ held
  void persist(Zone& zone);
  // A catalog whose new version waits: its members added and dropped (on
  // this thread, between refreshes). False when none waits.
  bool apply_a_catalog();
  Zone* find(const std::string& origin);
  [[nodiscard]] const Zone* find(const std::string& origin) const;
  void hand_over(ReceivedVersion version);

  std::vector<std::unique_ptr<Zone>> zones_;
  zones::ZoneLimits limits_;
  std::vector<nic::ControlMailbox*> mailboxes_;
  nic::Fd event_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<ReceivedVersion> ready_;
  bool stopping_ = false;
  std::uint64_t notifies_unknown_zone_ = 0;
  std::thread thread_;
};

}  // namespace canon::daemon
