#include <doctest/doctest.h>

#include <sstream>

#include "report/report.hpp"
#include "report_fixture.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

std::string json_text(const RunData& run)
{
  std::ostringstream out;
  write_json_report(out, run);
  return out.str();
}

Json json_report(const RunData& run)
{
  return Json::parse(json_text(run));
}

} // namespace

TEST_CASE("the JSON report has run, summary, gate and trials in that order")
{
  const std::string text = json_text(sample_run());
  CHECK(text.rfind("{\n  \"run\": {\n    \"id\": \"20240501-abc123\",\n", 0) == 0);
  const auto top = [&text](const char* key) {
    return text.find(std::string("\n  \"") + key + "\": ");
  };
  CHECK(top("summary") != std::string::npos);
  CHECK(top("summary") < top("gate"));
  CHECK(top("gate") < top("trials"));
  const Json doc = Json::parse(text);
  CHECK(doc.size() == 5);
}

TEST_CASE("the JSON report's run object carries the run's info")
{
  const Json run = json_report(sample_run()).at("run");
  CHECK(run.at("id") == "20240501-abc123");
  CHECK(run.at("suite") == "support-bot");
  CHECK(run.at("suite_path") == "examples/evalgate.yaml");
  CHECK(run.at("status") == "completed");
  CHECK(run.at("started_at") == "2024-05-01T10:00:00Z");
  CHECK(run.at("finished_at") == "2024-05-01T10:01:00Z");
  CHECK(run.at("seed") == 7);
  CHECK(run.at("repeat") == 1);
  CHECK(run.at("case_count") == 5);
  CHECK(run.at("trial_count") == 10);
  CHECK(run.at("verdict") == "fail");
  REQUIRE(run.at("candidates").size() == 2);
  CHECK(run.at("candidates")[1] == Json{{"id", "v1/bad"}, {"prompt", "v1"}, {"provider", "bad"}});
}

TEST_CASE("the JSON report's summaries match the stats")
{
  const Json summary = json_report(sample_run()).at("summary");
  REQUIRE(summary.at("metrics").size() == 4);
  const Json& similarity = summary.at("metrics")[3];
  CHECK(similarity.at("candidate") == "v1/bad");
  CHECK(similarity.at("metric") == "similarity");
  CHECK(similarity.at("n") == 2);
  CHECK(similarity.at("errors") == 1);
  CHECK(similarity.at("passes") == 0);
  CHECK(similarity.at("mean").get<double>() == doctest::Approx(0.5));
  CHECK(similarity.at("pass_rate").get<double>() == 0.0);

  REQUIRE(summary.at("candidates").size() == 2);
  const Json& bad = summary.at("candidates")[1];
  CHECK(bad.at("candidate") == "v1/bad");
  CHECK(bad.at("trials") == 5);
  CHECK(bad.at("failed_trials") == 3);
  CHECK(bad.at("error_rate").get<double>() == doctest::Approx(0.6));
  CHECK(bad.at("mean_latency_ms").get<double>() == doctest::Approx(250));
  CHECK(bad.at("prompt_tokens") == 200);
  CHECK(bad.at("completion_tokens") == 40);
  CHECK(bad.at("cost_usd").get<double>() == doctest::Approx(0.002));
}

TEST_CASE("the JSON report's gate holds every result and the overall outcome")
{
  const Json gate = json_report(sample_run()).at("gate");
  CHECK(gate.at("passed") == false);
  REQUIRE(gate.at("results").size() == 2);
  const Json& bad = gate.at("results")[1];
  CHECK(bad.at("metric") == "contains");
  CHECK(bad.at("candidate") == "v1/bad");
  CHECK(bad.at("check") == "min_pass_rate");
  CHECK(bad.at("observed").get<double>() == 0.5);
  CHECK(bad.at("limit").get<double>() == 0.95);
  CHECK(bad.at("passed") == false);
  CHECK(bad.at("message") == "contains pass rate 0.500 < 0.950 on v1/bad");
}

