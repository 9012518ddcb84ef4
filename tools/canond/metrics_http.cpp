#include "tools/canond/metrics_http.hpp"

#include <algorithm>
#include <exception>

namespace canon::daemon {

namespace {

constexpr std::string_view kExposition = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kText = "text/plain; charset=utf-8";

constexpr std::string_view kHomePage =
    "<!DOCTYPE html>\n<html><head><title>canond</title></head>\n"
    "<body><h1>canond</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

std::string_view reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Internal Server Error";
  }
}

// Content-Length is the body's even for HEAD (RFC 9110 §8.6), which sends none.
std::string response(int status, std::string_view type, std::string_view body, bool with_body,
                     std::string_view extra_headers = {}) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) + "\r\n";
  out += "Content-Type: " + std::string(type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra_headers;
  out += "Connection: close\r\n\r\n";
  if (with_body) out += body;
  return out;
}

std::string_view first_line(std::string_view request) {
  const auto end = request.find('\n');
  std::string_view line = request.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

RequestState request_state(std::string_view received, std::size_t max_bytes) {
  // Bare LF line ends are accepted, as most servers do (RFC 9112 §2.2).
  const auto end = std::min(received.find("\r\n\r\n"), received.find("\n\n"));
  if (end != std::string_view::npos && end + 2 <= max_bytes) return RequestState::kComplete;
  return received.size() > max_bytes ? RequestState::kTooLarge : RequestState::kIncomplete;
}

std::string http_error(int status) {
  const std::string body = std::string(reason(status)) + "\n";
  return response(status, kText, body, true);
}

std::string metrics_http_response(std::string_view request,
                                  const std::function<std::string()>& render) {
  // METHOD SP TARGET SP HTTP/1.x
  const std::string_view line = first_line(request);
  const auto space1 = line.find(' ');
  const auto space2 = line.find(' ', space1 == std::string_view::npos ? line.size() : space1 + 1);
  if (space1 == std::string_view::npos || space2 == std::string_view::npos ||
      line.find(' ', space2 + 1) != std::string_view::npos ||
      line.substr(space2 + 1).rfind("HTTP/", 0) != 0) {
    return http_error(400);
  }
  const std::string_view method = line.substr(0, space1);
  std::string_view path = line.substr(space1 + 1, space2 - space1 - 1);
  path = path.substr(0, path.find_first_of("?#"));  // a scrape's ?name[]=... is ignored

  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    return response(405, kText, "only GET and HEAD are served here\n", true,
                    "Allow: GET, HEAD\r\n");
  }
  if (path == "/metrics") {
    std::string body;
    try {
      body = render();
    } catch (const std::exception& e) {
      return response(500, kText, std::string("cannot render the metrics: ") + e.what() + "\n",
                      !head);
    }
    return response(200, kExposition, body, !head);
  }
  if (path == "/") return response(200, "text/html; charset=utf-8", kHomePage, !head);
  return response(404, kText, "not found; the metrics are at /metrics\n", !head);
}

}  // namespace canon::daemon
