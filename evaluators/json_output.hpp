#pragma once
// evaluators/json_output: strict parsing of a model output as JSON (nlohmann, no comments, no
// trailing commas, surrounding whitespace allowed). The error is the parser's position and
// complaint without nlohmann's "[json.exception...]" tag:
//   "parse error at line 1, column 7: syntax error while parsing value - invalid literal; last read: '{"a":x'"
// Thread-safe.

#include <string_view>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

Result<Json> parse_output_json(std::string_view output);

} // namespace evalgate
