// Test helper: a `stats` JSON on stdin (or the built-in samples, "socket" or
// "dpdk", as the argument) → prometheus_text() on stdout, so that
// prometheus_parse_test.py can run the output through Prometheus' own parser.
#include <iostream>
#include <iterator>
#include <string>

#include "tests/canond/stats_samples.hpp"
#include "tools/canond/prometheus_text.hpp"

int main(int argc, char** argv) {
  using namespace canon::daemon;
  const std::string which = argc > 1 ? argv[1] : "-";
  nlohmann::json stats;
  if (which == "socket") {
    stats = testing::socket_stats();
  } else if (which == "dpdk") {
    stats = testing::dpdk_stats();
  } else {
    stats = nlohmann::json::parse(std::istreambuf_iterator<char>(std::cin),
                                  std::istreambuf_iterator<char>());
  }
  std::cout << prometheus_text(stats);
  return 0;
}
