#pragma once
// Helpers for suite tests: a scratch folder of small files, a working-directory guard, and the
// error text as the CLI prints it.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/result.hpp"

namespace evalgate::testing {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
public:
  ScratchDir()
  {
    std::string pattern = (std::filesystem::temp_directory_path() / "evalgate-suite-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `content` to `relative` (folders created) and returns the absolute path.
  std::string write(const std::string& relative, const std::string& content) const
  {
    const std::filesystem::path target = m_path / relative;
    std::filesystem::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << content;
    return target.string();
  }
  std::string path(const std::string& relative = "") const
  {
    return relative.empty() ? m_path.string() : (m_path / relative).string();
  }

private:
  std::filesystem::path m_path;
};

// Changes the working directory for one test and restores it afterwards.
class CwdGuard {
public:
  explicit CwdGuard(const std::string& dir) : m_saved(std::filesystem::current_path())
  {
    std::filesystem::current_path(dir);
  }
  ~CwdGuard()
  {
    std::error_code ec;
    std::filesystem::current_path(m_saved, ec);
  }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;

private:
  std::filesystem::path m_saved;
};

// "file:line:col: message" of a failed result, or "(loaded)" when it did not fail.
template <typename T> std::string error_text(const Result<T>& result)
{
  return result ? std::string("(loaded)") : result.error().str();
}

inline std::string fixture(const std::string& relative)
{
  return std::string(EVALGATE_TEST_FIXTURES) + "/suite/" + relative;
}

} // namespace evalgate::testing
