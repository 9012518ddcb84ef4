// canond: the engine as a server. The main thread is the control thread:
//
//   options ─▶ compile the zones (a zone with errors is left out: SERVFAIL
//   for its names) ─▶ publisher(snapshot 1) ─▶ admin socket
//   ─▶ backend (opens every socket) ─▶ dnstap file (dnstap_writer.hpp) ─▶ metrics port
//   ─▶ user = "...": drop to it, no capability left (privileges.hpp)
//   ─▶ dnstap writer thread (connects a dnstap socket) ─▶ backend starts its pinned workers
//   ─▶ secondaries' thread (SOA timers, NOTIFY, transfers in; secondaries.hpp),
//      outgoing transfers (outgoing.hpp)
//   ─▶ READY=1 (service_notify.hpp)
//   ─▶ loop: epoll { signalfd, admin socket, admin clients, received versions }, WATCHDOG=1
//        SIGHUP: the config read again, every zone re-read · SIGTERM/SIGINT or `stop`: leave the loop
//   ─▶ STOPPING=1 ─▶ backend.stop() (workers answer what they took, TCP flushes)
//   ─▶ dnstap writer drains and closes its stream ─▶ exit 0
#include <malloc.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "nic/dpdk_backend.hpp"
#include "nic/fd.hpp"
#include "nic/socket_backend.hpp"
#include "tools/canond/admin_server.hpp"
#include "tools/canond/control.hpp"
#include "tools/canond/dnstap_writer.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/metrics_server.hpp"
#include "tools/canond/options.hpp"
#include "tools/canond/outgoing.hpp"
#include "tools/canond/policy_file.hpp"
#include "tools/canond/secondaries.hpp"
#include "tools/canond/transfer_config.hpp"
#include "tools/canond/privileges.hpp"
#include "tools/canond/service_notify.hpp"
#include "tools/canond/settings.hpp"
#include "tools/canond/zone_set.hpp"

namespace canon::daemon {
namespace {

constexpr std::uint64_t kSignalTag = 1;
constexpr std::uint64_t kReceivedTag = 2;
constexpr int kControlNice = 10;

// Signals are read from a signalfd by the control loop; every thread
// (workers are started later and inherit the mask) keeps them blocked.
nic::Fd block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return nic::Fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
}

// The readers of the published state: the workers and the TCP server.
unsigned readers_needed(const Settings& settings) {
  return settings.dpdk ? nic::DpdkBackend::readers_needed(settings.dpdk_backend)
                       : nic::SocketBackend::readers_needed(settings.backend);
}

// The CPUs this process may run on (taskset, cgroups), at least 1.
unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

// The --policy file compiled for `readers`; null without one. Throws.
std::shared_ptr<const engine::Policy> first_policy(const DaemonOptions& options, unsigned readers) {
  if (options.policy.empty()) return nullptr;
  auto policy = load_policy(options.policy, readers, options.workers);
  log_info("policy " + options.policy + ": " + std::to_string(policy->rule_count()) + " rule(s), rate limiting " +
           (policy->rrl().enabled ? "on (" + std::to_string(policy->rrl().rate) + "/s per prefix)" : "off"));
  return policy;
}

int serve(const DaemonOptions& options, const Settings& settings, ZoneSet zone_set,
          std::shared_ptr<const zones::ZoneTable> first, Control::OptionsSource reread,
          std::vector<SecondaryZone> secondary_zones, OutgoingSettings outgoing_settings) {
  nic::Fd signals = block_signals();
  ServiceNotifier notifier;  // connected now, while canond may still reach any socket
  nic::Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kSignalTag;
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, signals.get(), &event);

