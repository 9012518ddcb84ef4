// prometheus_text(): exact sample lines, the histogram's cumulative buckets,
// family structure (HELP, TYPE, then every sample of the family together),
// label escaping, and what absent sections leave out.
#include "tools/canond/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/canond/stats_samples.hpp"

namespace canon::daemon {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const std::string& l : lines_of(text)) {
    if (l == line) return true;
  }
  return false;
}

// The metric name of a sample line: up to '{' or ' '.
std::string name_of(const std::string& line) {
  return line.substr(0, line.find_first_of("{ "));
}

// A sample's family: histogram samples carry _bucket/_sum/_count.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  if (types.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.ends_with(s)) {
      const std::string base = name.substr(0, name.size() - s.size());
      if (types.count(base) && types.at(base) == "histogram") return base;
    }
  }
  return {};
}

// Every sample belongs to the family whose TYPE came last; HELP comes just
// before TYPE; no family is announced twice; the text ends with a newline.
void expect_well_formed(const std::string& text) {
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::map<std::string, std::string> types;
  std::string current;
  std::string help_for;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("# HELP ", 0) == 0) {
      help_for = name_of(line.substr(7));
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      EXPECT_EQ(help_for, name) << "HELP before TYPE for " << name;
      EXPECT_TRUE(types.emplace(name, type).second) << name << " announced twice";
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
      if (type == "counter") {
        EXPECT_TRUE(name.ends_with("_total")) << name;
      }
      current = name;
      continue;
    }
    ASSERT_NE(line.rfind('#', 0), 0u) << line;
    EXPECT_EQ(family_of(name_of(line), types), current) << "sample outside its family: " << line;
  }
}

TEST(PrometheusText, SocketBackendSamples) {
  const std::string text = prometheus_text(testing::socket_stats());
  expect_well_formed(text);
  for (const char* line : {"canon_info{version=\"0.1.0\",backend=\"socket\"} 1",
                           "canon_uptime_seconds 12.5",
                           "canon_snapshot_generation 3",
                           "canon_zones 2",
                           "canon_zone_serial{zone=\"example.com.\"} 2026112201",
                           "canon_zone_serial{zone=\"example.net.\"} 7",
                           "canon_queries_received_total 1234",
                           "canon_responses_sent_total 1230",
                           "canon_dropped_total 4",
                           "canon_truncated_total 2",
                           "canon_queries_total{qtype=\"A\"} 800",
                           "canon_queries_total{qtype=\"other\"} 34",
                           "canon_queries_total{qtype=\"MX\"} 0",
                           "canon_responses_total{rcode=\"NXDOMAIN\"} 3",
                           "canon_responses_total{rcode=\"REFUSED\"} 227",
                           "canon_policy_rules 3",
                           "canon_policy_generation 2",
                           "canon_policy_matches_total{rule=\"block-evil\",action=\"drop\"} 17",
                           "canon_policy_actions_total{action=\"refuse\"} 1",
                           "canon_rrl_limited_total 9",
                           "canon_rrl_slipped_total 4",
                           "canon_rrl_dropped_total 5",
                           "canon_udp_received_total 1200",
                           "canon_udp_sent_total 1196",
                           "canon_udp_send_errors_total 0",
                           "canon_udp_receive_errors_total 1",
                           "canon_tcp_accepted_total 3",
                           "canon_tcp_refused_over_cap_total 0",
                           "canon_tcp_idle_closed_total 1",
                           "canon_tcp_errors_total 0",
                           "canon_tcp_queries_total 34",
                           "canon_tcp_connections_open 2",
                           "canon_worker_queries_total{worker=\"0\",cpu=\"1\"} 600",
                           "canon_worker_queries_total{worker=\"1\",cpu=\"2\"} 634",
                           "canon_worker_responses_total{worker=\"1\",cpu=\"2\"} 632",
                           "canon_dnstap_samples_total 123",
                           "canon_dnstap_messages_written_total 240",
                           "canon_dnstap_output_up 1",
                           "canon_dnstap_dropped_total{reason=\"ring_full\"} 7",
                           "canon_dnstap_dropped_total{reason=\"too_big\"} 1",
                           "canon_dnstap_dropped_total{reason=\"output\"} 6",
                           "process_cpu_seconds_total 1.25",
                           "process_resident_memory_bytes 10485760",
                           "process_virtual_memory_bytes 209715200",
                           "process_open_fds 17",
                           "process_max_fds 1024",
                           "process_start_time_seconds 1767225600.5",
                           "process_threads 4",
                           "# TYPE canon_queries_total counter",
                           "# TYPE canon_tcp_connections_open gauge",
                           "# TYPE canon_chain_links histogram"}) {
    EXPECT_TRUE(has_line(text, line)) << "missing: " << line << "\n" << text;
  }
  EXPECT_EQ(text.find("canon_nic_"), std::string::npos) << "no ports on the socket backend";
}

