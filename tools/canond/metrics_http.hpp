// The HTTP side of the metrics endpoint, over bytes (MetricsServer owns the
// sockets). One request per connection, answered with `Connection: close`:
//
//   GET /metrics[?...]  → 200, text/plain; version=0.0.4 (the exposition)
//   GET /               → 200, a page that links /metrics
//   GET other           → 404        HEAD: as GET, without the body
//   other methods       → 405 (Allow: GET, HEAD)
//   not HTTP            → 400        headers over the limit → 431
//   render() throws     → 500 with its message
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace canon::daemon {

enum class RequestState { kIncomplete, kComplete, kTooLarge };

// Complete once the header block's blank line arrived; too large when
// `received` passed `max_bytes` without it. A body (a POST's) is not read:
// every answer closes the connection.
[[nodiscard]] RequestState request_state(std::string_view received, std::size_t max_bytes);

// The whole response, status line to body, to a complete request.
[[nodiscard]] std::string metrics_http_response(std::string_view request,
                                                const std::function<std::string()>& render);

// A response with `status`, for the cases that never look at the request (431).
[[nodiscard]] std::string http_error(int status);

}  // namespace canon::daemon
