// The metrics endpoint's HTTP over bytes: when a request is whole, and
// which status each kind of request gets.
#include "tools/canond/metrics_http.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace canon::daemon {
namespace {

std::string render() {
  return "canon_up 1\n";
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

TEST(MetricsHttp, RequestState) {
  EXPECT_EQ(request_state("", 100), RequestState::kIncomplete);
  EXPECT_EQ(request_state("GET /metrics HTTP/1.1\r\nHost: x\r\n", 100), RequestState::kIncomplete);
  EXPECT_EQ(request_state("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 100),
            RequestState::kComplete);
  EXPECT_EQ(request_state("GET /metrics HTTP/1.0\n\n", 100), RequestState::kComplete);
  EXPECT_EQ(request_state("POST / HTTP/1.1\r\n\r\nbody", 100), RequestState::kComplete);
  EXPECT_EQ(request_state(std::string(101, 'x'), 100), RequestState::kTooLarge);
  EXPECT_EQ(request_state(std::string(100, 'x'), 100), RequestState::kIncomplete);
}

TEST(MetricsHttp, Metrics) {
  const std::string r = metrics_http_response("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", render);
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_NE(r.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("\r\nContent-Length: 11\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nConnection: close\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), "canon_up 1\n");
  // The query string of a scrape (?name[]=...) is ignored.
  EXPECT_EQ(metrics_http_response("GET /metrics?name[]=canon_up HTTP/1.1\r\n\r\n", render), r);
}

TEST(MetricsHttp, HeadHasNoBody) {
  const std::string r = metrics_http_response("HEAD /metrics HTTP/1.1\r\n\r\n", render);
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_NE(r.find("\r\nContent-Length: 11\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), "");
}

TEST(MetricsHttp, HomePageLinksMetrics) {
  const std::string r = metrics_http_response("GET / HTTP/1.1\r\n\r\n", render);
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_NE(body_of(r).find("href=\"/metrics\""), std::string::npos) << r;
}

TEST(MetricsHttp, Errors) {
  EXPECT_EQ(status_line(metrics_http_response("GET /nope HTTP/1.1\r\n\r\n", render)),
            "HTTP/1.1 404 Not Found");
  EXPECT_EQ(status_line(metrics_http_response("GET /metricsx HTTP/1.1\r\n\r\n", render)),
            "HTTP/1.1 404 Not Found");
  const std::string post =
      metrics_http_response("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", render);
  EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(post.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos) << post;
  for (const char* bad : {"hello\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics SMTP/1.0\r\n\r\n",
                          "GET  /metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/1.1 x\r\n\r\n"}) {
    EXPECT_EQ(status_line(metrics_http_response(bad, render)), "HTTP/1.1 400 Bad Request") << bad;
  }
  const std::string big = http_error(431);
  EXPECT_EQ(status_line(big), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(big.find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(MetricsHttp, RenderFailureIs500) {
  const std::string r = metrics_http_response("GET /metrics HTTP/1.1\r\n\r\n", []() -> std::string {
    throw std::runtime_error("the backend is gone");
  });
  EXPECT_EQ(status_line(r), "HTTP/1.1 500 Internal Server Error");
  EXPECT_NE(body_of(r).find("the backend is gone"), std::string::npos) << r;
}

}  // namespace
}  // namespace canon::daemon
