// canond's dnstap writer: the thread that turns the workers' samples into a
// dnstap log (Frame Streams of protobuf dnstap.Dnstap messages, libfstrm).
//
//   workers ── one ring each (nic/dnstap_ring.hpp) ──▶ writer thread:
//     per sample: AUTH_QUERY and/or AUTH_RESPONSE encoded (dnstap_encode.hpp)
//     ─▶ batches of up to 64 frames ─▶ fstrm_writer_writev ─▶ file | unix socket
//     every ring empty: sleeps 1 ms (the writer is not on the data path)
//
// A file is created by the constructor, on the control thread before canond
// drops its privileges, like the sockets (or truncated: each start writes a
// new stream, as knotd does), with the process's umask. A socket (content
// type "protobuf:dnstap.Dnstap", bidirectional handshake) is connected by
// the writer thread, so a listener slow to answer never holds up start-up;
// one that is not there yet, or goes away, is tried again every second, as
// the run-as user (who must be allowed to connect). A file that fails a
// write (disk full) is not reopened, since reopening would truncate it.
// Samples drained while the output is closed are counted as lost.
//
// stop() runs after the workers stopped: every ring is drained, the stream
// closed (its STOP frame written: the file is complete), the thread joined.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/uio.h>

#include <nlohmann/json.hpp>

#include "engine/counter.hpp"
#include "nic/dnstap_ring.hpp"
#include "tools/canond/dnstap_encode.hpp"
#include "tools/canond/options.hpp"

struct fstrm_writer;

namespace canon::daemon {

class DnstapWriter {
 public:
  static constexpr std::size_t kBatch = 64;  // frames per writev
  static constexpr auto kIdleSleep = std::chrono::milliseconds(1);
  static constexpr auto kRetry = std::chrono::seconds(1);

  // Creates the file; throws std::runtime_error when it cannot. A socket is
  // left to the writer thread.
  DnstapWriter(const DnstapOptions& options, DnstapIdentity identity);
  ~DnstapWriter();
  DnstapWriter(const DnstapWriter&) = delete;
  DnstapWriter& operator=(const DnstapWriter&) = delete;

  // Starts draining `sources` (they must outlive stop()).
  void start(std::vector<nic::DnstapSource> sources);
  // Drains, closes the stream, joins. Idempotent.
  void stop() noexcept;

  // "dnstap: auth-query and auth-response messages of 1 in 100 queries to file /var/log/..."
  [[nodiscard]] std::string describe() const;
  // The `dnstap` section of `stats`: the output and the counts.
  [[nodiscard]] nlohmann::json stats() const;

 private:
  void run() noexcept;
  // Takes what the rings hold (at most kDrainPerRing from each); returns the samples taken.
  std::size_t drain() noexcept;
  void add(const nic::DnstapSample& sample, DnstapMessageType type) noexcept;
  void flush() noexcept;
  // Opens the output; false (and logged, once per outage) when it cannot.
  bool open() noexcept;
  void close() noexcept;
  [[nodiscard]] std::string output_text() const;

  DnstapOptions options_;
  DnstapEncoder encoder_;
  std::vector<nic::DnstapSource> sources_;
  fstrm_writer* writer_ = nullptr;  // null: the output is closed
  bool failed_logged_ = false;
  bool file_failed_ = false;  // a file that failed is not reopened
  std::chrono::steady_clock::time_point next_open_{};
  // The batch being built: frames one after the other in `arena_`.
  std::vector<std::uint8_t> arena_;
  std::size_t arena_used_ = 0;
  std::size_t frame_max_ = 0;  // the encoder's max_encoded()
  iovec frames_[kBatch]{};
  std::size_t frame_count_ = 0;
  // Written by the writer thread, read by the control thread.
  engine::Counter written_;  // dnstap messages the output took
  engine::Counter lost_;     // messages encoded while the output was closed, or in a failed write
  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The identity every message carries: this host's name and "canon VERSION".
[[nodiscard]] DnstapIdentity dnstap_identity(const std::string& version);

}  // namespace canon::daemon
