#include "evaluators/heuristic/count_bounds.hpp"

namespace evalgate {

std::string CountBounds::describe() const
{
  if (min && max) {
    return "between " + std::to_string(*min) + " and " + std::to_string(*max);
  }
  return min ? "at least " + std::to_string(*min) : "at most " + std::to_string(*max);
}

Result<CountBounds> read_count_bounds(const SpecReader& reader, const std::string& what)
{
  CountBounds bounds;
  for (const char* key : {"min", "max"}) {
    if (const Json* written = reader.find(key)) {
      auto number = reader.whole_number_of(key, *written);
      if (!number) {
        return fail(number.error());
      }
      (std::string(key) == "min" ? bounds.min : bounds.max) = *number;
    }
  }
  if (!bounds.min && !bounds.max) {
    return reader.error("evaluator '" + reader.type() + "' needs 'min' or 'max' (" + what + ")");
  }
  if (bounds.min && bounds.max && *bounds.min > *bounds.max) {
    return reader.error("evaluator '" + reader.type() + "' has min " + std::to_string(*bounds.min) +
                        " > max " + std::to_string(*bounds.max));
  }
  return bounds;
}

} // namespace evalgate
