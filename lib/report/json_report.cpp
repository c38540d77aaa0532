// The machine report: `evalgate run --out results.json`, `evalgate show RUN --format json`.
// Field by field in docs/reports.md. Absent values are null rather than missing so consumers can
// rely on every key being present.

#include <algorithm>

#include "report/report.hpp"
#include "report/stats_report.hpp"
#include "stats/run_digest.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

// Keys stay in the documented order (run first, then summary, gate, trials) for people reading it.
using OJson = nlohmann::ordered_json;

OJson or_null(const std::string& text)
{
  return text.empty() ? OJson(nullptr) : OJson(text);
}

OJson or_null(const std::optional<double>& value)
{
  return value ? OJson(*value) : OJson(nullptr);
}

OJson run_json(const RunData& run)
{
  const RunInfo& info = run.info;
  OJson candidates = OJson::array();
  for (const Candidate& c : info.candidates) {
    candidates.push_back({{"id", c.id}, {"prompt", c.prompt_id}, {"provider", c.provider_id}});
  }
  return {
      {"id", info.id},
      {"suite", info.suite_name},
      {"suite_path", info.suite_path},
      {"status", run_status_name(info.status)},
      {"started_at", or_null(info.started_at)},
      {"finished_at", or_null(info.finished_at)},
      {"seed", info.seed},
      {"repeat", info.repeat},
      {"case_count", info.case_count},
      {"trial_count", info.trial_count},
      {"verdict", or_null(info.verdict)},
      {"candidates", std::move(candidates)},
  };
}

OJson summary_json(const RunDigest& run)
{
  OJson metrics = OJson::array();
  for (const MetricSummary& m : run.metric_summaries()) {
    metrics.push_back({
        {"candidate", m.candidate_id},
        {"metric", m.metric},
        {"n", m.n},
        {"errors", m.errors},
        {"passes", m.passes},
        {"mean", m.mean},
        {"pass_rate", m.pass_rate},
    });
  }
  const std::vector<CandidateSummary> summaries = run.candidate_summaries();
  OJson candidates = OJson::array();
  for (const CandidateSummary& c : summaries) {
    candidates.push_back({
        {"candidate", c.candidate_id},
        {"trials", c.trials},
        {"failed_trials", c.failed_trials},
        {"error_rate", c.error_rate},
        {"mean_latency_ms", c.mean_latency_ms},
        {"prompt_tokens", c.prompt_tokens},
        {"completion_tokens", c.completion_tokens},
        {"cost_usd", c.cost_usd},
        {"unknown_cost_trials", c.unknown_cost_trials},
        {"cache_hits", c.cache_hits},
    });
  }
  const RunCost cost = summarize_cost(summaries);
  OJson run_cost = {{"known_usd", cost.known_usd},
                    {"unknown_cost_trials", cost.unknown_cost_trials},
                    {"cache_hits", cost.cache_hits}};
  return {
      {"metrics", std::move(metrics)}, {"candidates", std::move(candidates)}, {"cost", std::move(run_cost)}};
}

OJson gate_json(const RunData& run)
{
  OJson results = OJson::array();
  for (const GateResult& r : run.gate_results) {
    results.push_back({
        {"metric", r.metric},
        {"candidate", r.candidate_id},
        {"check", r.check},
        {"observed", r.observed},
        {"limit", r.limit},
        {"passed", r.passed},
        {"message", r.message},
    });
  }
  OJson passed = nullptr;
  if (!run.gate_results.empty()) {
    passed = std::all_of(run.gate_results.begin(), run.gate_results.end(),
                         [](const GateResult& r) { return r.passed; });
  }
  return {{"passed", std::move(passed)}, {"results", std::move(results)}};
}

OJson trial_json(const ScoredTrial& scored)
{
  const Trial& t = scored.trial;
  OJson scores = OJson::array();
  for (const Score& s : scored.scores) {
    scores.push_back({
        {"metric", s.metric},
        {"value", s.value},
        {"pass", s.pass},
        {"threshold", or_null(s.threshold)},
        {"reason", s.reason},
        {"cost_usd", s.cost_usd},
        {"error", or_null(s.error)},
    });
  }
  return {
      {"candidate", t.candidate_id},
      {"case", t.case_id},
      {"repeat", t.repeat_index},
      {"output", t.output},
      {"latency_ms", t.latency_ms},
      {"ttft_ms", or_null(t.ttft_ms)},
      {"usage",
       {{"prompt_tokens", t.usage.prompt_tokens},
        {"completion_tokens", t.usage.completion_tokens},
        {"total_tokens", t.usage.total_tokens},
        {"cached_tokens", t.usage.cached_tokens}}},
      {"cost_usd", or_null(t.cost_usd)},
      {"provider_id", or_null(t.provider_id)},
      {"cache_hit", t.cache_hit},
      {"attempts", t.attempts},
      {"failure", t.ok() ? OJson(nullptr) : OJson(failure_kind_name(t.failure))},
      {"error", or_null(t.error)},
      {"scores", std::move(scores)},
  };
}

} // namespace

namespace {

// Model outputs are arbitrary bytes; invalid UTF-8 becomes U+FFFD instead of throwing.
std::string dumped(const OJson& value) { return value.dump(2, ' ', false, OJson::error_handler_t::replace); }

// The document is written in pieces so the trials can come from a store cursor one at a time;
// the pieces join into exactly what dumping the whole document at once would give.
class JsonWriter {
public:
  JsonWriter(std::ostream& out, const RunData& run, const RunDigest& digest) : m_out(out)
  {
    const OJson head = {
        {"run", run_json(run)},
        {"summary", summary_json(digest)},
        {"gate", gate_json(run)},
        {"stats", report_detail::stats_json(digest)},
    };
    std::string text = dumped(head);
    text.resize(text.size() - 2); // reopen the object: drop its closing "\n}"
    m_out << text << ",\n  \"trials\": [";
  }

  void trial(const ScoredTrial& scored)
  {
    const std::string text = dumped(trial_json(scored));
    m_out << (m_first ? "\n" : ",\n");
    m_first = false;
    // Two levels deeper than a document of its own; JSON strings hold no raw newline.
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      m_out << "    ";
      m_out.write(text.data() + start, static_cast<std::streamsize>(end - start));
      if (end < text.size()) {
        m_out << '\n';
      }
      start = end + 1;
    }
  }

  void finish() { m_out << (m_first ? "]\n}\n" : "\n  ]\n}\n"); }

private:
  std::ostream& m_out;
  bool m_first = true;
};

} // namespace

void write_json_report(std::ostream& out, const RunData& run)
{
  JsonWriter writer(out, run, digest_of(run));
  for (const ScoredTrial& scored : run.trials) {
    writer.trial(scored);
  }
  writer.finish();
}

Result<void> stream_json_report(std::ostream& out, const DigestedRun& run, Store& store)
{
  JsonWriter writer(out, run.run, run.digest);
  auto scanned = store.scan_trials(
      run.run.info.id,
      [&writer](const ScoredTrial& scored) -> Result<void> {
        writer.trial(scored);
        return {};
      },
      Store::TrialFields::everything);
  if (!scanned) {
    return scanned;
  }
  writer.finish();
  return {};
}

} // namespace evalgate
