#include "tools/canond/transfer_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <algorithm>

#include "nic/fd.hpp"
#include "tools/canond/dns_tcp.hpp"
#include "zones/dns_message.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"
#include "zones/tsig.hpp"

namespace canon::daemon {

namespace {

using Clock = std::chrono::steady_clock;

std::string system_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// One TCP connection to a primary, each wait bounded by `wait`.
class Connection {
 public:
  Connection(const nic::ListenAddress& primary, std::chrono::milliseconds wait) : wait_(wait) {
    fd_ = nic::Fd(::socket(primary.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd_) {
      error_ = system_error("socket");
      return;
    }
    if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&primary.address), primary.length) != 0 &&
        errno != EINPROGRESS) {
      error_ = system_error("connect");
      return;
    }
    if (!ready(POLLOUT)) return;
    int status = 0;
    socklen_t length = sizeof(status);
    ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &status, &length);
    if (status != 0) error_ = std::string("connect: ") + std::strerror(status);
  }

  [[nodiscard]] bool ok() const noexcept { return error_.empty(); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  bool send_message(const std::vector<std::uint8_t>& message) {
    if (ok()) error_ = dns_tcp::send_framed(fd_.get(), message, static_cast<int>(wait_.count()));
    return ok();
  }

  // The next message into `message`; false at a clean end of the stream
  // (error() empty) or on an error.
  bool read_message(std::vector<std::uint8_t>& message) {
    std::uint8_t length[2];
    const int got = read_exact(length, 2, true);
    if (got <= 0) return false;
    message.resize((std::size_t{length[0]} << 8) | length[1]);
    if (read_exact(message.data(), message.size(), false) <= 0) {
      if (ok()) error_ = "the primary closed the connection inside a message";
      return false;
    }
    return true;
  }

 private:
  bool ready(short events) {
    pollfd p{fd_.get(), events, 0};
    for (;;) {
      const int n = ::poll(&p, 1, static_cast<int>(wait_.count()));
      if (n > 0) return true;
      if (n == 0) {
        error_ = "no answer within " + std::to_string(wait_.count() / 1000) + " s";
        return false;
      }
      if (errno != EINTR) {
        error_ = system_error("poll");
        return false;
      }
    }
  }
  // 1: read; 0: the peer closed before the first octet (only when
  // `end_ok`); -1: error.
  int read_exact(std::uint8_t* out, std::size_t length, bool end_ok) {
    std::size_t got = 0;
    while (got < length) {
      const ssize_t n = ::recv(fd_.get(), out + got, length - got, 0);
      if (n > 0) {
        got += static_cast<std::size_t>(n);
      } else if (n == 0) {
        if (got == 0 && end_ok) return 0;
        error_ = "the primary closed the connection inside a message";
        return -1;
      } else if (errno == EAGAIN || errno == EINTR) {
        if (!ready(POLLIN)) return -1;
      } else {
        error_ = system_error("recv");
        return -1;
      }
    }
    return 1;
  }

  nic::Fd fd_;
  std::chrono::milliseconds wait_;
  std::string error_;
};

// A request, signed when the zone has a key; `mac` gets the request's MAC.
std::vector<std::uint8_t> make_request(const SecondaryZone& zone, std::uint16_t id, std::uint16_t type,
                                       std::span<const std::uint8_t> soa, std::vector<std::uint8_t>& mac) {
  std::string wire;
  (void)zones::text_to_wire(zone.origin, wire);
  std::vector<std::uint8_t> message = zones::build_request(
      id, zones::dns_header::kOpcodeQuery, {reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()}, type,
      soa);
  if (zone.key) mac = zones::tsig_sign(message, *zone.key, dns_tcp::unix_seconds());
  return message;
}

// Checks one message of an answer against the request's key and takes
// its TSIG off; an error sentence when it does not verify.
std::string check_signature(const SecondaryZone& zone, zones::TsigStreamVerifier* verifier,
                            std::vector<std::uint8_t>& message) {
  if (!verifier) return {};
  const zones::TsigError error = verifier->verify(message, dns_tcp::unix_seconds());
  if (error != zones::TsigError::kOk) {
    return "TSIG " + std::string(zones::tsig_error_text(error)) + " (key " + zone.key->name + ")";
  }
  message.resize(zones::tsig_strip(message));
  return {};
}

}  // namespace

