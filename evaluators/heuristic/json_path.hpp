#pragma once
// evaluators/heuristic/json_path: the dotted paths of json-field: `order.items[0].sku`, with an
// optional leading `$` / `$.` (`$.order.items[0].sku`, `$[0]`, `$` = the whole document). Keys
// are any characters except `.` and `[`; indices are 0-based. Pure; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

struct JsonPathStep {
  std::string key;                  // when index is empty
  std::optional<std::size_t> index; // array index
};

class JsonPath {
public:
  // Errors (category data) say where the path is malformed: "empty key at offset 3".
  static Result<JsonPath> parse(std::string_view text);

  // The value at this path, or nullptr with `why` set: "$.order has no key 'items'",
  // "$.order.items has no index 3 (2 elements)", "$.order is a string, not an object".
  const Json* find(const Json& document, std::string& why) const;

  // The normalised form: "$.order.items[0].sku".
  std::string str() const { return prefix(m_steps.size()); }

private:
  std::string prefix(std::size_t steps) const;

  std::vector<JsonPathStep> m_steps;
};

} // namespace evalgate
