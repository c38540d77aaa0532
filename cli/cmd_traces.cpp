// `evalgate traces score` samples production trace exports, scores them with a suite's
// evaluators, stores and reports the scores, gates, and exports failures and scores;
// `evalgate traces show` prints a stored scoring again (docs/traces.md).

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "command.hpp"
#include "engine/trace_scoring.hpp"
#include "report/trace_report.hpp"
#include "store/run_id.hpp"
#include "suite/suite_loader.hpp"
#include "traces/trace_export.hpp"

namespace evalgate::cli {

namespace {

struct TraceScoreFlags {
  std::vector<std::string> files;
  std::string suite;
  std::string format = "auto";
  bool strict = false;
  std::optional<double> sample_rate;
  std::optional<std::int64_t> sample_size;
  std::string stratify_by;
  std::string allocation = "proportional";
  std::vector<std::string> where;
  std::string always;
  std::string salt = traces::k_default_salt;
  std::string db = k_default_db;
  std::vector<std::string> out;
  std::string report = "text";
  std::string export_failures;
  std::vector<std::string> export_scores;
  int concurrency = 0;
  int read_threads = 0;
  std::string cache = "read-write";
  std::string pricing;
  std::size_t worst = 5;
};

Result<traces::SampleSpec> sample_spec(const TraceScoreFlags& flags)
{
  traces::SampleSpec spec;
  spec.rate = flags.sample_rate;
  spec.size = flags.sample_size;
  spec.salt = flags.salt;
  if (!flags.stratify_by.empty()) {
    if (auto ok = traces::parse_stratify(flags.stratify_by, spec); !ok) {
      return fail(ok.error());
    }
  }
  if (flags.allocation == "equal") {
    spec.allocation = traces::Allocation::equal;
  } else if (flags.allocation != "proportional") {
    return fail(ErrorCategory::usage,
                "--allocation must be proportional or equal, got '" + flags.allocation + "'");
  }
  if (!flags.always.empty()) {
    if (flags.always != "errors") {
      return fail(ErrorCategory::usage,
                  "--always takes 'errors' (score every failed call), got '" + flags.always + "'");
    }
    spec.always_errors = true;
  }
  for (const auto& text : flags.where) {
    auto condition = traces::parse_where(text);
    if (!condition) {
      return fail(condition.error());
    }
    spec.where.push_back(std::move(*condition));
  }
  if (auto ok = traces::validate_sample_spec(spec); !ok) {
    return fail(ok.error());
  }
  return spec;
}

Result<void> write_lines(const std::string& path, const std::vector<Json>& lines)
{
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& line : lines) {
    out << line.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  out.flush();
  if (!out) {
    return fail(ErrorCategory::usage, "cannot write " + path);
  }
  return {};
}

Result<std::size_t> export_failures(const std::string& path, const std::vector<ScoredTraceUnit>& units)
{
  std::vector<Json> lines;
  for (const auto& unit : units) {
    if (traces::has_quality_failure(unit.scores)) {
      lines.push_back(traces::failure_case(unit.record, unit.scores));
    }
  }
  if (auto ok = write_lines(path, lines); !ok) {
    return fail(ok.error());
  }
  return lines.size();
}

Result<std::size_t> export_scores(const std::string& path, const std::vector<ScoredTraceUnit>& units)
{
  std::vector<Json> lines;
  const auto now = std::chrono::system_clock::now();
  const std::string timestamp = iso8601_utc(now);
  const std::int64_t nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const bool otel = traces::score_export_format(path) == traces::ScoreExportFormat::otel;
  for (const auto& unit : units) {
    if (unit.scores.empty()) {
      continue;
    }
    if (otel) {
      lines.push_back(traces::otel_evaluation_logs(unit.record, unit.scores, nanos));
      continue;
    }
    for (const Score& score : unit.scores) {
      if (!score.errored()) {
        lines.push_back(traces::langfuse_score_event(unit.record, score, timestamp));
      }
    }
  }
  if (auto ok = write_lines(path, lines); !ok) {
    return fail(ok.error());
  }
  return lines.size();
}

void print_warnings(const TraceScoreOutcome& outcome)
{
  for (const auto& file : outcome.files) {
    std::cerr << "evalgate: " << file.path << ": " << traces::trace_format_name(file.format)
              << (file.detected ? " (auto-detected)" : "") << ", " << file.records << " records\n";
  }
  for (const auto& warning : outcome.warnings) {
    std::cerr << "evalgate: warning: " << warning.location.str() << ": " << warning.message << "\n";
  }
  if (outcome.warning_count > static_cast<std::int64_t>(outcome.warnings.size())) {
    std::cerr << "evalgate: " << outcome.warning_count - static_cast<std::int64_t>(outcome.warnings.size())
              << " more warnings\n";
  }
}

Result<void> write_reports(const std::vector<std::string>& outs, const TraceImportData& data,
                           std::size_t worst)
{
  for (const auto& path : outs) {
    const bool json = std::filesystem::path(path).extension() == ".json";
    const std::string text =
        json ? trace_report_json(data, worst).dump(2) + "\n" : trace_report_text(data, worst);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      return fail(ErrorCategory::usage, "cannot write report " + path);
    }
  }
  return {};
}

int score(const TraceScoreFlags& flags)
{
  if (flags.report != "text" && flags.report != "json") {
    return report_error(
        make_error(ErrorCategory::usage, "--report must be text or json, got '" + flags.report + "'"));
  }
  auto format = traces::trace_format_from_name(flags.format);
  if (!format) {
    return report_error(
        make_error(ErrorCategory::usage, "--format must be auto, otlp, openinference, langfuse or "
                                         "langsmith, got '" +
                                             flags.format + "'"));
  }
  auto cache_mode = cache_mode_from_name(flags.cache);
  if (!cache_mode) {
    return report_error(make_error(ErrorCategory::usage, "--cache must be one of read-write, read-only, off, "
                                                         "replay (got '" +
                                                             flags.cache + "')"));
  }
  auto spec = sample_spec(flags);
  if (!spec) {
    return report_error(spec.error());
  }
  auto suite = load_suite(flags.suite, SuiteLoadOptions{true});
  if (!suite) {
    return report_error(suite.error());
  }
  TraceScoreOptions options;
  options.files = flags.files;
  options.read.format = *format;
  options.read.strict = flags.strict;
  options.sample = std::move(*spec);
  options.db_path = flags.db;
  options.cache_mode = *cache_mode;
  options.pricing_file = flags.pricing;
  options.concurrency = flags.concurrency;
  options.read.threads = flags.read_threads > 0
                             ? flags.read_threads
                             : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  auto outcome = score_traces(*suite, options, default_trace_source());
  if (!outcome) {
    return report_error(outcome.error());
  }
  print_warnings(*outcome);
  auto store = TraceStore::open(flags.db);
  if (!store) {
    return report_error(store.error());
  }
  auto data = (*store)->load_import(std::to_string(outcome->import_id));
  if (!data) {
    return report_error(data.error());
  }
  if (flags.report == "json") {
    std::cout << trace_report_json(*data, flags.worst).dump(2) << "\n";
  } else {
    std::cout << trace_report_text(*data, flags.worst);
  }
  if (auto ok = write_reports(flags.out, *data, flags.worst); !ok) {
    return report_error(ok.error());
  }
  if (!flags.export_failures.empty()) {
    auto written = export_failures(flags.export_failures, data->units);
    if (!written) {
      return report_error(written.error());
    }
    std::cerr << "evalgate: " << *written << " failing units written to " << flags.export_failures << "\n";
  }
  for (const auto& path : flags.export_scores) {
    auto written = export_scores(path, data->units);
    if (!written) {
      return report_error(written.error());
    }
    std::cerr << "evalgate: " << *written << " lines of "
              << (traces::score_export_format(path) == traces::ScoreExportFormat::otel
                      ? "OTel gen_ai.evaluation.result logs"
                      : "Langfuse score-create events")
              << " written to " << path << "\n";
  }
  std::cerr << "evalgate: stored as trace import " << outcome->import_id << " in " << flags.db << "\n";
  return outcome->gate_failed ? 1 : 0;
}

int show(const std::string& db, const std::string& id, const std::string& report, std::size_t worst)
{
  if (report != "text" && report != "json") {
    return report_error(
        make_error(ErrorCategory::usage, "--report must be text or json, got '" + report + "'"));
  }
  auto store = TraceStore::open(db);
  if (!store) {
    return report_error(store.error());
  }
  auto data = (*store)->load_import(id);
  if (!data) {
    return report_error(data.error());
  }
  std::cout << (report == "json" ? trace_report_json(*data, worst).dump(2) + "\n"
                                 : trace_report_text(*data, worst));
  return data->info.verdict == "failed" ? 1 : 0;
}

void add_score(CLI::App& app, const std::shared_ptr<TraceScoreFlags>& flags)
{
  CLI::App* sub = app.add_subcommand(
      "score",
      "Sample production trace exports, score them with a suite's evaluators, store, report and gate");
  sub->add_option("files", flags->files,
                  "Trace exports (OTLP JSON, OpenInference/Phoenix, Langfuse, LangSmith)")
      ->required();
  sub->add_option("--suite", flags->suite,
                  "Suite with evaluators/judges/gate (default: evalgate.yaml|.yml|.json here)");
  sub->add_option("--format", flags->format, "Trace format: auto, otlp, openinference, langfuse or langsmith")
      ->capture_default_str();
  sub->add_flag("--strict", flags->strict, "Make reader warnings (malformed input) fatal");
  sub->add_option("--read-threads", flags->read_threads,
                  "Threads parsing JSON lines (default: one per core, at most 8; same results for any N)");
  sub->add_option("--sample-rate", flags->sample_rate,
                  "Keep traces whose salted hash u < RATE (deterministic, nested in RATE)");
  sub->add_option("--sample-size", flags->sample_size, "Keep the N traces with the smallest hash (bottom-k)");
  sub->add_option("--stratify-by", flags->stratify_by,
                  "Allocate --sample-size over strata: model, name (the route) or attribute:KEY");
  sub->add_option("--allocation", flags->allocation, "Stratum allocation: proportional or equal")
      ->capture_default_str();
  sub->add_option("--where", flags->where,
                  "Keep traces with a record matching KEY=VALUE (model, name, status, since, until, "
                  "attribute:KEY); repeatable, ANDed");
  sub->add_option("--always", flags->always, "errors: score every trace with a failed call (reported apart)");
  sub->add_option("--salt", flags->salt, "Salt of the sampling hash (recorded with the import)")
      ->capture_default_str();
  sub->add_option("--db", flags->db, "SQLite database for trace imports")->capture_default_str();
  sub->add_option("--out,-o", flags->out,
                  "Also write the report to FILE (.json = JSON, else text); repeatable");
  sub->add_option("--report", flags->report, "stdout report: text or json")->capture_default_str();
  sub->add_option("--worst", flags->worst, "How many of the worst units to list")->capture_default_str();
  sub->add_option("--export-failures", flags->export_failures,
                  "Write failing units as golden dataset cases (JSONL) a suite loads unchanged");
  sub->add_option("--export-scores", flags->export_scores,
                  "Write scores to FILE: Langfuse score-create events, or OTel gen_ai.evaluation.result logs "
                  "when FILE ends in .otlp.jsonl/.otel.jsonl; repeatable");
  sub->add_option("--concurrency,-j", flags->concurrency, "Judge calls in flight (default: the suite's)");
  sub->add_option("--cache", flags->cache,
                  "Judge response cache in the --db: read-write, read-only, off, replay")
      ->capture_default_str();
  sub->add_option("--pricing", flags->pricing, "Price file for judge cost (evalgate or LiteLLM format)");
}

} // namespace

Command traces_command()
{
  return {"traces",
          "Production traces: `traces score` samples, scores and gates exports; `traces show` reprints",
          [](CLI::App& app) {
            app.require_subcommand(1);
            auto flags = std::make_shared<TraceScoreFlags>();
            add_score(app, flags);
            auto show_db = std::make_shared<std::string>(k_default_db);
            auto show_id = std::make_shared<std::string>("latest");
            auto show_report = std::make_shared<std::string>("text");
            auto show_worst = std::make_shared<std::size_t>(5);
            CLI::App* show_app =
                app.add_subcommand("show", "Print a stored trace scoring (exit 1 if its gate failed)");
            show_app->add_option("import", *show_id, "Trace import id, or latest")->capture_default_str();
            show_app->add_option("--db", *show_db, "SQLite database")->capture_default_str();
            show_app->add_option("--report", *show_report, "text or json")->capture_default_str();
            show_app->add_option("--worst", *show_worst, "How many of the worst units to list")
                ->capture_default_str();
            return [flags, show_app, show_db, show_id, show_report, show_worst] {
              if (show_app->parsed()) {
                return show(*show_db, *show_id, *show_report, *show_worst);
              }
              return score(*flags);
            };
          }};
}

} // namespace evalgate::cli
