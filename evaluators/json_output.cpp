#include "evaluators/json_output.hpp"

#include "core/json_depth.hpp"

#include <string>

namespace evalgate {

Result<Json> parse_output_json(std::string_view output)
{
  if (auto deep = json_depth_exceeded(output)) {
    return fail(ErrorCategory::data, json_depth_message(*deep));
  }
  try {
    return Json::parse(output);
  } catch (const Json::exception& e) {
    std::string message = e.what();
    if (message.rfind("[json.exception.", 0) == 0) {
      if (auto close = message.find("] "); close != std::string::npos) {
        message.erase(0, close + 2);
      }
    }
    return fail(ErrorCategory::data, std::move(message));
  }
}

} // namespace evalgate
