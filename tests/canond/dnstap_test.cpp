// canond's dnstap side: a sample encoded (tools/canond/dnstap_encode.hpp) and
// decoded back with the protobuf-c code made from the same dnstap.proto; the
// writer (dnstap_writer.hpp) draining a ring into a Frame Streams file that
// libfstrm's reader reads back.
#include <fstrm.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nic/dnstap_tap.hpp"
#include "tools/canond/dnstap.pb-c.h"
#include "tools/canond/dnstap_encode.hpp"
#include "tools/canond/dnstap_writer.hpp"

namespace canon::daemon {
namespace {

// A DNS query for www.example.com A, and an answer to it (their bytes only
// need to come back verbatim).
const std::vector<std::uint8_t> kQuery = {0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,
                                          0,    3,    'w',  'w',  'w', 7,   'e', 'x', 'a', 'm', 'p',
                                          'l',  'e',  3,    'c',  'o', 'm', 0,   0,   1,   0,   1};
const std::vector<std::uint8_t> kAnswer = {
    0x12, 0x34, 0x85, 0x00, 0,   1,   0,   1,    0,    0,   0,   0,   3, 'w', 'w', 'w', 7,
    'e',  'x',  'a',  'm',  'p', 'l', 'e', 3,    'c',  'o', 'm', 0,   0, 1,   0,   1,   0xc0,
    0x0c, 0,    1,    0,    1,   0,   0,   0x0e, 0x10, 0,   4,   192, 0, 2,   1};

std::unique_ptr<nic::DnstapSample> sample_of(const engine::ClientAddress& client,
                                             std::uint16_t port, engine::Transport transport) {
  auto s = std::make_unique<nic::DnstapSample>();
  std::memcpy(s->client, client.bytes.data(), 16);
  s->client_port = port;
  s->transport = static_cast<std::uint8_t>(transport);
  s->sec = 1'767'225'600;  // 2026-01-01T00:00:00Z
  s->nsec = 123'456'789;
  s->query_length = static_cast<std::uint16_t>(kQuery.size());
  s->response_length = static_cast<std::uint16_t>(kAnswer.size());
  std::memcpy(s->data, kQuery.data(), kQuery.size());
  std::memcpy(s->data + kQuery.size(), kAnswer.data(), kAnswer.size());
  return s;
}

std::vector<std::uint8_t> bytes_of(const ProtobufCBinaryData& b) {
  return {b.data, b.data + b.len};
}

struct Unpacked {
  Dnstap__Dnstap* d = nullptr;
  explicit Unpacked(const std::uint8_t* data, std::size_t length)
      : d(dnstap__dnstap__unpack(nullptr, length, data)) {}
  ~Unpacked() {
    if (d) dnstap__dnstap__free_unpacked(d, nullptr);
  }
};

const DnstapIdentity kId{"edge-7.example", "canon 0.1.0"};

Unpacked encode(const nic::DnstapSample& s, DnstapMessageType type,
                std::vector<std::uint8_t>& buffer) {
  const DnstapEncoder encoder(kId);
  buffer.assign(encoder.max_encoded(), 0);
  const std::span<const std::uint8_t> frame = encoder.encode(s, type, buffer.data());
  EXPECT_GE(frame.data(), buffer.data());
  EXPECT_LE(frame.data() + frame.size(), buffer.data() + buffer.size());
  return Unpacked(frame.data(), frame.size());
}

TEST(DnstapEncode, AuthQueryDecodesToTheSampleIPv4Udp) {
  const std::uint8_t v4[4] = {127, 0, 0, 1};
  auto s = sample_of(engine::ClientAddress::v4(v4), 40123, engine::Transport::kUdp);
  std::vector<std::uint8_t> buffer;
  Unpacked u = encode(*s, DnstapMessageType::kAuthQuery, buffer);
  ASSERT_NE(u.d, nullptr);
  EXPECT_EQ(u.d->type, DNSTAP__DNSTAP__TYPE__MESSAGE);
  ASSERT_TRUE(u.d->has_identity);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(u.d->identity.data), u.d->identity.len),
            "edge-7.example");
  ASSERT_TRUE(u.d->has_version);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(u.d->version.data), u.d->version.len),
            "canon 0.1.0");
  const Dnstap__Message* m = u.d->message;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__AUTH_QUERY);
  EXPECT_TRUE(m->has_socket_family);
  EXPECT_EQ(m->socket_family, DNSTAP__SOCKET_FAMILY__INET);
  EXPECT_EQ(m->socket_protocol, DNSTAP__SOCKET_PROTOCOL__UDP);
  EXPECT_EQ(bytes_of(m->query_address), (std::vector<std::uint8_t>{127, 0, 0, 1}));
  EXPECT_TRUE(m->has_query_port);
  EXPECT_EQ(m->query_port, 40123u);
  EXPECT_EQ(m->query_time_sec, 1'767'225'600u);
  EXPECT_EQ(m->query_time_nsec, 123'456'789u);
  ASSERT_TRUE(m->has_query_message);
  EXPECT_EQ(bytes_of(m->query_message), kQuery);
  EXPECT_FALSE(m->has_response_message);
  EXPECT_FALSE(m->has_response_time_sec);
}

