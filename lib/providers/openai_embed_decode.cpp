#include "providers/openai_embed_decode.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>

#include "core/json_depth.hpp"
#include "core/types.hpp"
#include "providers/openai_wire.hpp"

namespace evalgate {

namespace {

// Larger bodies take the general path.
constexpr std::size_t k_max_body = 4u << 20;
// A parser keeps the buffers sized for the largest body it parsed (several times the body): one per
// thread for bodies up to this size, a passing one above it.
constexpr std::size_t k_max_reused_body = 512u << 10;

using simdjson::dom::element;
using simdjson::dom::element_type;

// Like nlohmann's get<float>() on the same number: the parsed value cast to float.
std::optional<float> number_as_float(element value)
{
  switch (value.type()) {
  case element_type::DOUBLE:
    return static_cast<float>(double(value));
  case element_type::INT64:
    return static_cast<float>(std::int64_t(value));
  case element_type::UINT64:
    return static_cast<float>(std::uint64_t(value));
  default:
    return std::nullopt;
  }
}

// The members of `object` named in `names`, each at most once (nlohmann keeps a repeated key's
// last value, simdjson's lookup its first: a repeat goes to the general path).
template <std::size_t N>
bool members(simdjson::dom::object object, const std::string_view (&names)[N],
             std::optional<element> (&out)[N])
{
  for (auto field : object) {
    for (std::size_t i = 0; i < N; ++i) {
      if (field.key == names[i]) {
        if (out[i]) {
          return false;
        }
        out[i] = field.value;
      }
    }
  }
  return true;
}

} // namespace

std::optional<std::vector<std::vector<float>>> decode_openai_embeddings_common(std::string_view body,
                                                                               Usage& usage)
{
  if (body.size() > k_max_body) {
    return std::nullopt;
  }
  thread_local simdjson::dom::parser reused;
  simdjson::dom::parser passing; // allocates nothing unless used
  simdjson::dom::parser& parser = body.size() <= k_max_reused_body ? reused : passing;
  // The general path refuses text nested deeper than k_max_json_depth; a parser that stops at or
  // before that depth leaves every such body to it.
  if (parser.max_depth() != static_cast<std::size_t>(k_max_json_depth) &&
      parser.allocate(std::max<std::size_t>(parser.capacity(), body.size()), k_max_json_depth) !=
          simdjson::SUCCESS) {
    return std::nullopt;
  }
  const simdjson::padded_string padded(body.data(), body.size());
  element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return std::nullopt;
  }
  static constexpr std::string_view k_root_names[] = {"data", "usage"};
  std::optional<element> top[2];
  if (!members(simdjson::dom::object(root), k_root_names, top) || !top[0] || !top[0]->is_array()) {
    return std::nullopt;
  }
  const simdjson::dom::array data(*top[0]);
  std::vector<std::vector<float>> vectors(data.size());
  std::vector<bool> seen(data.size(), false);
  std::size_t position = 0;
  for (element item : data) {
    if (!item.is_object()) {
      return std::nullopt;
    }
    static constexpr std::string_view k_item_names[] = {"embedding", "index"};
    std::optional<element> fields[2];
    if (!members(simdjson::dom::object(item), k_item_names, fields) || !fields[0] || !fields[0]->is_array()) {
      return std::nullopt;
    }
    std::size_t index = position;
    if (fields[1]) {
      // The general path orders by `index` only when it is a non-negative integer.
      std::uint64_t given = 0;
      if (fields[1]->type() == element_type::DOUBLE || fields[1]->get(given) != simdjson::SUCCESS) {
        return std::nullopt;
      }
      index = static_cast<std::size_t>(given);
    }
    if (index >= vectors.size() || seen[index]) {
      return std::nullopt;
    }
    const simdjson::dom::array numbers(*fields[0]);
    std::vector<float>& vector = vectors[index];
    vector.reserve(numbers.size());
    for (element number : numbers) {
      const auto value = number_as_float(number);
      if (!value) {
        return std::nullopt;
      }
      vector.push_back(*value);
    }
    seen[index] = true;
    ++position;
  }
  if (top[1]) {
    // A few counts: the general decoder's own reading of them, on their own small tree.
    usage = openai_usage(Json::parse(simdjson::minify(*top[1]), nullptr, false));
  }
  return vectors;
}

} // namespace evalgate
