#include "report/trace_report.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "report/text_table.hpp"
#include "stats/intervals.hpp"

namespace evalgate {

using report_detail::Align;
using report_detail::elide;
using report_detail::single_line;
using report_detail::TextTable;

namespace {

constexpr const char* k_none = "(none)";

bool forced(const ScoredTraceUnit& unit)
{
  return unit.record.sample.reason == "always:errors";
}

std::string route_of(const TraceRecord& record)
{
  if (record.metadata.is_object()) {
    auto found = record.metadata.find(k_trace_route_key);
    if (found != record.metadata.end() && found->is_string()) {
      return found->get<std::string>();
    }
  }
  return record.name;
}

TraceGroupSummary summarise(std::string key, const std::vector<const ScoredTraceUnit*>& units)
{
  TraceGroupSummary group;
  group.key = key.empty() ? k_none : std::move(key);
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, std::int64_t> passed;
  for (const ScoredTraceUnit* unit : units) {
    ++group.units;
    group.failed_calls += unit->record.status == TraceStatus::error ? 1 : 0;
    if (unit->record.cost_usd) {
      group.cost_usd += *unit->record.cost_usd;
    } else {
      ++group.cost_unknown;
    }
    for (const Score& score : unit->scores) {
      group.cost_usd += score.cost_usd;
      TraceMetricSummary& metric = group.metrics[score.metric];
      if (score.errored()) {
        ++metric.errored;
        continue;
      }
      values[score.metric].push_back(score.value);
      passed[score.metric] += score.pass ? 1 : 0;
    }
  }
  group.error_rate =
      group.units == 0 ? 0 : static_cast<double>(group.failed_calls) / static_cast<double>(group.units);
  for (auto& [name, metric] : group.metrics) {
    const std::vector<double>& v = values[name];
    metric.n = static_cast<std::int64_t>(v.size());
    if (v.empty()) {
      continue;
    }
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    metric.mean = sum / static_cast<double>(v.size());
    metric.p05 = quantile(v, 0.05);
    metric.p50 = quantile(v, 0.5);
    metric.p95 = quantile(v, 0.95);
    metric.pass_rate = static_cast<double>(passed[name]) / static_cast<double>(v.size());
  }
  return group;
}

template <typename KeyOf>
std::vector<TraceGroupSummary> grouped(const std::vector<const ScoredTraceUnit*>& units, KeyOf key_of)
{
  std::map<std::string, std::vector<const ScoredTraceUnit*>> groups;
  for (const ScoredTraceUnit* unit : units) {
    groups[key_of(unit->record)].push_back(unit);
  }
  std::vector<TraceGroupSummary> out;
  for (const auto& [key, members] : groups) {
    out.push_back(summarise(key, members));
  }
  return out;
}

double mean_score(const ScoredTraceUnit& unit)
{
  double sum = 0;
  int n = 0;
  for (const Score& s : unit.scores) {
    if (!s.errored()) {
      sum += s.value;
      ++n;
    }
  }
  return n == 0 ? 1.0 : sum / n;
}

std::string number(double value)
{
  return fmt::format("{:.3f}", value);
}

void group_table(std::ostream& out, const char* title, const char* column,
                 const std::vector<TraceGroupSummary>& groups)
{
  out << "\n" << title << "\n";
  TextTable table({{column, Align::left, 40},
                   {"metric", Align::left, 32},
                   {"n", Align::right},
                   {"mean", Align::right},
                   {"p05", Align::right},
                   {"p50", Align::right},
                   {"p95", Align::right},
                   {"pass", Align::right},
                   {"errors", Align::right},
                   {"cost", Align::right}});
  for (const auto& group : groups) {
    bool first = true;
    const std::string key = single_line(group.key);
    const std::string errors = fmt::format("{}/{}", group.failed_calls, group.units);
    const std::string cost = fmt::format("${:.4f}{}", group.cost_usd, group.cost_unknown > 0 ? "+?" : "");
    if (group.metrics.empty()) {
      table.add_row({key, "-", "0", "", "", "", "", "", errors, cost});
    }
    for (const auto& [name, m] : group.metrics) {
      table.add_row({first ? key : "", name, std::to_string(m.n), m.n ? number(m.mean) : "-",
                     m.n ? number(m.p05) : "-", m.n ? number(m.p50) : "-", m.n ? number(m.p95) : "-",
                     m.n ? fmt::format("{:.1f}%", 100 * m.pass_rate) : "-", first ? errors : "",
                     first ? cost : ""});
      first = false;
    }
  }
  table.write(out, "  ");
}

Json metric_json(const TraceMetricSummary& m)
{
  return {{"n", m.n},     {"errored", m.errored}, {"mean", m.mean},          {"p05", m.p05},
          {"p50", m.p50}, {"p95", m.p95},         {"pass_rate", m.pass_rate}};
}

Json group_json(const TraceGroupSummary& group)
{
  Json metrics = Json::object();
  for (const auto& [name, m] : group.metrics) {
    metrics[name] = metric_json(m);
  }
  return {{"key", group.key},
          {"units", group.units},
          {"failed_calls", group.failed_calls},
          {"error_rate", group.error_rate},
          {"cost_usd", group.cost_usd},
          {"cost_unknown_units", group.cost_unknown},
          {"metrics", metrics}};
}

} // namespace

TraceReportData summarise_trace_import(const TraceImportData& data, std::size_t worst)
{
  std::vector<const ScoredTraceUnit*> sampled;
  std::vector<const ScoredTraceUnit*> must;
  for (const auto& unit : data.units) {
    (forced(unit) ? must : sampled).push_back(&unit);
  }
  TraceReportData report;
  report.overall = summarise("all", sampled);
  report.forced = summarise("always:errors", must);
  report.by_model = grouped(sampled, [](const TraceRecord& r) { return r.model; });
  report.by_route = grouped(sampled, [](const TraceRecord& r) { return route_of(r); });
  std::vector<const ScoredTraceUnit*> scored;
  for (const ScoredTraceUnit* unit : sampled) {
    const bool failing =
        std::any_of(unit->scores.begin(), unit->scores.end(), [](const Score& s) { return !s.pass; });
    if (failing) {
      scored.push_back(unit);
    }
  }
  std::stable_sort(scored.begin(), scored.end(), [](const ScoredTraceUnit* a, const ScoredTraceUnit* b) {
    return mean_score(*a) < mean_score(*b);
  });
  scored.resize(std::min(scored.size(), worst));
  report.worst = std::move(scored);
  return report;
}

std::string trace_report_text(const TraceImportData& data, std::size_t worst)
{
  const TraceReportData report = summarise_trace_import(data, worst);
  const TraceImportInfo& info = data.info;
  const Json& summary = info.summary;
  std::ostringstream out;
  out << "Trace import " << info.id << " (" << info.imported_at << ")\n";
  if (summary.contains("files")) {
    for (const auto& file : summary["files"]) {
      out << "  " << file.value("path", "") << ": " << file.value("format", "") << " ("
          << (file.value("detected", false) ? "auto-detected" : "as given") << "), "
          << file.value("records", 0) << " records, " << file.value("warnings", 0) << " warnings\n";
    }
  }
  const Json sampling = info.config.value("sampling", Json::object());
  out << fmt::format(
      "  traces: {} seen, {} matched --where, {} sampled, {} forced by --always errors (salt '{}')\n",
      summary.value("traces_seen", 0), summary.value("traces_eligible", 0),
      summary.value("traces_sampled", 0), summary.value("traces_forced", 0),
      single_line(sampling.value("salt", "")));
  out << fmt::format("  units: {} scored from sampled traces, {} whose call failed; reader warnings: {}\n",
                     report.overall.units - report.overall.failed_calls, report.overall.failed_calls,
                     info.warning_count);
  group_table(out, "By model", "model", report.by_model);
  group_table(out, "By route", "route", report.by_route);
  if (report.forced.units > 0) {
    out << fmt::format(
        "\nForced in by --always errors (not in the figures above): {} units, {} failed calls\n",
        report.forced.units, report.forced.failed_calls);
  }
  if (!report.worst.empty()) {
    out << "\nWorst units\n";
    TextTable table({{"mean", Align::right},
                     {"trace", Align::left, 40},
                     {"span", Align::left, 24},
                     {"model", Align::left, 24},
                     {"failing", Align::left, 60}});
    for (const ScoredTraceUnit* unit : report.worst) {
      std::string failing;
      for (const Score& s : unit->scores) {
        if (!s.pass) {
          failing += (failing.empty() ? "" : "; ") + s.metric + (s.errored() ? " (error)" : ": " + s.reason);
        }
      }
      table.add_row({number(mean_score(*unit)), single_line(unit->record.trace_id),
                     single_line(unit->record.span_id), single_line(unit->record.model),
                     elide(single_line(failing), 60)});
    }
    table.write(out, "  ");
  }
  if (!info.gate.empty()) {
    out << "\nGate\n";
    for (const auto& r : info.gate) {
      out << "  " << (r.passed ? "pass  " : "FAIL  ") << single_line(r.message) << "\n";
    }
    out << "\nverdict: " << (info.verdict == "failed" ? "FAILED" : "passed") << "\n";
  }
  return out.str();
}

Json trace_report_json(const TraceImportData& data, std::size_t worst)
{
  const TraceReportData report = summarise_trace_import(data, worst);
  const TraceImportInfo& info = data.info;
  Json by_model = Json::array();
  for (const auto& g : report.by_model) {
    by_model.push_back(group_json(g));
  }
  Json by_route = Json::array();
  for (const auto& g : report.by_route) {
    by_route.push_back(group_json(g));
  }
  Json worst_units = Json::array();
  for (const ScoredTraceUnit* unit : report.worst) {
    Json scores = Json::array();
    for (const Score& s : unit->scores) {
      scores.push_back({{"metric", s.metric},
                        {"value", s.value},
                        {"pass", s.pass},
                        {"reason", s.reason},
                        {"error", s.error}});
    }
    worst_units.push_back({{"trace_id", unit->record.trace_id},
                           {"span_id", unit->record.span_id},
                           {"model", unit->record.model},
                           {"route", route_of(unit->record)},
                           {"mean", mean_score(*unit)},
                           {"scores", scores}});
  }
  Json gate = Json::array();
  for (const auto& r : info.gate) {
    gate.push_back({{"metric", r.metric},
                    {"check", r.check},
                    {"observed", r.observed},
                    {"limit", r.limit},
                    {"passed", r.passed},
                    {"message", r.message}});
  }
  return {{"import_id", info.id},
          {"imported_at", info.imported_at},
          {"sources", info.source_path},
          {"formats", info.format},
          {"records", info.record_count},
          {"warnings", info.warning_count},
          {"config", info.config},
          {"summary", info.summary},
          {"overall", group_json(report.overall)},
          {"forced", group_json(report.forced)},
          {"by_model", by_model},
          {"by_route", by_route},
          {"worst", worst_units},
          {"gate", gate},
          {"verdict", info.verdict}};
}

} // namespace evalgate
