#pragma once
// core/types: the value types that flow through evalgate (see DESIGN.md "The job, as data
// flowing through"). Plain data: copyable, no behaviour beyond trivial helpers, no I/O.
// Depends on nlohmann::json for free-form values (case vars, provider params, evaluator config).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace evalgate {

using Json = nlohmann::json;

// ---- suite side -------------------------------------------------------------------------

struct Message {
  std::string role; // system | user | assistant | developer | tool
  std::string content;
};

// One evaluator as written in the suite or a case: `type` is the registry name as written
// (possibly "not-contains"), `name` the metric name (defaults to `type`), `config` the whole
// mapping as written (value, threshold, flags, ...). Values are rendered per case at scoring time.
struct EvaluatorSpec {
  std::string type;
  std::string name;
  Json config = Json::object();
  Location location;
};

// A prompt template. Inline text and files become a single user message; `messages` keep roles.
struct Prompt {
  std::string id;
  std::vector<Message> messages;
  bool is_chat = false; // written as `messages:` rather than text/file
  Location location;
};

// A candidate provider or a judge. Everything beyond the common keys stays in `params`
// (temperature, seed, max_tokens, free-form extras) and is sent as written.
struct ProviderSpec {
  std::string id;
  std::string type;        // openai | field | ...
  std::string model;
  std::string base_url;    // empty = the type's default
  std::string api_key_env; // empty = the type's default (OPENAI_API_KEY for openai)
  std::string field;       // for type field: the case field holding the output
  Json params = Json::object();
  long timeout_ms = 60000;  // per request
  int max_retries = 4;      // retries after the first attempt
  long retry_base_ms = 500; // backoff base: min(cap, base * 2^n) * U(0.5, 1)
  int max_concurrency = 0;  // 0 = only the suite-wide bound applies
  // Every other key of the provider block, as written (JSON), keyed by name: the provider layer's
  // common options (stream, requests_per_minute, fallback, pricing, headers, ...) and the type's
  // own (deployment, url, command, ...). Which keys are allowed is declared by the provider layer
  // (providers/model_client.hpp) and checked when the suite loads; values are checked by the
  // type's factory.
  Json options = Json::object();
  Location location;
};

struct GateRule {
  std::string metric;
  std::string candidate; // empty = every candidate
  std::optional<double> min_mean;
  std::optional<double> min_pass_rate;
  std::optional<double> max_error_rate;
  Location location;
  // Added after `location` with initialisers so existing positional initialisers keep meaning.
  // Against a baseline (docs/gate.md): fails when the mean drop exceeds max_drop AND the lower
  // bound of the one-sided `confidence` paired-bootstrap interval of the drop is above 0.
  std::optional<double> max_drop = std::nullopt;
  double confidence = 0.95;
  std::optional<double> max_flaky_rate = std::nullopt;     // flaky cases / cases of the metric
  std::optional<double> max_p95_latency_ms = std::nullopt; // per candidate, ok trials; metric optional
  std::optional<double> max_cost_usd = std::nullopt;       // per candidate total; unknown cost cannot pass
  // A floor on the metric's 5th percentile (95% of scored units at least this); `traces score` only.
  std::optional<double> min_p05 = std::nullopt;
};

// One golden case: a dataset row. `vars` holds every field of the row (reserved ones included, so
// {{expected}} renders); the reserved fields are also lifted into their own members.
struct Case {
  std::string id;       // from the `id` field, else "<dataset file stem>-<row>" (1-based)
  std::string dataset;  // path as written in the suite
  long row = 0;         // 1-based row / element index within its dataset
  Json vars = Json::object();
  std::optional<std::string> expected;
  Json context;         // null when absent; string or array of strings as written
  std::vector<std::string> tags;
  Json metadata = Json::object();
  std::vector<EvaluatorSpec> evaluators; // per-case additions to the suite defaults
  Location location;
};

// CaseList: a suite's cases in compact form. A Case held as a struct costs ~700 bytes with a
// few short vars (288 for the struct, the rest nlohmann::json nodes), so 50,000 cases were ~35 MiB
// held for the whole run. Here each case is its id plus one MessagePack record of the rest (~40
// bytes for three short vars) in a chunked arena, and a 40-byte index entry: ~80 bytes a case.
// operator[] and iteration rebuild a full Case (a copy; ~1 µs for a small case), equal field for
// field to the one pushed (numbers keep their values; a positive integer may come back unsigned,
// which compares and prints the same). id() reads an id without rebuilding.
// Not thread-safe for writes; concurrent const reads are fine.
class CaseList {
public:
  class Iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Case;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Case;

    Iterator(const CaseList* list, std::size_t index) : m_list(list), m_index(index) {}
    Case operator*() const { return (*m_list)[m_index]; }
    Iterator& operator++()
    {
      ++m_index;
      return *this;
    }
    bool operator==(const Iterator& other) const { return m_index == other.m_index; }
    bool operator!=(const Iterator& other) const { return m_index != other.m_index; }

  private:
    const CaseList* m_list;
    std::size_t m_index;
  };

  CaseList() = default;
  CaseList(std::initializer_list<Case> cases);

  std::size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }
  void clear();
  void push_back(const Case& test_case);

  // The case at `index` (< size()), rebuilt.
  Case operator[](std::size_t index) const;
  // The id of the case at `index`, without rebuilding it; valid while the list is not cleared.
  std::string_view id(std::size_t index) const;
  // Whether the case at `index` has evaluators of its own, without rebuilding it.
  bool has_evaluators(std::size_t index) const { return m_entries[index].has_evaluators != 0; }

  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, m_entries.size()}; }

