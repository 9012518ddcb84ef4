#include "tools/canond/admin_line.hpp"

#include <exception>

#include "tools/canond/log.hpp"

namespace canon::daemon {

std::string answer_line(std::string_view line, Control& control) {
  nlohmann::json response;
  const nlohmann::json request = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (request.is_discarded()) {
    response = error_response(
        "the request is not JSON; send {\"command\": NAME, \"args\": [...]} on one line");
  } else {
    try {
      response = control.handle(request);
    } catch (const std::exception& e) {
      response = error_response(std::string("internal error: ") + e.what());
      log_error(std::string("admin: ") + e.what());
    }
  }
  return response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace canon::daemon