TEST(DnstapEncode, AuthResponseDecodesToTheSampleIPv6Tcp) {
  const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
  auto s = sample_of(engine::ClientAddress::v6(v6), 853, engine::Transport::kTcp);
  std::vector<std::uint8_t> buffer;
  Unpacked u = encode(*s, DnstapMessageType::kAuthResponse, buffer);
  ASSERT_NE(u.d, nullptr);
  const Dnstap__Message* m = u.d->message;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE);
  EXPECT_EQ(m->socket_family, DNSTAP__SOCKET_FAMILY__INET6);
  EXPECT_EQ(m->socket_protocol, DNSTAP__SOCKET_PROTOCOL__TCP);
  EXPECT_EQ(bytes_of(m->query_address), std::vector<std::uint8_t>(v6, v6 + 16));
  EXPECT_EQ(m->query_port, 853u);
  EXPECT_EQ(m->query_time_sec, 1'767'225'600u);
  EXPECT_EQ(m->response_time_sec, 1'767'225'600u);
  EXPECT_EQ(m->response_time_nsec, 123'456'789u);
  ASSERT_TRUE(m->has_response_message);
  EXPECT_EQ(bytes_of(m->response_message), kAnswer);
  EXPECT_FALSE(m->has_query_message);
}

// The longest sample (a slot's worth of answer, the widest numbers) fits
// the room the encoder asks for, and the frame still reads back: the
// Message's length takes the two-octet varint there, one octet for short ones.
TEST(DnstapEncode, LongestAndShortestSamplesReadBack) {
  const std::uint8_t v6[16] = {0x20, 0x01};
  auto s = sample_of(engine::ClientAddress::v6(v6), 65535, engine::Transport::kTcp);
  s->query_length = 0;
  s->response_length = static_cast<std::uint16_t>(nic::DnstapSample::kData);
  std::memset(s->data, 0xAB, nic::DnstapSample::kData);
  s->sec = INT64_MAX;
  s->nsec = 999'999'999;
  std::vector<std::uint8_t> buffer;
  Unpacked u = encode(*s, DnstapMessageType::kAuthResponse, buffer);
  ASSERT_NE(u.d, nullptr);
  ASSERT_NE(u.d->message, nullptr);
  EXPECT_EQ(u.d->message->response_message.len, nic::DnstapSample::kData);
  EXPECT_EQ(u.d->message->response_time_sec, static_cast<std::uint64_t>(INT64_MAX));

  const std::uint8_t v4[4] = {10, 0, 0, 1};
  auto tiny = sample_of(engine::ClientAddress::v4(v4), 1, engine::Transport::kUdp);
  tiny->query_length = 12;  // a bare header: the Message is under 128 octets
  Unpacked t = encode(*tiny, DnstapMessageType::kAuthQuery, buffer);
  ASSERT_NE(t.d, nullptr);
  ASSERT_NE(t.d->message, nullptr);
  EXPECT_EQ(t.d->message->query_message.len, 12u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(t.d->version.data), t.d->version.len),
            "canon 0.1.0");
}

// Every frame of a Frame Streams file, checking its content type.
std::vector<std::vector<std::uint8_t>> read_frames(const std::string& path) {
  fstrm_file_options* fopt = fstrm_file_options_init();
  fstrm_file_options_set_file_path(fopt, path.c_str());
  fstrm_reader_options* ropt = fstrm_reader_options_init();
  const char type[] = "protobuf:dnstap.Dnstap";
  fstrm_reader_options_add_content_type(ropt, type, sizeof type - 1);
  fstrm_reader* r = fstrm_file_reader_init(fopt, ropt);
  fstrm_file_options_destroy(&fopt);
  fstrm_reader_options_destroy(&ropt);
  std::vector<std::vector<std::uint8_t>> frames;
  if (r == nullptr) return frames;
  EXPECT_EQ(fstrm_reader_open(r), fstrm_res_success)
      << "not a Frame Streams file of dnstap: " << path;
  for (;;) {
    const std::uint8_t* data = nullptr;
    std::size_t length = 0;
    const fstrm_res res = fstrm_reader_read(r, &data, &length);
    if (res == fstrm_res_stop) break;  // the STOP frame: the stream was closed properly
    if (res != fstrm_res_success) {
      ADD_FAILURE() << "frame " << frames.size() << " unreadable (no STOP frame?)";
      break;
    }
    frames.emplace_back(data, data + length);
  }
  fstrm_reader_destroy(&r);
  return frames;
}

