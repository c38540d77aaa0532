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
#include "traces/id_sampler.hpp"

namespace evalgate {

namespace {

constexpr int k_max_judge_threads = 64;

using ClientMap = std::map<std::string, std::unique_ptr<ModelClient>>;

struct Pass1 {
  std::vector<traces::FileReadSummary> files;
  std::int64_t records = 0;
};

Result<Pass1> observe_files(const TraceScoreOptions& options, const TraceSource& source,
                            traces::TraceSampler& sampler, const traces::WarningSink& on_warning)
{
  Pass1 pass;
  traces::ReadOptions read = options.read;
  read.sampler_fields_only = !traces::observes_metadata(options.sample);
  for (const auto& file : options.files) {
    auto summary = source.read(
        file, read,
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

using SpansByTrace = std::unordered_map<std::string, std::vector<TraceRecord>>;

// Reads every file, handing each record `keep` lets through to `spans`, grouped by trace. The
// filter also runs on the reader's threads (ReadOptions::keep), so a dropped record is never
// copied out of them; it is checked again here for sources that do not apply it.
Result<Pass1> read_kept(const TraceScoreOptions& options, const TraceSource& source,
                        const std::vector<traces::FileReadSummary>* formats, const traces::RecordFilter& keep,
                        const traces::WarningSink& on_warning, SpansByTrace& spans)
{
  Pass1 pass;
  for (std::size_t i = 0; i < options.files.size(); ++i) {
    traces::ReadOptions read = options.read;
    if (formats != nullptr) {
      read.format = (*formats)[i].format; // detected once, in pass 1
    }
    read.keep = keep;
    auto summary = source.read(
        options.files[i], read,
        [&](TraceRecord&& record) {
          std::string id = traces::sampling_id(record);
          if (keep(id)) {
            spans[id].push_back(std::move(record));
          }
        },
        on_warning);
    if (!summary) {
      return fail(summary.error());
    }
    pass.records += summary->records;
    pass.files.push_back(*summary);
  }
  return pass;
}

// Assembles the chosen traces' records into units in trace-id order, so the stored order does
// not depend on hash-map layout.
std::vector<TraceRecord> assemble_units(const TraceSource& source, SpansByTrace& spans,
                                        const traces::SampleSelection& selection)
{
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

// Pass 2: only the chosen traces' records are kept (warnings were counted in pass 1).
Result<std::vector<TraceRecord>> gather_units(const TraceScoreOptions& options, const TraceSource& source,
                                              const std::vector<traces::FileReadSummary>& files,
                                              const traces::SampleSelection& selection)
{
  SpansByTrace spans;
  const traces::RecordFilter chosen = [&selection](std::string_view id) {
    return selection.chosen.count(std::string(id)) != 0;
  };
  auto pass = read_kept(
      options, source, &files, chosen, [](const traces::TraceWarning&) {}, spans);
  if (!pass) {
    return fail(pass.error());
  }
  return assemble_units(source, spans, selection);
}

struct Sampled {
  Pass1 pass;
  traces::SampleSelection selection;
  std::vector<TraceRecord> units;
};

// When the sampling decision depends on the trace id alone (--sample-rate, or no rule), one read
// samples and gathers: each record is kept or dropped as soon as its trace id is known. Otherwise
// pass 1 observes every trace, the sampler selects, and pass 2 gathers the selected traces.
Result<Sampled> sample_and_gather(const TraceScoreOptions& options, const TraceSource& source,
                                  TraceScoreOutcome& outcome)
{
  const traces::WarningSink on_warning = [&outcome](const traces::TraceWarning& warning) {
    ++outcome.warning_count;
    if (outcome.warnings.size() < k_kept_warnings) {
      outcome.warnings.push_back(warning);
    }
  };
  Sampled out;
  if (traces::decided_by_trace_id(options.sample)) {
    traces::IdSampler sampler(options.sample);
    SpansByTrace spans;
    auto pass = read_kept(
        options, source, nullptr, [&sampler](std::string_view id) { return sampler.keep(id); }, on_warning,
        spans);
    if (!pass) {
      return fail(pass.error());
    }
    out.pass = std::move(*pass);
    out.selection = sampler.select();
    out.units = assemble_units(source, spans, out.selection);
    return out;
  }
  traces::TraceSampler sampler(options.sample);
  auto pass = observe_files(options, source, sampler, on_warning);
  if (!pass) {
    return fail(pass.error());
  }
  out.pass = std::move(*pass);
  out.selection = sampler.select();
  auto units = gather_units(options, source, out.pass.files, out.selection);
  if (!units) {
    return fail(units.error());
  }
  out.units = std::move(*units);
  return out;
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
  auto sampled = sample_and_gather(options, source, outcome);
  if (!sampled) {
    return fail(sampled.error());
  }
  outcome.files = sampled->pass.files;
  const Pass1* pass = &sampled->pass;
  const traces::SampleSelection& selection = sampled->selection;
  std::vector<TraceRecord>* units = &sampled->units;

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
