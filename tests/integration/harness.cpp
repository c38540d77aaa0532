#include "harness.hpp"

#include <stdexcept>

namespace evalgate::testing {

namespace {

std::string answer_for(int i)
{
  return "Answer " + std::to_string(i) + ": the code is K" + std::to_string(i * 7) + ".";
}

} // namespace

Harness::Harness(MockOptions mock, SuiteShape shape) : m_shape(std::move(shape))
{
  std::string dataset;
  std::string answers;
  for (int i = 1; i <= m_shape.cases; ++i) {
    const std::string question = "question number " + std::to_string(i) + " please";
    dataset += nlohmann::json{{"id", "q" + std::to_string(i)},
                              {"question", question},
                              {"keyword", "K" + std::to_string(i * 7)}}
                   .dump() +
               "\n";
    answers +=
        nlohmann::json{{"model", "good"}, {"contains", question}, {"reply", answer_for(i)}}.dump() + "\n";
    answers += nlohmann::json{{"model", "bad"},
                              {"contains", question},
                              {"reply", i % 3 == 0 ? std::string("I do not know.") : answer_for(i)}}
                   .dump() +
               "\n";
  }
  m_dir.write("golden.jsonl", dataset);
  mock.answers_file = m_dir.write("answers.jsonl", answers);

  std::string providers;
  for (const char* model : {"good", "bad"}) {
    providers += std::string("  - id: ") + model + "\n    type: openai\n    model: " + model +
                 "\n    base_url: http://127.0.0.1:${EVALGATE_MOCK_PORT}/v1\n    timeout_ms: " +
                 std::to_string(m_shape.timeout_ms) +
                 "\n    max_retries: " + std::to_string(m_shape.max_retries) +
                 "\n    retry_base_ms: " + std::to_string(m_shape.retry_base_ms) + "\n";
    if (!m_shape.api_key_env.empty()) {
      providers += "    api_key_env: " + m_shape.api_key_env + "\n";
    }
    providers += m_shape.extra_provider_keys;
  }
  m_dir.write("evalgate.yaml",
              "name: integration\nprompts:\n  - id: p\n    text: \"Q: {{question}}\"\nproviders:\n" +
                  providers +
                  "datasets:\n  - golden.jsonl\nevaluators:\n  - type: contains\n"
                  "    name: has-answer\n    value: \"{{keyword}}\"\n" +
                  m_shape.gate + "concurrency: " + std::to_string(m_shape.concurrency) +
                  "\nmax_error_rate: " + std::to_string(m_shape.max_error_rate) + "\n");

  auto server = MockServer::create(mock);
  if (!server) {
    throw std::runtime_error(server.error().str());
  }
  m_mock = std::move(server).value();
  m_mock->start();
}

ProcessResult Harness::evalgate(std::vector<std::string> args, ProcessOptions options) const
{
  args.insert(args.begin(), EVALGATE_BIN);
  options.env["EVALGATE_MOCK_PORT"] = std::to_string(m_mock->port());
  if (options.cwd.empty()) {
    options.cwd = m_dir.path().string();
  }
  return run_process(args, options);
}

} // namespace evalgate::testing