TEST(DnstapWriter, DrainsRingsIntoAFrameStreamsFileInOrder) {
  char dir[] = "/tmp/canon-dnstap-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/dnstap.fstrm";
  DnstapOptions options;
  options.file = path;

  // Taps hold 4 MiB rings: on the heap.
  auto worker0 = std::make_unique<nic::DnstapTap>(nic::DnstapConfig{true, 1, true, true});
  auto tcp = std::make_unique<nic::DnstapTap>(nic::DnstapConfig{true, 1, true, false});
  {
    DnstapWriter writer(options, kId);
    writer.start({{"worker 0", &worker0->ring()}, {"tcp", &tcp->ring()}});
    const std::uint8_t v4[4] = {127, 0, 0, 1};
    std::vector<std::uint8_t> query = kQuery, answer = kAnswer;
    for (std::uint16_t i = 0; i < 300; ++i) {
      query[0] = answer[0] = static_cast<std::uint8_t>(i >> 8);
      query[1] = answer[1] = static_cast<std::uint8_t>(i);
      worker0->take_one(query.data(), query.size(), answer.data(), answer.size(),
                        engine::ClientAddress::v4(v4), static_cast<std::uint16_t>(10000 + i),
                        engine::Transport::kUdp);
    }
    tcp->take_one(kQuery.data(), kQuery.size(), kAnswer.data(), kAnswer.size(),
                  engine::ClientAddress::v4(v4), 7, engine::Transport::kTcp);
    writer.stop();
    const nlohmann::json stats = writer.stats();
    EXPECT_EQ(stats["sampled"], 301);
    EXPECT_EQ(stats["written"],
              601);  // query and answer each for the worker's, the query for TCP's
    EXPECT_EQ(stats["lost"], 0);
    EXPECT_EQ(stats["dropped_ring_full"], 0);
  }
  const auto frames = read_frames(path);
  ASSERT_EQ(frames.size(), 601u);
  std::size_t udp_queries = 0, udp_answers = 0, tcp_queries = 0;
  std::uint16_t next_id = 0;
  for (const auto& frame : frames) {
    Unpacked u(frame.data(), frame.size());
    ASSERT_NE(u.d, nullptr);
    ASSERT_NE(u.d->message, nullptr);
    const Dnstap__Message* m = u.d->message;
    if (m->socket_protocol == DNSTAP__SOCKET_PROTOCOL__TCP) {
      ++tcp_queries;
      EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__AUTH_QUERY);
      continue;
    }
    const ProtobufCBinaryData& wire =
        m->type == DNSTAP__MESSAGE__TYPE__AUTH_QUERY ? m->query_message : m->response_message;
    ASSERT_GE(wire.len, 2u);
    const std::uint16_t id = static_cast<std::uint16_t>(wire.data[0] << 8 | wire.data[1]);
    EXPECT_EQ(m->query_port, 10000u + id);
    if (m->type == DNSTAP__MESSAGE__TYPE__AUTH_QUERY) {
      EXPECT_EQ(id, next_id) << "the worker's samples in order";
      ++udp_queries;
    } else {
      EXPECT_EQ(id, next_id) << "each answer right after its query";
      ++next_id;
      ++udp_answers;
    }
  }
  EXPECT_EQ(udp_queries, 300u);
  EXPECT_EQ(udp_answers, 300u);
  EXPECT_EQ(tcp_queries, 1u);
  ::unlink(path.c_str());
  ::rmdir(dir);
}

TEST(DnstapWriter, UncreatableFileIsRefused) {
  DnstapOptions options;
  options.file = "/nonexistent-dir/dnstap.fstrm";
  options.where = "canond.toml:3";
  try {
    DnstapWriter writer(options, kId);
    FAIL() << "a file in a missing directory was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/dnstap.fstrm"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("canond.toml:3"), std::string::npos) << e.what();
  }
}

TEST(DnstapWriter, AbsentSocketListenerCountsLostAndDoesNotBlock) {
  DnstapOptions options;
  options.socket = "/tmp/canon-dnstap-no-listener.sock";
  auto worker0 = std::make_unique<nic::DnstapTap>(nic::DnstapConfig{true, 1, true, true});
  DnstapWriter writer(options, kId);
  writer.start({{"worker 0", &worker0->ring()}});
  const std::uint8_t v4[4] = {127, 0, 0, 1};
  for (int i = 0; i < 10; ++i) {
    worker0->take_one(kQuery.data(), kQuery.size(), kAnswer.data(), kAnswer.size(),
                      engine::ClientAddress::v4(v4), 1, engine::Transport::kUdp);
  }
  writer.stop();
  const nlohmann::json stats = writer.stats();
  EXPECT_EQ(stats["connected"], false);
  EXPECT_EQ(stats["written"], 0);
  EXPECT_EQ(stats["lost"], 20);
}

}  // namespace
}  // namespace canon::daemon
