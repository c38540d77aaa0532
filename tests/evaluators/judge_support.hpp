#pragma once
// Helpers for judge tests: the real mock provider (lib/mock) on 127.0.0.1 answering scripted judge
// replies (rules match on `contains` of the judge prompt's last user message), reached through the
// real openai provider built by make_model_client; and a fake ModelClient for replies the mock
// cannot produce (logprobs, priced calls).

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "evaluators/registry.hpp"
#include "mock/mock_server.hpp"
#include "providers/model_client.hpp"
#include "temp_dir.hpp"

namespace evalgate::testing {

inline EvaluatorSpec judge_spec(const Json& config, Location location = {"evalgate.yaml", 9, 5, 0, ""})
{
  EvaluatorSpec spec;
  spec.type = config.value("type", "");
  spec.name = config.value("name", spec.type);
  spec.config = config;
  spec.location = std::move(location);
  return spec;
}

inline Case judge_case(const Json& vars)
{
  Case test_case;
  test_case.id = "c1";
  test_case.vars = vars;
  if (vars.contains("expected") && vars["expected"].is_string()) {
    test_case.expected = vars["expected"].get<std::string>();
  }
  if (vars.contains("context")) {
    test_case.context = vars["context"];
  }
  return test_case;
}

class MockJudge {
public:
  // `rules`: the mock's answers, first match wins: [{"contains": "...", "reply": "..."}].
  explicit MockJudge(const Json& rules)
  {
    std::string lines;
    for (const auto& rule : rules) {
      lines += rule.dump() + "\n";
    }
    MockOptions options;
    options.answers_file = m_dir.write("answers.jsonl", lines);
    auto server = MockServer::create(options);
    REQUIRE_MESSAGE(server, (server ? "" : server.error().str()));
    m_mock = std::move(*server);
    m_mock->start();
    m_transport = make_curl_transport();
    ProviderSpec spec;
    spec.id = "grader";
    spec.type = "openai";
    spec.model = "judge-model";
    spec.base_url = "http://127.0.0.1:" + std::to_string(m_mock->port()) + "/v1";
    spec.retry_base_ms = 1;
    auto client = make_model_client(spec, *m_transport);
    REQUIRE_MESSAGE(client, (client ? "" : client.error().str()));
    m_client = std::move(*client);
  }

  EvaluatorContext context() const
  {
    EvaluatorContext context;
    context.judge_ids = {"grader"};
    context.base_dir = m_dir.path().string();
    ModelClient* client = m_client.get();
    context.client = [client](const std::string& id) { return id == "grader" ? client : nullptr; };
    return context;
  }

  Result<std::unique_ptr<Evaluator>> build(const Json& config) const
  {
    return make_evaluator(judge_spec(config), context());
  }

  Score score(const Json& config, const std::string& output, const Json& vars = Json::object()) const
  {
    auto built = build(config);
    if (!built) {
      Score failed;
      failed.error = "build failed: " + built.error().str();
      return failed;
    }
    Case test_case = judge_case(vars);
    Trial trial;
    trial.output = output;
    return (*built)->evaluate(EvalInput{test_case, trial});
  }

  Json stats() const { return Json::parse(m_mock->stats_json()); }
  const TempDir& dir() const { return m_dir; }

private:
  TempDir m_dir;
  std::unique_ptr<MockServer> m_mock;
  std::unique_ptr<Transport> m_transport;
  std::unique_ptr<ModelClient> m_client;
};

// Answers every call with the next scripted CallResult (the last one repeats) and records prompts.
class FakeJudgeClient final : public ModelClient {
public:
  explicit FakeJudgeClient(std::vector<CallResult> replies) : m_replies(std::move(replies)) {}

  void complete(const CallInput& input, Done done) override
  {
    CallResult reply;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_prompts.push_back(input.messages.back().content);
      reply = m_replies[std::min(m_next, m_replies.size() - 1)];
      ++m_next;
    }
    done(std::move(reply));
  }

  std::vector<std::string> prompts() const
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_prompts;
  }

  EvaluatorContext context()
  {
    EvaluatorContext context;
    context.judge_ids = {"grader"};
    context.client = [this](const std::string&) -> ModelClient* { return this; };
    return context;
  }

private:
  mutable std::mutex m_mutex;
  std::vector<CallResult> m_replies;
  std::size_t m_next = 0;
  std::vector<std::string> m_prompts;
};

inline CallResult reply_of(const std::string& text, std::optional<double> cost = std::nullopt,
                           Json raw = nullptr)
{
  CallResult result;
  result.text = text;
  result.cost_usd = cost;
  result.raw = std::move(raw);
  result.provider_id = "grader";
  return result;
}

} // namespace evalgate::testing