TEST_CASE("a run without gate results has a null gate outcome and null unknowns in run info")
{
  RunData run = sample_run();
  run.gate_results.clear();
  run.info.verdict.clear();
  run.info.finished_at.clear();
  const Json doc = json_report(run);
  CHECK(doc.at("gate").at("passed").is_null());
  CHECK(doc.at("gate").at("results") == Json::array());
  CHECK(doc.at("run").at("verdict").is_null());
  CHECK(doc.at("run").at("finished_at").is_null());
}

TEST_CASE("the JSON report lists every trial with its scores, nulls for absent values")
{
  RunData run = sample_run();
  run.trials[0].trial.ttft_ms = 40;
  run.trials[0].trial.cache_hit = true;
  run.trials[0].scores[1].threshold = 0.8;
  run.trials[0].scores[1].reason = "cosine 0.90 >= 0.80";
  const Json trials = json_report(run).at("trials");
  REQUIRE(trials.size() == 9);

  const Json& first = trials[0];
  CHECK(first.at("candidate") == "v1/good");
  CHECK(first.at("case") == "case-0");
  CHECK(first.at("repeat") == 0);
  CHECK(first.at("output") == "Refunds take 5 days.");
  CHECK(first.at("latency_ms").get<double>() == 250);
  CHECK(first.at("ttft_ms").get<double>() == 40);
  CHECK(first.at("usage") ==
        Json{{"prompt_tokens", 100}, {"completion_tokens", 20}, {"total_tokens", 120}, {"cached_tokens", 0}});
  CHECK(first.at("cost_usd").get<double>() == doctest::Approx(0.001));
  CHECK(first.at("cache_hit") == true);
  CHECK(first.at("attempts") == 1);
  CHECK(first.at("failure").is_null());
  CHECK(first.at("error").is_null());
  REQUIRE(first.at("scores").size() == 2);
  const Json& similarity = first.at("scores")[1];
  CHECK(similarity.at("metric") == "similarity");
  CHECK(similarity.at("value").get<double>() == doctest::Approx(0.9));
  CHECK(similarity.at("pass") == true);
  CHECK(similarity.at("threshold").get<double>() == doctest::Approx(0.8));
  CHECK(similarity.at("reason") == "cosine 0.90 >= 0.80");
  CHECK(similarity.at("cost_usd").get<double>() == 0.0);
  CHECK(similarity.at("error").is_null());
  CHECK(first.at("scores")[0].at("threshold").is_null());

  const Json& errored = trials[5].at("scores")[1];
  CHECK(errored.at("error") == "embedding call failed: HTTP 500");

  const Json& failed = trials[8];
  CHECK(failed.at("ttft_ms").is_null());
  CHECK(failed.at("failure") == "timeout");
  CHECK(failed.at("error") == "request timed out after 60000 ms");
  CHECK(failed.at("attempts") == 5);
  CHECK(failed.at("scores") == Json::array());
}

TEST_CASE("invalid UTF-8 in an output does not throw and becomes replacement characters")
{
  RunData run = sample_run();
  run.trials[0].trial.output = std::string("ok \xff\xfe bytes \xc3");
  run.trials[1].scores[0].reason = std::string("found \x80");
  std::string text;
  CHECK_NOTHROW(text = json_text(run));
  const Json doc = Json::parse(text);
  CHECK(doc.at("trials")[0].at("output") == "ok \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
  CHECK(doc.at("trials")[1].at("scores")[0].at("reason") == "found \xEF\xBF\xBD");
}

TEST_CASE("the JSON report is pretty-printed with two spaces")
{
  const std::string text = json_text(sample_run());
  CHECK(text.find("\n  \"summary\": {\n    \"metrics\": [\n      {\n") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("an empty run still produces the full document shape")
{
  const Json doc = json_report(RunData{});
  CHECK(doc.at("run").at("candidates") == Json::array());
  CHECK(doc.at("summary").at("metrics") == Json::array());
  CHECK(doc.at("summary").at("candidates") == Json::array());
  CHECK(doc.at("gate").at("passed").is_null());
  CHECK(doc.at("trials") == Json::array());
}