  const unsigned readers = readers_needed(settings);
  engine::ServedPublisher publisher(
      std::make_shared<const engine::Served>(engine::Served{std::move(first), first_policy(options, readers),
                                                   std::make_shared<const engine::EngineConfig>(options.engine)}),
      readers);
  AdminServer admin(options.admin_socket, epoll.get(), settings.run_as);
  std::unique_ptr<nic::Backend> chosen;
  if (settings.dpdk) {
    // EAL starts here, after the signal mask: its threads inherit it.
    auto dpdk = std::make_unique<nic::DpdkBackend>(settings.dpdk_backend, options.engine, publisher);
    for (const std::string& line : dpdk->describe_ports()) log_info(line);
    chosen = std::move(dpdk);
  } else {
    chosen = std::make_unique<nic::SocketBackend>(settings.backend, options.engine, publisher);
  }
  nic::Backend& backend = *chosen;
  // A file is created now, with the privileges the sockets were opened
  // with; declared after the backend, so that it stops before the rings it
  // drains go.
  std::unique_ptr<DnstapWriter> dnstap;
  if (options.dnstap.enabled()) {
    dnstap = std::make_unique<DnstapWriter>(options.dnstap, dnstap_identity(CANON_VERSION));
    log_info(dnstap->describe());
  }
  std::unique_ptr<Secondaries> secondaries;
  if (!secondary_zones.empty()) {
    std::vector<std::shared_ptr<const zones::LoadedZone>> served;
    for (const SecondaryZone& zone : secondary_zones) served.push_back(zone_set.find(zone.origin)->served);
    secondaries = std::make_unique<Secondaries>(std::move(secondary_zones), std::move(served), options.zone_limits,
                                                backend.control_mailboxes());
    backend.set_control_answerer([s = secondaries.get()](std::uint8_t* message, std::size_t length,
                                                         std::size_t capacity, const engine::ClientAddress& peer) {
      return s->answer_notify(message, length, capacity, peer, engine::address_text(peer) + " over TCP");
    });
    event.data.u64 = kReceivedTag;
    ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, secondaries->event_fd(), &event);
  }
  // AXFR and IXFR over TCP: served to allow-transfer, refused and logged otherwise.
  const bool keeps_journals = outgoing_settings.any() && !options.state_dir.empty();
  auto outgoing = std::make_unique<Outgoing>(std::move(outgoing_settings));
  backend.set_transfer_handoff([o = outgoing.get()](int fd, const std::uint8_t* request, std::size_t length,
                                                    const engine::ClientAddress& peer) {
    o->take(fd, request, length, peer);
  });
  Control control(options, std::move(zone_set), publisher, backend, readers, std::move(reread));
  control.attach_secondaries(secondaries.get());
  control.attach_outgoing(outgoing.get());
  control.attach_dnstap(dnstap.get());
  std::unique_ptr<MetricsServer> metrics;
  if (!options.metrics.empty()) {
    metrics = std::make_unique<MetricsServer>(options.metrics, epoll.get(),
                                              [&control] { return control.metrics_text(); });
  }
  if (settings.run_as) {
    // The state directory is written after the drop: make it the user's now.
    std::vector<std::string> state_dirs;
    if (secondaries) state_dirs.push_back(options.state_dir + "/zones");
    if (keeps_journals) state_dirs.push_back(options.state_dir + "/journal");
    if (!state_dirs.empty()) {
      state_dirs.insert(state_dirs.begin(), options.state_dir);
      std::error_code error;
      for (const std::string& dir : state_dirs) std::filesystem::create_directories(dir, error);
      for (const std::string& dir : state_dirs) {
        if (::chown(dir.c_str(), settings.run_as->uid, settings.run_as->gid) != 0) {
          throw std::runtime_error("cannot give state-dir " + dir + " to user " + settings.run_as->user + ": " +
                                   std::strerror(errno));
        }
      }
    }
    // Every socket is open; the workers have not started, so none of them
    // ever runs with privileges.
    drop_privileges(*settings.run_as);
    log_info("running as user " + settings.run_as->user + " (uid " + std::to_string(settings.run_as->uid) +
             "), group " + settings.run_as->group + " (gid " + std::to_string(settings.run_as->gid) +
             "), no capabilities");
  }
  control.on_reload([&notifier](bool begins) { (void)(begins ? notifier.reloading() : notifier.ready()); });
  if (dnstap) dnstap->start(backend.dnstap_sources());
  backend.start();
  if (secondaries) secondaries->start();
  outgoing->start();
  // Compiles run on this thread: let the workers (started above at nice 0)
  // win the CPU when they share it. Measured by bench/swap-latency: p99
  // inside a 1M-name swap window 4.2 ms at equal priority, 1.8 ms below.
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kControlNice) != 0) {
    log_warning("cannot lower the control thread's priority; compiles compete with workers");
  }

  std::string where;
  for (const std::string& address : backend.listening()) where += (where.empty() ? "" : ", ") + address;
  log_info("ready: generation " + std::to_string(publisher.generation()) + ", " +
           std::to_string(publisher.served()->zones->zone_count()) + " zone(s), " +
           std::to_string(publisher.served()->zones->record_count()) + " records; " + backend.name() +
           " backend, " + backend.transports() + " on " + where + "; " +
           std::to_string(options.workers) + " worker(s); admin socket " + admin.path() +
           (metrics ? "; metrics on http://" + metrics->address() + "/metrics" : ""));
  (void)notifier.ready();

  bool running = true;
  while (running && !control.stop_requested()) {
    epoll_event ready[16];
    // At least once a second (metrics, held-back log lines), and when the
    // watchdog is due.
    const auto until_watchdog = notifier.tick_watchdog(std::chrono::steady_clock::now());
    const int count = ::epoll_wait(epoll.get(), ready, 16,
                                   static_cast<int>(std::min<std::int64_t>(1000, until_watchdog.count())));
    if (metrics) metrics->tick(std::chrono::steady_clock::now());
    log_flush_repeats();
    for (int e = 0; e < count; ++e) {
      if (metrics && MetricsServer::owns(ready[e].data.u64)) {
        metrics->on_event(ready[e].data.u64, ready[e].events);
        continue;
      }
      if (ready[e].data.u64 == kReceivedTag) {
        control.take_received();
        continue;
      }
      if (ready[e].data.u64 != kSignalTag) {
        admin.on_event(ready[e].data.u64, ready[e].events, control);
        continue;
      }
      signalfd_siginfo info{};
      while (::read(signals.get(), &info, sizeof(info)) == sizeof(info)) {
        if (info.ssi_signo == SIGHUP) {
          log_info("SIGHUP: reading the config again and reloading every zone");
          (void)control.reload_config();
        } else {
          log_info(std::string(info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM") + ": stopping");
          running = false;
        }
      }
    }
  }
  if (secondaries) secondaries->stop();  // before the workers' sockets it answers NOTIFY on close
  outgoing->stop();
  (void)notifier.stopping();
  log_info("draining: workers answer what they took, TCP answers get up to 1 s to leave");
  backend.stop();
  if (dnstap) {
    dnstap->stop();
    const nlohmann::json counts = dnstap->stats();
    log_info("dnstap: " + counts["written"].dump() + " message(s) written; samples dropped: " +
             counts["dropped_ring_full"].dump() + " (ring full), " + counts["dropped_too_big"].dump() +
             " (too big), messages lost: " + counts["lost"].dump() + " (output closed or failing)");
  }
  log_info("stopped");
  return 0;
}

bool asks_check_config(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--check-config") return true;
  }
  return false;
}

