#pragma once
// Integration harness: an in-process mock provider on 127.0.0.1, a temp folder with a generated
// suite (N cases, two candidates: "good" answers every case right, "bad" misses every third), and
// a way to run the real evalgate binary against them.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock/mock_server.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace evalgate::testing {

struct SuiteShape {
  int cases = 20;
  int concurrency = 8;
  long timeout_ms = 5000;
  int max_retries = 4;
  long retry_base_ms = 1;
  std::string api_key_env; // empty: none
  std::string extra_provider_keys; // YAML lines appended to each provider (indented 4)
  std::string gate = "gate:\n  - metric: has-answer\n    min_pass_rate: 0.9\n";
  double max_error_rate = 0.1;
};

class Harness {
public:
  explicit Harness(MockOptions mock = {}, SuiteShape shape = {});

  // Runs `evalgate <args...>` in the temp folder with the mock's port in EVALGATE_MOCK_PORT.
  ProcessResult evalgate(std::vector<std::string> args, ProcessOptions options = {}) const;
  std::string db() const { return m_dir.file("runs.db"); }
  std::string suite() const { return m_dir.file("evalgate.yaml"); }
  const TempDir& dir() const { return m_dir; }
  MockServer& mock() { return *m_mock; }
  nlohmann::json mock_stats() const { return nlohmann::json::parse(m_mock->stats_json()); }
  int cases() const { return m_shape.cases; }

private:
  TempDir m_dir;
  SuiteShape m_shape;
  std::unique_ptr<MockServer> m_mock;
};

} // namespace evalgate::testing
