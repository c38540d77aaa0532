#pragma once
// evaluators/spec_reader: validates one evaluator's config mapping and reads typed keys from it,
// so every evaluator words its config errors the same way:
//   unknown key 'vaule' in evaluator 'contains'; expected one of: name, threshold, type, value
//   evaluator 'contains' needs 'value' (the text to look for)
//   evaluator 'max-length' key 'value' must be a number, got string
// Every error is category config at spec.location. The evaluator is named as the user wrote it
// (config "type", e.g. "not-contains"), falling back to spec.type. Used at build time only.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

class SpecReader {
public:
  explicit SpecReader(const EvaluatorSpec& spec);

  // Fails on any key other than type, name, threshold and `keys`.
  Result<void> allow_keys(std::initializer_list<std::string_view> keys) const;

  // The key's value, or nullptr when absent.
  const Json* find(std::string_view key) const;
  // The key's value, or a "needs 'key' (what)" error when absent.
  Result<const Json*> require(std::string_view key, std::string_view what) const;

  Result<std::string> string_of(std::string_view key, const Json& value) const;
  Result<double> number_of(std::string_view key, const Json& value) const;
  Result<long> whole_number_of(std::string_view key, const Json& value) const;

  // A required number >= 0 (a cost or latency bound): "needs 'key' (what)", a type error, or
  // "must be >= 0, got -1".
  Result<double> required_limit(std::string_view key, std::string_view what) const;

  // `threshold` in [0,1], or `fallback` when absent.
  Result<double> threshold(double fallback = 1.0) const;

  // A config error naming this evaluator: "evaluator 'regex' key 'value' <detail>".
  Unexpected key_error(std::string_view key, std::string_view detail) const;
  Unexpected error(std::string message) const;
  Unexpected wrong_type(std::string_view key, std::string_view expected, const Json& got) const;

  const std::string& type() const { return m_type; }

private:
  const EvaluatorSpec& m_spec;
  std::string m_type;
};

// "string", "number", "boolean", "null", "array", "object" — how errors name a JSON type.
std::string json_type_name(const Json& value);

} // namespace evalgate
