#include <doctest/doctest.h>

#include "report/trace_report.hpp"

using namespace evalgate;

namespace {

ScoredTraceUnit unit(const std::string& trace, const std::string& model, const std::string& route,
                     double value, const std::string& reason = "rate", TraceStatus status = TraceStatus::ok)
{
  ScoredTraceUnit u;
  u.record.trace_id = trace;
  u.record.span_id = "s-" + trace;
  u.record.model = model;
  u.record.name = "chat";
  u.record.metadata[k_trace_route_key] = route;
  u.record.status = status;
  u.record.cost_usd = 0.01;
  u.record.sample.reason = reason;
  if (status != TraceStatus::error) {
    Score s;
    s.metric = "grounded";
    s.value = value;
    s.pass = value >= 0.5;
    s.reason = s.pass ? "ok" : "unsupported claim";
    s.cost_usd = 0.001;
    u.scores.push_back(s);
  }
  return u;
}

TraceImportData sample_data()
{
  TraceImportData data;
  data.info.id = 3;
  data.info.summary = {{"traces_seen", 6}, {"traces_sampled", 5}, {"traces_forced", 1}};
  data.units = {unit("t1", "gpt-4o", "/reset", 1.0),
                unit("t2", "gpt-4o", "/refunds", 0.0),
                unit("t3", "claude", "/reset", 0.75),
                unit("t4", "claude", "/reset", 0.5),
                unit("t5", "claude", "/refunds", 0, "rate", TraceStatus::error),
                unit("t6", "claude", "/reset", 0, "always:errors", TraceStatus::error)};
  return data;
}

} // namespace

TEST_CASE("the trace report groups sampled units by model and by route with percentiles, errors and cost")
{
  const TraceImportData data = sample_data();
  const TraceReportData report = summarise_trace_import(data);
  CHECK(report.overall.units == 5);
  CHECK(report.overall.failed_calls == 1);
  CHECK(report.forced.units == 1);
  REQUIRE(report.by_model.size() == 2);
  const TraceGroupSummary& claude = report.by_model[0];
  CHECK(claude.key == "claude");
  CHECK(claude.units == 3);
  CHECK(claude.error_rate == doctest::Approx(1.0 / 3));
  CHECK(claude.cost_usd == doctest::Approx(0.032));
  const TraceMetricSummary& grounded = claude.metrics.at("grounded");
  CHECK(grounded.n == 2);
  CHECK(grounded.mean == doctest::Approx(0.625));
  CHECK(grounded.p05 == doctest::Approx(0.5125));
  CHECK(grounded.p95 == doctest::Approx(0.7375));
  REQUIRE(report.by_route.size() == 2);
  CHECK(report.by_route[0].key == "/refunds");
  CHECK(report.by_route[1].key == "/reset");
  CHECK(report.by_route[1].metrics.at("grounded").n == 3);
  REQUIRE(report.worst.size() == 1);
  CHECK(report.worst[0]->record.trace_id == "t2");
}

TEST_CASE("the trace report's text and JSON name the worst unit's ids and the forced set apart")
{
  const TraceImportData data = sample_data();
  const std::string text = trace_report_text(data);
  CHECK(text.find("By model") != std::string::npos);
  CHECK(text.find("By route") != std::string::npos);
  CHECK(text.find("Forced in by --always errors (not in the figures above): 1 units, 1 failed calls") !=
        std::string::npos);
  CHECK(text.find("grounded: unsupported claim") != std::string::npos);
  CHECK(text.find("s-t2") != std::string::npos);
  const Json json = trace_report_json(data);
  CHECK(json["worst"][0]["trace_id"] == "t2");
  CHECK(json["worst"][0]["route"] == "/refunds");
  CHECK(json["by_model"][1]["metrics"]["grounded"]["mean"] == 0.5);
  CHECK(json["forced"]["units"] == 1);
}