SoaAnswer ask_soa(const SecondaryZone& zone, const nic::ListenAddress& primary, std::chrono::milliseconds wait) {
  SoaAnswer answer;
  const std::uint16_t id = dns_tcp::random_id();
  std::vector<std::uint8_t> mac;
  const std::vector<std::uint8_t> request = make_request(zone, id, zones::rr::SOA, {}, mac);
  Connection connection(primary, wait);
  std::vector<std::uint8_t> message;
  if (!connection.ok() || !connection.send_message(request) || !connection.read_message(message)) {
    answer.error = connection.ok() ? "the primary closed the connection without an answer" : connection.error();
    return answer;
  }
  std::unique_ptr<zones::TsigStreamVerifier> verifier;
  if (zone.key) verifier = std::make_unique<zones::TsigStreamVerifier>(*zone.key, mac);
  answer.error = check_signature(zone, verifier.get(), message);
  if (!answer.error.empty()) return answer;
  zones::MessageReader reader(message);
  if (reader.failed()) {
    answer.error = "malformed SOA answer: " + reader.error();
    return answer;
  }
  if (!reader.header().is_response() || reader.header().id != id) {
    answer.error = "the SOA answer is not the answer to our query (ID or QR)";
    return answer;
  }
  if (reader.header().rcode() != 0) {
    answer.rcode = reader.header().rcode();
    answer.error = "the primary answered the SOA query with RCODE " + std::to_string(answer.rcode);
    return answer;
  }
  zones::LookupKey origin_key;
  (void)zones::text_to_key(zone.origin, origin_key);
  zones::MessageRr rr;
  while (reader.next(rr)) {
    zones::LookupKey owner;
    zones::make_key(rr.owner.bytes.data(), owner);
    if (rr.section == 1 && rr.type == zones::rr::SOA &&
        std::equal(owner.view().begin(), owner.view().end(), origin_key.view().begin(), origin_key.view().end()) &&
        zones::rdata_is_well_formed(zones::rr::SOA, rr.rdata)) {
      answer.ok = true;
      answer.serial = zones::soa_serial(rr.rdata);
      return answer;
    }
  }
  answer.error = reader.failed() ? "malformed SOA answer: " + reader.error()
                                 : "the primary's SOA answer holds no SOA for " + zone.origin +
                                       (reader.header().flags & zones::dns_header::kAa ? "" : " (not authoritative)");
  return answer;
}

zones::TransferOutcome request_transfer(const SecondaryZone& zone, const nic::ListenAddress& primary,
                                        const TransferAsk& ask, const zones::ZoneLimits& limits,
                                        std::chrono::milliseconds wait) {
  const std::uint16_t id = dns_tcp::random_id();
  std::vector<std::uint8_t> mac;
  const std::vector<std::uint8_t> request =
      make_request(zone, id, ask.type, ask.type == zones::rr::IXFR ? ask.current_soa : std::span<const std::uint8_t>{}, mac);
  zones::TransferReader reader(zone.source, ask.current, ask.current_serial, ask.type, id, limits,
                               zones::type_name(ask.type) + " from " + primary.text);
  std::unique_ptr<zones::TsigStreamVerifier> verifier;
  if (zone.key) verifier = std::make_unique<zones::TsigStreamVerifier>(*zone.key, mac);
  Connection connection(primary, wait);
  auto failed = [](std::string why) {
    zones::TransferOutcome outcome;
    outcome.error = std::move(why);
    return outcome;
  };
  if (!connection.ok() || !connection.send_message(request)) return failed(connection.error());
  std::vector<std::uint8_t> message;
  for (;;) {
    if (!connection.read_message(message)) {
      zones::TransferOutcome outcome = reader.take();  // cut before its end: nothing taken
      if (!connection.ok()) outcome.error = connection.error() + " (after " + std::to_string(outcome.messages) + " messages)";
      outcome.zone.reset();
      return outcome;
    }
    if (std::string bad = check_signature(zone, verifier.get(), message); !bad.empty()) return failed(bad);
    const auto progress = reader.feed(message);
    if (progress == zones::TransferReader::Progress::kMore) continue;
    zones::TransferOutcome outcome = reader.take();
    if (progress == zones::TransferReader::Progress::kDone && verifier && !verifier->finish()) {
      return failed("the answer's last message is not signed (TSIG)");
    }
    return outcome;
  }
}

}  // namespace canon::daemon
