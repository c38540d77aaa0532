#include "engine/trace_scoring.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>

#include "engine/client_setup.hpp"
#include "engine/trace_gate.hpp"
#include "engine/trial_pipeline.hpp"
#include "engine/worker_pool.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "providers/fallback_client.hpp"
#include "providers/transport.hpp"

namespace evalgate {

namespace {

constexpr int k_max_judge_threads = 64;

using ClientMap = std::map<std::string, std::unique_ptr<ModelClient>>;

struct Pass1 {
  std::vector<traces::FileReadSummary> files;
  std::int64_t records = 0;
};

Result<Pass1> observe_files(const TraceScoreOptions& options, const TraceSource& source,
                            traces::TraceSampler& sampler, TraceScoreOutcome& outcome)
{
  Pass1 pass;
  const traces::WarningSink on_warning = [&outcome](const traces::TraceWarning& warning) {
    ++outcome.warning_count;
    if (outcome.warnings.size() < k_kept_warnings) {
      outcome.warnings.push_back(warning);
    }
  };
  for (const auto& file : options.files) {
    auto summary = source.read(
        file, options.read,
        [&](TraceRecord&& record) {
          sampler.observe(record);
          ++pass.records;
        },
        on_warning);
    if (!summary) {
      return fail(summary.error());
    }
    pass.files.push_back(*summary);
  }
  return pass;
}

// The route of a trace is its root's name (the request's entry point, e.g. "POST /chat"), which
// reports group by; LLM calls themselves are usually named after the operation and model.
std::string route_of(const std::vector<TraceRecord>& spans)
{
  for (const auto& span : spans) {
    if (span.parent_span_id.empty() && !span.name.empty()) {
      return span.name;
    }
  }
  return "";
}

// Pass 2: only the chosen traces' records are kept, grouped by trace, then assembled into units
// in trace-id order so the stored order does not depend on hash-map layout.
Result<std::vector<TraceRecord>> gather_units(const TraceScoreOptions& options, const TraceSource& source,
                                              const std::vector<traces::FileReadSummary>& files,
                                              const traces::SampleSelection& selection)
{
  std::unordered_map<std::string, std::vector<TraceRecord>> spans;
  for (std::size_t i = 0; i < options.files.size(); ++i) {
    traces::ReadOptions read = options.read;
    read.format = files[i].format; // detected once, in pass 1
    auto summary = source.read(
        options.files[i], read,
        [&](TraceRecord&& record) {
          std::string id = traces::sampling_id(record);
          if (selection.chosen.count(id) != 0) {
            spans[id].push_back(std::move(record));
          }
        },
        [](const traces::TraceWarning&) {}); // counted in pass 1
    if (!summary) {
      return fail(summary.error());
    }
  }
  std::vector<std::string> ids;
  ids.reserve(spans.size());
  for (const auto& [id, records] : spans) {
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<TraceRecord> units;
  for (const auto& id : ids) {
    const TraceSample& sample = selection.chosen.at(id);
    const std::string route = route_of(spans[id]);
    for (auto& unit : source.assemble(std::move(spans[id]))) {
      unit.sample = sample;
      if (!route.empty() && unit.metadata.is_object() && !unit.metadata.contains(k_trace_route_key)) {
        unit.metadata[k_trace_route_key] = route;
      }
      units.push_back(std::move(unit));
    }
    spans.erase(id);
  }
  return units;
}

Case unit_case(const TraceRecord& record)
{
  Case c;
  c.id = "trace-" + record.trace_id + "-" + record.span_id;
  c.dataset = record.source_file;
  c.row = record.source_line;
  Json context = Json::array();
  std::string joined;
  for (const auto& doc : record.retrieved_context) {
    const std::string& text = doc.content.empty() ? doc.doc_id : doc.content;
    context.push_back(text);
    joined += (joined.empty() ? "" : "\n\n") + text;
  }
  c.vars = {{"input", record.input_text},      {"context", joined},
            {"model", record.model},           {"name", record.name},
            {"trace_id", record.trace_id},     {"span_id", record.span_id},
            {"session_id", record.session_id}, {"user_id", record.user_id}};
  if (!context.empty()) {
    c.context = std::move(context);
  }
  c.location = Location{record.source_file, 0, 0, record.source_line, ""};
  return c;
}

Trial unit_trial(const TraceRecord& record, const std::string& case_id)
{
  Trial t;
  t.candidate_id = record.model;
  t.case_id = case_id;
  t.output = record.output_text;
  t.latency_ms = record.latency_ms.value_or(0);
  t.ttft_ms = record.ttft_ms;
  t.usage.prompt_tokens = record.tokens_in.value_or(0);
  t.usage.completion_tokens = record.tokens_out.value_or(0);
  t.usage.total_tokens = record.tokens_total.value_or(t.usage.prompt_tokens + t.usage.completion_tokens);
  t.usage.cached_tokens = record.tokens_cache_read.value_or(0);
  t.cost_usd = record.cost_usd;
  t.provider_id = record.provider;
  return t;
}

std::vector<Score> score_unit(const TraceRecord& record, const EvaluatorList& evaluators)
{
  if (record.status == TraceStatus::error) {
    return {}; // the call failed in production: counted as an error, nothing to grade
  }
  const Case c = unit_case(record);
  const Trial trial = unit_trial(record, c.id);
  return score_trial(EvalInput{c, trial}, {&evaluators});
}

std::size_t scoring_threads(const Suite& suite, const TraceScoreOptions& options,
                            const EvaluatorList& evaluators)
{
  const std::size_t cpu = std::max(1u, std::thread::hardware_concurrency());
  const bool waits = std::any_of(evaluators.begin(), evaluators.end(),
                                 [](const BoundEvaluator& b) { return b.evaluator->calls_model(); });
  if (!waits) {
    return cpu;
  }
  const int wanted = options.concurrency > 0 ? options.concurrency : suite.concurrency;
  return static_cast<std::size_t>(std::clamp(wanted, 1, k_max_judge_threads));
}

Json config_json(const Suite& suite, const TraceScoreOptions& options)
{
  const traces::SampleSpec& s = options.sample;
  Json where = Json::array();
  for (const auto& condition : s.where) {
    where.push_back(condition.value);
  }
  Json sampling = {{"salt", s.salt}, {"always_errors", s.always_errors}};
  if (s.rate) {
    sampling["rate"] = *s.rate;
  }
  if (s.size) {
    sampling["size"] = *s.size;
  }
  if (s.stratify != traces::StratifyBy::none) {
    const char* by[] = {"none", "model", "name", "attribute"};
    sampling["stratify_by"] = std::string(by[static_cast<int>(s.stratify)]) +
                              (s.stratify == traces::StratifyBy::attribute ? ":" + s.stratify_key : "");
    sampling["allocation"] = s.allocation == traces::Allocation::equal ? "equal" : "proportional";
  }
  return {{"files", options.files},
          {"suite", suite.path},
          {"format", traces::trace_format_name(options.read.format)},
          {"strict", options.read.strict},
          {"sampling", sampling},
          {"where_values", where}};
}

Json summary_json(const Pass1& pass, const traces::SampleSelection& selection,
                  const TraceScoreOutcome& outcome)
{
  Json files = Json::array();
  for (const auto& f : pass.files) {
    files.push_back({{"path", f.path},
                     {"format", traces::trace_format_name(f.format)},
                     {"detected", f.detected},
                     {"records", f.records},
                     {"warnings", f.warnings},
                     {"bytes", f.bytes}});
  }
  Json strata = Json::object();
  for (const auto& [name, count] : selection.strata) {
    strata[name] = {{"population", count.population}, {"sampled", count.sampled}};
  }
  Json summary = {{"files", files},
                  {"records", pass.records},
                  {"warnings", outcome.warning_count},
                  {"traces_seen", selection.traces_seen},
                  {"traces_eligible", selection.traces_eligible},
                  {"traces_sampled", selection.sampled},
                  {"traces_forced", selection.forced},
                  {"strata", strata}};
  if (selection.threshold) {
    summary["bottom_k_threshold"] = *selection.threshold;
  }
  return summary;
}

std::string joined_formats(const std::vector<traces::FileReadSummary>& files)
{
  std::vector<std::string> names;
  for (const auto& f : files) {
    const std::string name = traces::trace_format_name(f.format);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

} // namespace

Result<TraceScoreOutcome> score_traces(const Suite& suite, const TraceScoreOptions& options,
                                       const TraceSource& source)
{
  if (options.files.empty()) {
    return fail(ErrorCategory::usage, "traces score needs at least one trace file");
  }
  if (auto ok = traces::validate_sample_spec(options.sample); !ok) {
    return fail(ok.error());
  }
  if (auto ok = check_trace_gate_rules(suite.gate); !ok) {
    return fail(ok.error());
  }
  TraceScoreOutcome outcome;
  traces::TraceSampler sampler(options.sample);
  auto pass = observe_files(options, source, sampler, outcome);
  if (!pass) {
    return fail(pass.error());
  }
  outcome.files = pass->files;
  const traces::SampleSelection selection = sampler.select();
  auto units = gather_units(options, source, pass->files, selection);
  if (!units) {
    return fail(units.error());
  }

  auto transport = make_curl_transport();
  auto builder = ClientBuilder::open(options.db_path, options.cache_mode, options.pricing_file, *transport);
  if (!builder) {
    return fail(builder.error());
  }
  ClientMap judges;
  for (const auto& spec : suite.judges) {
    auto client = (*builder)->make(spec);
    if (!client) {
      return fail(client.error());
    }
    judges.emplace(spec.id, std::move(*client));
  }
  if (auto wrapped = wrap_fallbacks(suite.judges, judges); !wrapped) {
    return fail(wrapped.error());
  }
  EvaluatorContext context;
  for (const auto& judge : suite.judges) {
    context.judge_ids.push_back(judge.id);
  }
  context.base_dir = suite.base_dir;
  context.embedding_batchers = std::make_shared<EmbeddingBatchers>();
  context.client = [&judges](const std::string& id) -> ModelClient* {
    auto found = judges.find(id);
    return found == judges.end() ? nullptr : found->second.get();
  };
  auto evaluators = build_evaluators(suite.evaluators, context);
  if (!evaluators) {
    return fail(evaluators.error());
  }

  outcome.units.resize(units->size());
  {
    WorkerPool pool(scoring_threads(suite, options, *evaluators));
    for (std::size_t i = 0; i < units->size(); ++i) {
      pool.post([&, i] {
        ScoredTraceUnit& out = outcome.units[i];
        out.scores = score_unit((*units)[i], *evaluators);
        out.record = std::move((*units)[i]);
      });
    }
    pool.wait_idle();
  }
  if (auto finished = (*builder)->finish(); !finished) {
    return fail(finished.error());
  }

  TraceImportInfo info;
  for (const auto& file : options.files) {
    info.source_path += (info.source_path.empty() ? "" : ", ") + file;
  }
  info.format = joined_formats(pass->files);
  info.record_count = pass->records;
  info.warning_count = outcome.warning_count;
  info.config = config_json(suite, options);
  info.summary = summary_json(*pass, selection, outcome);
  outcome.gated = !suite.gate.empty();
  if (outcome.gated) {
    info.gate = gate_trace_units(suite.gate, outcome.units);
    outcome.gate_failed =
        std::any_of(info.gate.begin(), info.gate.end(), [](const GateResult& r) { return !r.passed; });
    info.verdict = outcome.gate_failed ? "failed" : "passed";
  }
  auto store = TraceStore::open(options.db_path);
  if (!store) {
    return fail(store.error());
  }
  if (auto saved = (*store)->save_import(info, outcome.units); !saved) {
    return fail(saved.error());
  }
  outcome.import_id = info.id;
  return outcome;
}

} // namespace evalgate