private:
  struct Entry {
    std::uint32_t chunk = 0;
    std::uint32_t offset = 0; // of the id; the record follows it
    std::uint32_t id_size = 0;
    std::uint32_t record_size : 31; // a row is at most 16 MiB (suite/dataset_formats.hpp)
    std::uint32_t has_evaluators : 1;
    std::uint32_t dataset = 0; // into m_strings
    std::uint32_t file = 0;    // location.file, into m_strings
    long row = 0;
    std::int32_t line = 0;
    std::int32_t column = 0;
  };

  std::uint32_t intern(const std::string& text);
  std::string_view bytes(const Entry& entry) const;

  std::deque<Entry> m_entries;     // a deque: growing never copies the whole index
  std::vector<std::string> m_chunks; // each reserved once, so views into it stay valid
  std::vector<std::string> m_strings; // dataset paths and location files, few and shared
};

struct Suite {
  std::string name;
  std::string path;     // the suite file as given
  std::string base_dir; // relative paths resolve against this
  std::vector<Prompt> prompts;
  std::vector<ProviderSpec> providers;
  std::vector<ProviderSpec> judges;
  std::vector<std::string> datasets;
  CaseList cases; // all datasets, in order
  std::vector<EvaluatorSpec> evaluators;
  std::vector<GateRule> gate;
  int concurrency = 16;
  int repeat = 1;
  double max_error_rate = 0.1; // trial error rate above which the run is an infrastructure failure
  Json snapshot = Json::object(); // the suite as loaded, secrets redacted; stored with the run
};

// ---- run side ---------------------------------------------------------------------------

struct Candidate {
  std::string id; // "<prompt id>/<provider id>"
  std::string prompt_id;
  std::string provider_id;
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  // Prompt tokens served from the provider's prompt cache, normalised to be *included* in
  // prompt_tokens (OpenAI/Gemini report them inside; Anthropic's are added on decode).
  std::int64_t cached_tokens = 0;
};

// How a provider call failed; stored as text. `none` = the trial has an output. `process`: an exec
// provider's command exited non-zero, was killed by a signal or wrote too much.
enum class FailureKind { none, timeout, rate_limited, http_4xx, http_5xx, network, parse, config, process };
const char* failure_kind_name(FailureKind kind);
std::optional<FailureKind> failure_kind_from_name(const std::string& name);

struct Trial {
  std::string candidate_id;
  std::string case_id;
  int repeat_index = 0;
  std::string output;
  double latency_ms = 0;
  std::optional<double> ttft_ms;
  Usage usage;
  std::optional<double> cost_usd; // nullopt = unknown (model not in the pricing table), never 0
  bool cache_hit = false;
  std::string provider_id; // the provider that answered: the candidate's, or its fallback's
  int attempts = 0;
  FailureKind failure = FailureKind::none;
  std::string error; // provider's message / transport error; empty when failure == none

  bool ok() const { return failure == FailureKind::none; }
};

// One metric on one trial. value in [0,1]. An errored score (error non-empty) never passes.
struct Score {
  std::string metric;
  double value = 0;
  bool pass = false;
  std::optional<double> threshold;
  std::string reason;
  double cost_usd = 0; // judge cost
  std::string error;
  // Evaluator-specific extras kept with the score (judge mode, template hash, unsupported claims,
  // evaluator version). A JSON object; empty when there is nothing to add.
  Json details = Json::object();

  bool errored() const { return !error.empty(); }
};

struct ScoredTrial {
  Trial trial;
  std::vector<Score> scores;
};

enum class RunStatus { running, completed, interrupted, failed };
const char* run_status_name(RunStatus status);
std::optional<RunStatus> run_status_from_name(const std::string& name);

// One gate rule's outcome on one candidate. `check` is the rule key ("min_mean", ...).
struct GateResult {
  std::string metric;
  std::string candidate_id;
  std::string check;
  double observed = 0;
  double limit = 0;
  bool passed = false;
  std::string message; // "contains pass rate 0.82 < 0.95 (v1/bad)"
};

// A run as stored: what the store writes and reads back, what stats and reports consume.
struct RunInfo {
  std::string id;
  std::string suite_name;
  std::string suite_path;
  RunStatus status = RunStatus::running;
  std::string started_at;  // ISO 8601 UTC
  std::string finished_at; // empty while running
  std::uint64_t seed = 0;
  int repeat = 1;
  std::vector<Candidate> candidates;
  std::int64_t case_count = 0;
  std::int64_t trial_count = 0; // planned trials: candidates x cases x repeat
  std::string verdict;          // "pass" | "fail" | "" (not gated yet)
  Json config = Json::object(); // suite snapshot, secrets redacted
  // How the run was made beyond the suite: {"shard": {"index": 2, "count": 4}}, {"merged_from":
  // [...]}, cache mode, cost limit. A JSON object.
  Json options = Json::object();
};

struct RunData {
  RunInfo info;
  std::vector<Case> cases;
  std::vector<ScoredTrial> trials;
  std::vector<GateResult> gate_results;
};

} // namespace evalgate
