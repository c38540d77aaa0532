#pragma once
// Shared helpers for the store tests: a scratch folder removed afterwards, and small builders
// for runs, cases and trials.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/types.hpp"

namespace evalgate::test {

class TempDir {
public:
  TempDir()
  {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("evalgate-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~TempDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (m_path / name).string(); }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

inline RunInfo sample_run_info(int candidates = 2)
{
  RunInfo info;
  info.suite_name = "support-bot";
  info.suite_path = "suites/evalgate.yaml";
  info.seed = 0xfeedfacecafebeefULL; // above INT64_MAX: must survive the signed column
  info.repeat = 1;
  for (int i = 0; i < candidates; ++i) {
    const std::string provider = i == 0 ? "gpt" : "claude";
    info.candidates.push_back(Candidate{"v1/" + provider, "v1", provider});
  }
  info.config = Json{{"name", "support-bot"}, {"concurrency", 4}, {"providers", Json::array({"gpt", "claude"})}};
  return info;
}

inline std::vector<Case> sample_cases(int count)
{
  std::vector<Case> cases;
  for (int i = 0; i < count; ++i) {
    Case c;
    c.id = "case-" + std::to_string(i + 1);
    c.dataset = "datasets/golden.jsonl";
    c.row = i + 1;
    c.vars = Json{{"question", "q" + std::to_string(i)}, {"n", i}};
    if (i % 2 == 0) {
      c.expected = "answer " + std::to_string(i);
    }
    c.context = i == 1 ? Json::array({"doc a", "doc b"}) : Json();
    c.tags = {"smoke", "tier-" + std::to_string(i)};
    c.metadata = Json{{"source", "unit"}};
    if (i == 2) {
      c.evaluators.push_back(EvaluatorSpec{"contains", "mentions-refund", Json{{"value", "refund"}}, {}});
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

inline ScoredTrial make_trial(const std::string& candidate, const std::string& case_id, int repeat = 0)
{
  ScoredTrial s;
  s.trial.candidate_id = candidate;
  s.trial.case_id = case_id;
  s.trial.repeat_index = repeat;
  s.trial.output = "output of " + candidate + " on " + case_id;
  s.trial.latency_ms = 12.5;
  s.trial.ttft_ms = 3.25;
  s.trial.usage = Usage{10, 5, 15};
  s.trial.cost_usd = 0.0001;
  s.trial.attempts = 1;
  s.scores.push_back(Score{"contains", 1.0, true, std::nullopt, "found 'refund'", 0, ""});
  s.scores.push_back(Score{"answer-similarity", 0.82, true, 0.8, "cosine 0.82 >= 0.8", 0, ""});
  return s;
}

} // namespace evalgate::test
