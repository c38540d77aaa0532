// `evalgate traces score` on the shared OTLP fixture (four traces: A grounded, B claims a
// prorated refund, C a tool-using agent, D a failed call), driven through the real binary: heuristic
// and judge evaluators, gate exit codes, stored imports, and the feedback exports, including a
// round trip where the exported failures run as a suite dataset against the mock provider.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "mock_provider_process.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

using namespace evalgate::testing;
using Json = nlohmann::json;

namespace {

std::string fixture_copy(const TempDir& dir)
{
  const std::string source = std::string(EVALGATE_SOURCE_DIR) + "/tests/fixtures/traces/otlp-genai.jsonl";
  std::ifstream in(source, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return dir.write("otlp-genai.jsonl", text.str());
}

std::vector<Json> json_lines(const std::string& path)
{
  std::vector<Json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      lines.push_back(Json::parse(line));
    }
  }
  return lines;
}

const char* k_heuristic_suite = "name: prod\n"
                                "evaluators:\n"
                                "  - type: not-icontains\n"
                                "    name: no-prorating\n"
                                "    value: prorated\n"
                                "  - type: max-length\n"
                                "    value: 2000\n"
                                "gate:\n"
                                "  - metric: no-prorating\n"
                                "    min_pass_rate: 0.9\n";

} // namespace

TEST_CASE("traces score reports per model and route, stores the import and fails the gate with exit 1")
{
  TempDir dir;
  fixture_copy(dir);
  dir.write("traces.yaml", k_heuristic_suite);
  auto result = run_process({EVALGATE_BIN, "traces", "score", "otlp-genai.jsonl", "--suite", "traces.yaml",
                             "--db", "t.db", "--always", "errors"},
                            {{}, dir.path().string()});
  INFO(result.out);
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("otlp-genai.jsonl: otlp (auto-detected)") != std::string::npos);
  CHECK(result.out.find("By model") != std::string::npos);
  CHECK(result.out.find("gpt-4.1-mini") != std::string::npos);
  CHECK(result.out.find("By route") != std::string::npos);
  CHECK(result.out.find("helpdesk-copilot") != std::string::npos);
  CHECK(result.out.find("FAIL  no-prorating pass rate") != std::string::npos);
  CHECK(result.out.find("c41e8b07d29a4f53b6e0a7d1953f2c8a") != std::string::npos); // the worst unit's trace
  CHECK(result.out.find("verdict: FAILED") != std::string::npos);

  auto shown = run_process({EVALGATE_BIN, "traces", "show", "latest", "--db", "t.db", "--report", "json"},
                           {{}, dir.path().string()});
  CHECK(shown.exit_code == 1);
  const Json report = Json::parse(shown.out);
  CHECK(report["verdict"] == "failed");
  CHECK(report["summary"]["traces_seen"] == 4);
  CHECK(report["summary"]["traces_forced"] == 1);
  CHECK(report["forced"]["failed_calls"].get<int>() >= 1);
  CHECK(report["overall"]["metrics"]["no-prorating"]["pass_rate"].get<double>() < 0.9);
  CHECK(report["summary"]["files"][0]["format"] == "otlp");
  CHECK(report["summary"]["files"][0]["detected"] == true);
}