int run(int argc, char** argv) {
  ParsedOptions parsed;
  try {
    parsed = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "canond: %s\n(canond --help shows the options)\n", e.what());
    return asks_check_config(argc, argv) ? 1 : 2;  // --check-config answers 0 or 1
  }
  if (parsed.outcome == OptionsOutcome::kHelp) {
    std::fputs(usage_text(), stdout);
    return 0;
  }
  if (parsed.outcome == OptionsOutcome::kVersion) {
    std::printf("canond %s\n", CANON_VERSION);
    return 0;
  }
  DaemonOptions& options = parsed.options;
  Settings settings;
  std::vector<SecondaryZone> secondary_zones;
  OutgoingSettings outgoing_settings;
  try {
    settings = make_settings(options);
    secondary_zones = resolve_secondaries(options);
    outgoing_settings = resolve_outgoing(options);
    for (const SecondaryZone& zone : secondary_zones) {
      for (const zones::ZoneSource& source : settings.zones) {
        if (ZoneSet::canonical(source.origin) == zone.origin) {
          throw std::runtime_error("zone " + zone.origin + " is both a --zone file and a [[secondary]]");
        }
      }
    }
    // NOTIFYs go to the secondaries' thread: over TCP from the TCP server
    // (with DPDK, the kernel's TCP through the exception path), over UDP
    // from the socket backend's workers, or with DPDK through the exception
    // path (nic/kernel_notify_receiver.hpp); DPDK without one answers UDP
    // NOTIFY NOTIMP, and the SOA timers alone refresh.
    options.engine.notify_to_control = !secondary_zones.empty();
    options.engine.udp_notify_to_control = !settings.dpdk || !settings.dpdk_backend.exception_interface.empty();
    options.engine.transfers_to_control = true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "canond: %s\n", e.what());
    return options.check_config ? 1 : 2;
  }
  set_log_level(settings.log_level);
  set_log_target(settings.log_target);

  const char* what = options.check_config ? "check-config" : "start-up";
  // The workers have not started: every core reads zone files.
  std::vector<ZoneUpdate> updates;
  // A secondary zone is served from its state file, as last received;
  // without one, SERVFAIL until its first transfer.
  std::vector<zones::ZoneSource> sources = settings.zones;
  for (const SecondaryZone& zone : secondary_zones) {
    struct stat info{};
    if (::stat(zone.source.file.c_str(), &info) == 0) {
      sources.push_back(zone.source);
    } else {
      log_info("zone " + zone.origin + ": nothing received yet (no " + zone.source.file +
               "); SERVFAIL until the first transfer");
      updates.push_back(ZoneUpdate{zones::failed_zone(zone.source), true});
    }
  }
  for (auto& zone : load_all_logged(sources, what, options.zone_limits, usable_cpus())) {
    updates.push_back(ZoneUpdate{std::move(zone), true});
  }
  if (updates.empty()) log_warning("no zones given: every query is REFUSED until a zone-load");
  // Every zone that compiles is served; one with errors is reported and
  // its names get SERVFAIL (as knotd and nsd do), so start-up goes on.
  // Each zone compiles alone, on every core as the files were read.
  ZoneUpdateOutcome outcome =
      apply_updates(ZoneSet{}, updates, {}, what, options.zone_limits, unix_now(), usable_cpus());
  // Findings are printed as canon-checkzone prints them; under journald or
  // syslog they go through the log, so that they carry their priority.
  auto finding = [&](LogLevel level, const std::string& line) {
    if (options.check_config) std::fprintf(stdout, "%s\n", line.c_str());
    else if (log_target() != LogTarget::kStderr) log(level, line);
    else std::fprintf(stderr, "%s\n", line.c_str());
  };
  for (const std::string& line : outcome.refused_lines) finding(LogLevel::kError, line);
  for (const std::string& line : finding_lines(outcome.warnings)) finding(LogLevel::kWarning, line);
  if (!outcome.refused.empty()) {
    std::string origins;
    for (const ZoneState& zone : outcome.next.zones()) {
      if (zone.stale()) origins += " " + ZoneSet::canonical(zone.source.origin);
    }
    finding(LogLevel::kError, "canond: " + std::to_string(outcome.refused.size()) + " zone(s) with errors" +
                                  (options.check_config ? "" : " (their names get SERVFAIL)") + ":" + origins);
    if (options.check_config) return 1;
  }
  ZoneSet zone_set = std::move(outcome.next);
  if (options.check_config) {
    std::size_t rules = 0;
    if (!options.policy.empty()) {
      try {
        rules = load_policy(options.policy, 1, 1)->rule_count();
      } catch (const std::exception& e) {
        std::fprintf(stdout, "%s\n", e.what());
        return 1;
      }
    }
    std::printf("canond: configuration OK: %zu zone(s), %llu records%s\n", zone_set.zones().size(),
                static_cast<unsigned long long>(outcome.stats.records),
                options.policy.empty() ? "" : (", policy " + std::to_string(rules) + " rule(s)").c_str());
    return 0;
  }
  ::malloc_trim(0);  // the compile's scratch: see Control::publish
  try {
    // SIGHUP reads the same command line and config file again.
    Control::OptionsSource reread = [argc, argv] { return parse_options(argc, argv).options; };
    std::shared_ptr<const zones::ZoneTable> table = std::move(outcome.table);
    return serve(options, settings, std::move(zone_set), std::move(table), std::move(reread),
                 std::move(secondary_zones), std::move(outgoing_settings));
  } catch (const std::exception& e) {
    log_error(e.what());
    return 1;
  }
}

}  // namespace
}  // namespace canon::daemon

int main(int argc, char** argv) { return canon::daemon::run(argc, argv); }
