#pragma once
// core/types: the value types that flow through evalgate (see DESIGN.md "The job, as data
// flowing through"). Plain data: copyable, no behaviour beyond trivial helpers, no I/O.
// Depends on nlohmann::json for free-form values (case vars, provider params, evaluator config).

#include <cstdint>
#include <optional>
#include <string>
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

struct Suite {
  std::string name;
  std::string path;     // the suite file as given
  std::string base_dir; // relative paths resolve against this
  std::vector<Prompt> prompts;
  std::vector<ProviderSpec> providers;
  std::vector<ProviderSpec> judges;
  std::vector<std::string> datasets;
  std::vector<Case> cases; // all datasets, in order
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