TEST_CASE("traces score passes a gate the sample meets, and a bad sampling flag is a usage error")
{
  TempDir dir;
  fixture_copy(dir);
  dir.write("traces.yaml", "name: prod\nevaluators:\n  - type: max-length\n    value: 2000\n"
                           "gate:\n  - metric: max-length\n    min_p05: 1\n");
  auto ok = run_process({EVALGATE_BIN, "traces", "score", "otlp-genai.jsonl", "--suite", "traces.yaml",
                         "--db", "t.db", "--sample-size", "2", "--report", "json"},
                        {{}, dir.path().string()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  const Json report = Json::parse(ok.out);
  CHECK(report["summary"]["traces_sampled"] == 2);
  CHECK(report["config"]["sampling"]["size"] == 2);
  CHECK(report["verdict"] == "passed");

  auto bad = run_process({EVALGATE_BIN, "traces", "score", "otlp-genai.jsonl", "--suite", "traces.yaml",
                          "--sample-rate", "0.1", "--sample-size", "3"},
                         {{}, dir.path().string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "evalgate: give --sample-rate or --sample-size, not both\n");
  auto where = run_process({EVALGATE_BIN, "traces", "score", "otlp-genai.jsonl", "--suite", "traces.yaml",
                            "--where", "colour=red"},
                           {{}, dir.path().string()});
  CHECK(where.exit_code == 2);
  CHECK(where.err ==
        "evalgate: --where 'colour=red': unknown key 'colour'; expected model, name, status, since, "
        "until or attribute:KEY\n");
}

TEST_CASE(
    "a judge scores traces through the mock provider; exported failures run as a suite and scores export "
    "for Langfuse and OTel")
{
  TempDir dir;
  fixture_copy(dir);
  const std::string answers =
      Json{{"model", "judge-model"},
           {"contains", "prorated"},
           {"reply", R"({"reason": "contradicts kb-2210", "pass": false, "score": 0.0})"}}
          .dump() +
      "\n" +
      Json{{"model", "judge-model"}, {"reply", R"({"reason": "supported", "pass": true, "score": 1.0})"}}
          .dump() +
      "\n";
  MockProviderProcess mock(dir.write("answers.jsonl", answers));
  const std::string base = "http://127.0.0.1:" + std::to_string(mock.port()) + "/v1";
  const std::string judges =
      "judges:\n  - id: grader\n    type: openai\n    model: judge-model\n    base_url: " + base + "\n";
  const std::string evaluators = "evaluators:\n  - type: rubric\n    name: grounded\n    rubric: \"Only "
                                 "claims what the context supports\"\n";
  dir.write("traces.yaml",
            "name: prod\n" + judges + evaluators + "gate:\n  - metric: grounded\n    min_mean: 0.9\n");
  auto scored = run_process({EVALGATE_BIN, "traces", "score", "otlp-genai.jsonl", "--suite", "traces.yaml",
                             "--db", "t.db", "--cache", "off", "--export-failures", "golden.jsonl",
                             "--export-scores", "scores.jsonl", "--export-scores", "scores.otlp.jsonl"},
                            {{}, dir.path().string()});
  INFO(scored.out);
  INFO(scored.err);
  CHECK(scored.exit_code == 1);

  const auto failures = json_lines(dir.file("golden.jsonl"));
  REQUIRE(failures.size() == 1);
  CHECK(failures[0]["metadata"]["trace_id"] == "c41e8b07d29a4f53b6e0a7d1953f2c8a");
  CHECK(failures[0]["metadata"]["failing_scores"][0]["metric"] == "grounded");
  CHECK(failures[0]["metadata"]["failing_scores"][0]["reason"] == "contradicts kb-2210");
  CHECK(failures[0]["output"].get<std::string>().find("prorated") != std::string::npos);
  CHECK_FALSE(failures[0]["input"].get<std::string>().empty());

  const auto langfuse = json_lines(dir.file("scores.jsonl"));
  REQUIRE_FALSE(langfuse.empty());
  for (const auto& event : langfuse) {
    CHECK(event["type"] == "score-create");
    CHECK(event["body"]["name"] == "grounded");
    CHECK(event["body"]["dataType"] == "NUMERIC");
    CHECK(event["body"].contains("traceId"));
    CHECK(event["body"].contains("observationId"));
  }
  const auto otel = json_lines(dir.file("scores.otlp.jsonl"));
  REQUIRE(otel.size() == langfuse.size());
  const Json& record = otel[0]["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  CHECK(record["eventName"] == "gen_ai.evaluation.result");
  CHECK(record["traceId"].get<std::string>().size() == 32);
  CHECK(record["spanId"].get<std::string>().size() == 16);

  // Round trip: the exported failures are a dataset; a `field` provider replays the production
  // answer, and the same judge fails it again.
  dir.write("replay.yaml", "name: replay\nprompts:\n  - id: p\n    text: \"{{input}}\"\n"
                           "providers:\n  - id: prod\n    type: field\n    field: output\n" +
                               judges + "datasets:\n  - golden.jsonl\n" + evaluators);
  auto replay = run_process({EVALGATE_BIN, "run", "replay.yaml", "--db", "runs.db", "--no-progress",
                             "--format", "json", "--cache", "off"},
                            {{}, dir.path().string()});
  INFO(replay.out);
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
  const Json run = Json::parse(replay.out);
  CHECK(run.dump().find("contradicts kb-2210") != std::string::npos);
}

namespace {

// A multi-line OTLP export: 120 traces (root agent span, retrieval, chat call), each trace's spans
// spread over two consecutive lines, with a truncated line, a wrong-typed token count and a
// broken JSON-string message among them.
std::string generated_export()
{
  auto attr = [](const std::string& key, const std::string& value) {
    return R"({"key":")" + key + R"(","value":{"stringValue":)" + Json(value).dump() + "}}";
  };
  std::string text;
  for (int t = 0; t < 120; ++t) {
    char id[40];
    std::snprintf(id, sizeof id, "%08x%08x%016x", 0x5eed0000u + static_cast<unsigned>(t), t * 7919u, t);
    const std::string trace = id;
    const std::string root =
        R"({"traceId":")" + trace +
        R"(","spanId":"a000000000000001","name":"POST /chat",)"
        R"("startTimeUnixNano":"1787061800000000000","endTimeUnixNano":"1787061801000000000",)"
        R"("attributes":[)" +
        attr("gen_ai.operation.name", "invoke_agent") + "]}";
    const std::string messages = t == 17 ? "[not json"
                                         : R"([{"role":"user","parts":[{"type":"text","content":"question )" +
                                               std::to_string(t) + R"("}]}])";
    const std::string tokens = t == 40 ? R"({"key":"gen_ai.usage.input_tokens","value":{"intValue":"many"}})"
                                       : R"({"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}})";
    const std::string chat =
        R"({"traceId":")" + trace +
        R"(","spanId":"a000000000000002","parentSpanId":"a000000000000001",)"
        R"("name":"chat gpt-4o","startTimeUnixNano":"1787061800100000000","endTimeUnixNano":"1787061800900000000",)"
        R"("attributes":[)" +
        attr("gen_ai.operation.name", "chat") + "," + attr("gen_ai.request.model", "gpt-4o") + "," +
        attr("gen_ai.input.messages", messages) + "," +
        attr("gen_ai.output.messages", R"([{"role":"assistant","parts":[{"type":"text","content":")" +
                                           std::string(t % 5 == 0 ? "I am sorry" : "Answer") + R"("}]}])") +
        "," + tokens + "]}";
    auto line = [](const std::string& spans) {
      return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bot"}}]},)"
             R"("scopeSpans":[{"spans":[)" +
             spans + "]}]}]}\n";
    };
    text += line(root);
    text += t == 90 ? line(chat).substr(0, 80) + "\n" : line(chat);
  }
  return text;
}