TEST(PrometheusText, HistogramIsCumulative) {
  // chain_links = [5, 2, 0, 1, 0 ... 0, 1]: 9 answers, 2 + 3 + 16 = 21 links.
  const std::string text = prometheus_text(testing::socket_stats());
  for (const char* line :
       {"canon_chain_links_bucket{le=\"0\"} 5", "canon_chain_links_bucket{le=\"1\"} 7",
        "canon_chain_links_bucket{le=\"2\"} 7", "canon_chain_links_bucket{le=\"3\"} 8",
        "canon_chain_links_bucket{le=\"15\"} 8", "canon_chain_links_bucket{le=\"16\"} 9",
        "canon_chain_links_bucket{le=\"+Inf\"} 9", "canon_chain_links_sum 21",
        "canon_chain_links_count 9"}) {
    EXPECT_TRUE(has_line(text, line)) << "missing: " << line;
  }
  long previous = -1;
  int buckets = 0;
  for (const std::string& line : lines_of(text)) {
    if (name_of(line) != "canon_chain_links_bucket") continue;
    const long value = std::stol(line.substr(line.rfind(' ') + 1));
    EXPECT_GE(value, previous) << line;
    previous = value;
    ++buckets;
  }
  EXPECT_EQ(buckets, 18);  // le 0..16 and +Inf
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  // The rule is named: say "hi"\now<newline>
  const std::string text = prometheus_text(testing::socket_stats());
  EXPECT_TRUE(has_line(
      text, "canon_policy_matches_total{rule=\"say \\\"hi\\\"\\\\now\\n\",action=\"refuse\"} 1"))
      << text;
}

TEST(PrometheusText, DpdkPortsAndQueues) {
  const std::string text = prometheus_text(testing::dpdk_stats());
  expect_well_formed(text);
  for (const char* line :
       {"canon_info{version=\"\",backend=\"dpdk\"} 1",
        "canon_nic_rx_packets_total{port=\"net_af_packet0\"} 120",
        "canon_nic_tx_packets_total{port=\"net_af_packet0\"} 118",
        "canon_nic_rx_missed_total{port=\"net_af_packet0\"} 2",
        "canon_nic_rx_errors_total{port=\"0000:3b:00.0\"} 0",
        "canon_nic_tx_errors_total{port=\"net_af_packet0\"} 0",
        "canon_nic_rx_nombuf_total{port=\"net_af_packet0\"} 0",
        "canon_nic_link_up{port=\"net_af_packet0\"} 1",
        "canon_nic_link_up{port=\"0000:3b:00.0\"} 0",
        "canon_nic_queue_rx_packets_total{port=\"net_af_packet0\",queue=\"0\"} 60",
        "canon_nic_queue_tx_packets_total{port=\"net_af_packet0\",queue=\"1\"} 59",
        "canon_nic_queue_tx_dropped_total{port=\"net_af_packet0\",queue=\"1\"} 1",
        "canon_nic_queue_dns_queries_total{port=\"net_af_packet0\",queue=\"0\"} 5",
        "canon_nic_queue_dns_answers_total{port=\"net_af_packet0\",queue=\"1\"} 4",
        "canon_nic_queue_neighbour_total{port=\"net_af_packet0\",queue=\"0\"} 1",
        "canon_nic_queue_echo_total{port=\"net_af_packet0\",queue=\"1\"} 1",
        "canon_nic_queue_exception_out_total{port=\"net_af_packet0\",queue=\"0\"} 3",
        "canon_nic_queue_exception_in_total{port=\"net_af_packet0\",queue=\"0\"} 2",
        "canon_nic_queue_exception_dropped_total{port=\"net_af_packet0\",queue=\"0\"} 0",
        "canon_nic_queue_dropped_total{port=\"net_af_packet0\",queue=\"0\",reason=\"not_for_us\"} "
        "7",
        "canon_nic_queue_dropped_total{port=\"net_af_packet0\",queue=\"0\",reason=\"malformed\"} 1",
        "canon_nic_queue_dropped_total{port=\"net_af_packet0\",queue=\"1\",reason=\"checksum\"} "
        "3"}) {
    EXPECT_TRUE(has_line(text, line)) << "missing: " << line << "\n" << text;
  }
}

TEST(PrometheusText, AbsentSectionsLeaveNoLinesButTheAlwaysPresentOnes) {
  const std::string text = prometheus_text(testing::dpdk_stats());
  EXPECT_TRUE(has_line(text, "canon_rrl_limited_total 0"));
  EXPECT_TRUE(has_line(text, "canon_policy_rules 0"));
  for (const char* absent :
       {"canon_rrl_slipped_total", "canon_rrl_dropped_total", "canon_policy_generation",
        "canon_policy_matches_total", "canon_policy_actions_total", "canon_zone_serial",
        "canon_zones ", "canon_uptime_seconds", "canon_dnstap_", "process_"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent;
  }
  // An empty object still renders and stays well formed.
  const std::string bare = prometheus_text(nlohmann::json::object());
  expect_well_formed(bare);
  EXPECT_TRUE(has_line(bare, "canon_rrl_limited_total 0"));
  EXPECT_TRUE(has_line(bare, "canon_info{version=\"\",backend=\"\"} 1"));
}

TEST(PrometheusText, NumbersKeepTheirPrecision) {
  nlohmann::json stats = testing::socket_stats();
  stats["queries"] = 18446744073709551615ull;  // a uint64 counter passes 2^53 exactly
  stats["uptime_seconds"] = 0.1;
  const std::string text = prometheus_text(stats);
  EXPECT_TRUE(has_line(text, "canon_queries_received_total 18446744073709551615"));
  EXPECT_TRUE(has_line(text, "canon_uptime_seconds 0.1"));
}

}  // namespace
}  // namespace canon::daemon
