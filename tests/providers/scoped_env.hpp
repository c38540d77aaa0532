#pragma once
// Sets (or unsets, with nullopt) an environment variable for one scope and restores it after.
// Tests run on one thread; no transport may be alive while the environment changes (libcurl reads
// proxy variables on its I/O thread).

#include <cstdlib>
#include <optional>
#include <string>

namespace evalgate::testing {

class ScopedEnv {
public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : m_name(std::move(name))
  {
    if (const char* old = std::getenv(m_name.c_str())) {
      m_old = old;
    }
    apply(value);
  }
  ~ScopedEnv() { apply(m_old); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  void apply(const std::optional<std::string>& value)
  {
    if (value) {
      ::setenv(m_name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }

  std::string m_name;
  std::optional<std::string> m_old;
};

} // namespace evalgate::testing
