#include "tools/canond/dnstap_writer.hpp"

#include <fstrm.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "tools/canond/log.hpp"

namespace canon::daemon {

namespace {

constexpr char kContentType[] = "protobuf:dnstap.Dnstap";
// Samples taken from one ring before looking at the next: no worker's ring
// waits long behind a busy one.
constexpr std::size_t kDrainPerRing = 256;

// A writer for the file or the socket, not yet opened; null on failure.
fstrm_writer* make_writer(const DnstapOptions& options) {
  fstrm_writer_options* wopt = fstrm_writer_options_init();
  fstrm_writer_options_add_content_type(wopt, kContentType, sizeof(kContentType) - 1);
  fstrm_writer* w = nullptr;
  if (!options.file.empty()) {
    fstrm_file_options* fopt = fstrm_file_options_init();
    fstrm_file_options_set_file_path(fopt, options.file.c_str());
    w = fstrm_file_writer_init(fopt, wopt);
    fstrm_file_options_destroy(&fopt);
  } else {
    fstrm_unix_writer_options* uopt = fstrm_unix_writer_options_init();
    fstrm_unix_writer_options_set_socket_path(uopt, options.socket.c_str());
    w = fstrm_unix_writer_init(uopt, wopt);
    fstrm_unix_writer_options_destroy(&uopt);
  }
  fstrm_writer_options_destroy(&wopt);
  return w;
}

std::string messages_text(const std::vector<std::string>& messages) {
  std::string text;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == messages.size() ? " and " : ", ") + messages[i];
  }
  return text;
}

}  // namespace

DnstapIdentity dnstap_identity(const std::string& version) {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return DnstapIdentity{host, "canon " + version};
}

DnstapWriter::DnstapWriter(const DnstapOptions& options, DnstapIdentity identity)
    : options_(options), encoder_(identity) {
  frame_max_ = encoder_.max_encoded();
  arena_.resize(kBatch * frame_max_);
  // A socket is connected by the writer thread: a listener that is slow to
  // answer the handshake never holds up start-up.
  if (!options_.file.empty() && !open()) {
    throw std::runtime_error("dnstap: cannot create " + options_.file + ": " +
                             std::strerror(errno) +
                             (options_.where.empty() ? "" : " (" + options_.where + ")"));
  }
}

DnstapWriter::~DnstapWriter() {
  stop();
}

void DnstapWriter::start(std::vector<nic::DnstapSource> sources) {
  sources_ = std::move(sources);
  thread_ = std::thread([this] { run(); });
  ::pthread_setname_np(thread_.native_handle(), "canond-dnstap");
}

void DnstapWriter::stop() noexcept {
  stop_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
  close();
}

std::string DnstapWriter::output_text() const {
  return options_.file.empty() ? "socket " + options_.socket : "file " + options_.file;
}

std::string DnstapWriter::describe() const {
  return "dnstap: " + messages_text(options_.messages) + " messages of " +
         (options_.sample == 1 ? std::string("every query")
                               : "1 in " + std::to_string(options_.sample) + " queries") +
         " to " + output_text() +
         (options_.file.empty() ? " (connected by the writer thread, retried every second)" : "");
}

nlohmann::json DnstapWriter::stats() const {
  std::uint64_t sampled = 0, full = 0, too_big = 0;
  for (const nic::DnstapSource& source : sources_) {
    const nic::DnstapCounters& c = source.ring->counters();
    sampled += c.sampled;
    full += c.dropped_full;
    too_big += c.dropped_too_big;
  }
  std::string messages;
  for (const std::string& m : options_.messages) messages += (messages.empty() ? "" : ",") + m;
  return nlohmann::json{
      {"output", output_text()},   {"sample", options_.sample},
      {"messages", messages},      {"connected", connected_.load(std::memory_order_relaxed)},
      {"sampled", sampled},        {"written", written_.load()},
      {"dropped_ring_full", full}, {"dropped_too_big", too_big},
      {"lost", lost_.load()}};
}