// The report without what differs between runs by design (ids, time, the flags themselves).
Json comparable(Json report)
{
  for (const char* key : {"import_id", "imported_at", "config"}) {
    report.erase(key);
  }
  return report;
}

} // namespace

TEST_CASE("one pass, two passes and two reading threads give the same sample, scores and warnings")
{
  TempDir dir;
  dir.write("export.jsonl", generated_export());
  dir.write("traces.yaml", "name: prod\nevaluators:\n  - type: not-icontains\n    value: I am sorry\n");
  // One database per run, so each is trace import 1 and stderr can be compared whole.
  auto score = [&](const std::string& db, std::vector<std::string> extra) {
    std::vector<std::string> argv = {EVALGATE_BIN, "traces",      "score",         "export.jsonl",
                                     "--suite",    "traces.yaml", "--db",          db,
                                     "--report",   "json",        "--sample-rate", "0.5"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, {{}, dir.path().string()});
  };
  auto one_pass = score("one.db", {"--read-threads", "1"});
  auto threaded = score("threaded.db", {"--read-threads", "2"});
  // --where that every trace matches makes the sampler observe whole traces first: two passes.
  auto two_passes = score("two.db", {"--read-threads", "1", "--where", "since=2026-01-01"});
  for (const auto* run : {&one_pass, &threaded, &two_passes}) {
    INFO(run->err);
    REQUIRE(run->exit_code == 0);
  }
  const Json expected = comparable(Json::parse(one_pass.out));
  CHECK(expected["summary"]["traces_seen"] == 120);
  CHECK(expected["summary"]["traces_sampled"].get<int>() > 30);
  CHECK(expected["summary"]["traces_sampled"].get<int>() < 90);
  CHECK(expected["summary"]["warnings"] == 3);
  CHECK(comparable(Json::parse(threaded.out)) == expected);
  CHECK(comparable(Json::parse(two_passes.out)) == expected);
  auto same_but_db = [](std::string err, const std::string& db) {
    const auto at = err.find(" in " + db);
    return at == std::string::npos ? err : err.replace(at + 4, db.size(), "one.db");
  };
  CHECK(same_but_db(threaded.err, "threaded.db") == one_pass.err);
  CHECK(same_but_db(two_passes.err, "two.db") == one_pass.err);
  CHECK(one_pass.err.find("export.jsonl:36: resourceSpans[0].scopeSpans[0].spans[0].attributes.gen_ai.input."
                          "messages: holds text that is not valid JSON; kept as plain text") !=
        std::string::npos);
  CHECK(one_pass.err.find("export.jsonl:182: not valid JSON") != std::string::npos);
}
