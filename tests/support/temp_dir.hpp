#pragma once
// Test support: a fresh temporary folder removed with everything in it when the object dies.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace evalgate::testing {

class TempDir {
public:
  TempDir()
  {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() / ("evalgate-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }

  // Writes `content` to path()/name (folders created) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const
  {
    const auto full = m_path / name;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << content;
    return full.string();
  }

private:
  std::filesystem::path m_path;
};

} // namespace evalgate::testing
