#include "core/error.hpp"

#include <utility>

namespace evalgate {

const char* category_name(ErrorCategory category)
{
  switch (category) {
  case ErrorCategory::usage: return "usage";
  case ErrorCategory::config: return "config";
  case ErrorCategory::data: return "data";
  case ErrorCategory::provider: return "provider";
  case ErrorCategory::store: return "store";
  case ErrorCategory::internal: return "internal";
  case ErrorCategory::interrupted: return "interrupted";
  }
  return "internal";
}

std::string Location::str() const
{
  std::string out = file;
  if (row > 0) {
    out += ":row " + std::to_string(row);
  } else if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  if (!field.empty()) {
    out += out.empty() ? field : ": " + field;
  }
  return out;
}

std::string Error::str() const
{
  const std::string where = location.str();
  return where.empty() ? message : where + ": " + message;
}

Error make_error(ErrorCategory category, std::string message, Location location)
{
  return Error{category, std::move(location), std::move(message)};
}

EvalgateError::EvalgateError(Error error) : m_error(std::move(error)), m_what(m_error.str()) {}

EvalgateError::EvalgateError(ErrorCategory category, std::string message, Location location)
  : EvalgateError(make_error(category, std::move(message), std::move(location)))
{
}

} // namespace evalgate