bool DnstapWriter::open() noexcept {
  writer_ = make_writer(options_);
  errno = 0;
  if (writer_ != nullptr && fstrm_writer_open(writer_) == fstrm_res_success) {
    connected_.store(true, std::memory_order_relaxed);
    if (failed_logged_) log_info("dnstap: connected to " + output_text());
    failed_logged_ = false;
    return true;
  }
  const int error = errno;
  if (writer_ != nullptr) fstrm_writer_destroy(&writer_);
  writer_ = nullptr;
  if (!failed_logged_ && options_.file.empty()) {
    log_warning(
        "dnstap: cannot connect to " + output_text() +
        (error ? std::string(": ") + std::strerror(error) : "") +
        " (is a Frame Streams listener there, writable by canond's user?); retried every second, "
        "samples are lost meanwhile");
    failed_logged_ = true;
  }
  errno = error;
  return false;
}

void DnstapWriter::close() noexcept {
  if (writer_ == nullptr) return;
  // STOP frame (and, on a socket, FINISH awaited), then the file closed.
  if (fstrm_writer_close(writer_) != fstrm_res_success) {
    log_warning("dnstap: closing " + output_text() + " failed; its stream may lack its end");
  }
  fstrm_writer_destroy(&writer_);
  writer_ = nullptr;
  connected_.store(false, std::memory_order_relaxed);
}

void DnstapWriter::run() noexcept {
  for (;;) {
    const bool stopping = stop_.load(std::memory_order_acquire);
    if (writer_ == nullptr && !file_failed_ && !stopping) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_open_) {
        next_open_ = now + kRetry;
        (void)open();
      }
    }
    const std::size_t taken = drain();
    flush();
    // Stopping: the workers have stopped; go on until every ring is empty.
    if (stopping && taken == 0) break;
    if (taken == 0) std::this_thread::sleep_for(kIdleSleep);
  }
}

std::size_t DnstapWriter::drain() noexcept {
  std::size_t taken = 0;
  for (const nic::DnstapSource& source : sources_) {
    for (std::size_t n = 0; n < kDrainPerRing; ++n) {
      const nic::DnstapSample* sample = source.ring->front();
      if (sample == nullptr) break;
      if (sample->query_length != 0) add(*sample, DnstapMessageType::kAuthQuery);
      if (sample->response_length != 0) add(*sample, DnstapMessageType::kAuthResponse);
      source.ring->pop();
      ++taken;
    }
  }
  return taken;
}

void DnstapWriter::add(const nic::DnstapSample& sample, DnstapMessageType type) noexcept {
  if (writer_ == nullptr) {  // a socket not connected (yet), or a file that failed
    ++lost_;
    return;
  }
  if (frame_count_ == kBatch) flush();
  const std::span<const std::uint8_t> frame =
      encoder_.encode(sample, type, arena_.data() + arena_used_);
  frames_[frame_count_++] = iovec{const_cast<std::uint8_t*>(frame.data()), frame.size()};
  arena_used_ += frame_max_;
}

void DnstapWriter::flush() noexcept {
  if (frame_count_ == 0) return;
  const std::size_t count = frame_count_;
  frame_count_ = 0;
  arena_used_ = 0;
  if (fstrm_writer_writev(writer_, frames_, static_cast<int>(count)) == fstrm_res_success) {
    written_ += count;
    return;
  }
  lost_ += count;
  const int error = errno;
  fstrm_writer_destroy(&writer_);  // not closed: the stream is broken
  writer_ = nullptr;
  connected_.store(false, std::memory_order_relaxed);
  if (!options_.file.empty()) {
    file_failed_ = true;
    log_error("dnstap: writing " + output_text() + " failed: " + std::strerror(error) +
              "; no more dnstap messages until a restart (they are counted as lost)");
  } else {
    log_warning("dnstap: writing to " + output_text() + " failed: " + std::strerror(error) +
                "; reconnecting every second, samples are lost meanwhile");
    failed_logged_ = true;
    next_open_ = std::chrono::steady_clock::now() + kRetry;
  }
}

}  // namespace canon::daemon
