#pragma once
// evaluators/heuristic/json_schema: a small JSON Schema validator over nlohmann::json, shared by
// json-schema and tool-call. Supported keywords (draft 2020-12 meaning): type (incl. integer),
// enum, const, properties, required, additionalProperties (bool or schema), minProperties,
// maxProperties, items (one schema), minItems, maxItems, uniqueItems, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum (numbers), multipleOf, minLength, maxLength (code points),
// pattern (ECMAScript, unanchored search), anyOf, oneOf, allOf, not, and boolean schemas.
// Annotations ($schema, $id, $comment, title, description, default, examples, deprecated,
// readOnly, writeOnly) are accepted and ignored. Any other keyword ($ref, format, if, ...) is
// rejected by compile(), so a schema is never silently half-checked.
// Immutable after compile(); validate() is thread-safe.

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

// The first place the instance breaks the schema: a JSON pointer into the instance ("" = the
// document itself) and what was wrong there.
struct SchemaViolation {
  std::string pointer;
  std::string message;

  // "at /items/2/price: must be >= 0, got -1" ("at the root" for "").
  std::string str() const;
};

class JsonSchema {
public:
  // A config-category error without location (the caller adds it), naming the keyword and where
  // it sits in the schema: "unsupported keyword '$ref' at /properties/user".
  static Result<JsonSchema> compile(const Json& schema);

  std::optional<SchemaViolation> validate(const Json& instance) const;

private:
  std::optional<SchemaViolation> check(const Json& schema, const Json& instance,
                                       const std::string& pointer) const;

  Json m_schema;
  std::map<std::string, std::shared_ptr<const std::regex>> m_patterns; // pattern text → compiled
};

// JSON pointer escaping of one reference token (~ → ~0, / → ~1).
std::string pointer_token(const std::string& key);

} // namespace evalgate
