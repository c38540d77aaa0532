#pragma once
// core/result: Result<T>, shaped like std::expected<T, Error> (not available in C++20 on g++ 12).
// Holds either a value or an Error. Accessing the wrong alternative throws EvalgateError
// (category internal), so misuse is loud rather than undefined.

#include <utility>
#include <variant>

#include "core/error.hpp"

namespace evalgate {

struct Unexpected {
  Error error;
};

inline Unexpected fail(ErrorCategory category, std::string message, Location location = {})
{
  return Unexpected{make_error(category, std::move(message), std::move(location))};
}
inline Unexpected fail(Error error) { return Unexpected{std::move(error)}; }

template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected unexpected) : m_state(std::in_place_index<1>, std::move(unexpected.error)) {}

  bool has_value() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() &
  {
    check_value();
    return std::get<0>(m_state);
  }
  const T& value() const&
  {
    check_value();
    return std::get<0>(m_state);
  }
  T&& value() &&
  {
    check_value();
    return std::get<0>(std::move(m_state));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const
  {
    if (has_value()) {
      throw EvalgateError(ErrorCategory::internal, "Result::error() called on a value");
    }
    return std::get<1>(m_state);
  }

  // The value, or throws EvalgateError carrying the error.
  T& or_throw() &
  {
    if (!has_value()) {
      throw EvalgateError(std::get<1>(m_state));
    }
    return std::get<0>(m_state);
  }
  T&& or_throw() &&
  {
    if (!has_value()) {
      throw EvalgateError(std::get<1>(m_state));
    }
    return std::get<0>(std::move(m_state));
  }

private:
  void check_value() const
  {
    if (!has_value()) {
      throw EvalgateError(std::get<1>(m_state));
    }
  }

  std::variant<T, Error> m_state;
};

// Result<void>: success or an Error.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Unexpected unexpected) : m_error(std::move(unexpected.error)), m_failed(true) {}

  bool has_value() const noexcept { return !m_failed; }
  explicit operator bool() const noexcept { return !m_failed; }
  const Error& error() const { return m_error; }
  void or_throw() const
  {
    if (m_failed) {
      throw EvalgateError(m_error);
    }
  }

private:
  Error m_error;
  bool m_failed = false;
};

} // namespace evalgate
