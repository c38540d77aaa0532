// Prompt and provider sections: every error verbatim with its location, params typing, ${VAR}.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "providers/model_client.hpp"

#include "suite_scratch.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

// A suite whose prompts section is `prompts` (indented as a list under `prompts:`).
std::string with_prompts(const std::string& prompts)
{
  return "prompts:\n" + prompts +
         "providers:\n"
         "  - {type: field, field: question}\n"
         "datasets: [golden.jsonl]\n";
}

// A suite whose providers section is `providers`.
std::string with_providers(const std::string& providers, const std::string& extra = "")
{
  return "prompts: [\"{{question}}\"]\n"
         "providers:\n" +
         providers + "datasets: [golden.jsonl]\n" + extra;
}

// The provider type list as errors print it: sorted, comma-separated.
std::string known_types()
{
  std::vector<std::string> names;
  for (const auto& info : provider_types()) {
    names.emplace_back(info.name);
  }
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const auto& name : names) {
    joined += (joined.empty() ? "" : ", ") + name;
  }
  return joined;
}

} // namespace

TEST_CASE("a prompt file that does not exist names the resolved path")
{
  ScratchDir dir;
  auto suite = load_text(dir, with_prompts("  - id: v1\n    file: prompts/v1.txt\n"));
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::config);
  CHECK(suite.error().str() == "evalgate.yaml:3:11: prompt file 'prompts/v1.txt' not found (resolved to " +
                                 dir.path("prompts/v1.txt") + ")");
}

TEST_CASE("prompt files resolve against the suite file's folder, not the working directory")
{
  ScratchDir dir;
  dir.write("suites/prompts/v1.txt", "Q: {{question}}\n\n");
  dir.write("suites/golden.jsonl", k_golden_jsonl);
  dir.write("suites/evalgate.yaml", with_prompts("  - id: v1\n    file: prompts/v1.txt\n"));
  CwdGuard cwd(dir.path());
  auto suite = load_suite("suites/evalgate.yaml");
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->prompts[0].messages[0].content == "Q: {{question}}");
  CHECK(suite->cases[0].dataset == "golden.jsonl");
  CHECK(suite->base_dir == dir.path("suites"));
}

TEST_CASE("a prompt needs exactly one of text, file or messages")
{
  CHECK(load_error(with_prompts("  - id: v1\n    text: hi\n    file: a.txt\n")) ==
        "evalgate.yaml:2:5: prompt 'v1' needs exactly one of 'text', 'file' or 'messages', got 2");
  CHECK(load_error(with_prompts("  - id: v1\n")) ==
        "evalgate.yaml:2:5: prompt 'v1' needs exactly one of 'text', 'file' or 'messages', got 0");
}

TEST_CASE("a prompt mapping needs an id without a slash, unique in the suite")
{
  CHECK(load_error(with_prompts("  - text: hi\n")) ==
        "evalgate.yaml:2:5: each prompt needs an 'id' (used in candidate ids '<prompt>/<provider>')");
  CHECK(load_error(with_prompts("  - id: a/b\n    text: hi\n")) ==
        "evalgate.yaml:2:9: prompt id 'a/b' must not contain '/': candidate ids are '<prompt>/<provider>'");
  CHECK(load_error(with_prompts("  - id: v1\n    text: hi\n  - id: v1\n    text: ho\n")) ==
        "evalgate.yaml:4:5: duplicate prompt id 'v1' (first at evalgate.yaml:2:5)");
}

TEST_CASE("an unknown prompt key suggests the nearest")
{
  CHECK(load_error(with_prompts("  - id: v1\n    txt: hi\n")) ==
        "evalgate.yaml:3:5: unknown key 'txt', did you mean 'text'? expected one of: file, id, messages, text");
}

TEST_CASE("plain string prompts get ids prompt-1, prompt-2")
{
  ScratchDir dir;
  auto suite = load_text(dir, with_prompts("  - \"A {{question}}\"\n  - \"B {{question}}\"\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->prompts[0].id == "prompt-1");
  CHECK(suite->prompts[1].id == "prompt-2");
  CHECK(suite->prompts[1].messages[0].content == "B {{question}}");
  CHECK_FALSE(suite->prompts[1].is_chat);
}

TEST_CASE("messages need a known role and content")
{
  CHECK(load_error(with_prompts("  - id: c\n    messages:\n      - {role: sytem, content: hi}\n")) ==
        "evalgate.yaml:4:16: unknown message role 'sytem', did you mean 'system'? expected one of: assistant, "
        "developer, system, user");
  CHECK(load_error(with_prompts("  - id: c\n    messages:\n      - {role: user}\n")) ==
        "evalgate.yaml:4:9: each message needs 'content' (its text)");
  CHECK(load_error(with_prompts("  - id: c\n    messages: []\n")) ==
        "evalgate.yaml:3:15: 'messages' must be a non-empty list of {role, content}, got a list");
}

TEST_CASE("unbalanced braces in a prompt are a config error at the prompt")
{
  CHECK(load_error(with_prompts("  - id: v1\n    text: \"Q: {{question\"\n")) ==
        "evalgate.yaml:3:11: prompt 'v1': unbalanced '{{' at offset 4: no closing '}}'");
}

TEST_CASE("a prompt variable missing from a case names the prompt, the case and its row")
{
  ScratchDir dir;
  auto suite = load_text(dir, with_prompts("  - id: v1\n    text: \"{{question}} {{topic}}\"\n"),
                         "{\"id\": \"faq-1\", \"question\": \"a\", \"topic\": \"t\"}\n\n"
                         "{\"id\": \"faq-3\", \"question\": \"b\"}\n");
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::data);
  CHECK(suite.error().str() == "evalgate.yaml:2:5: prompt 'v1' uses {{topic}} but case 'faq-3' (golden.jsonl:row 3) "
                               "has no field 'topic'");
}

TEST_CASE("dotted prompt variables reach into case objects")
{
  CHECK(load_error(with_prompts("  - id: v1\n    text: \"{{ meta.lang }}\"\n"),
                   "{\"question\": \"a\", \"meta\": {\"lang\": \"en\"}}\n") == "(loaded)");
  CHECK(load_error(with_prompts("  - id: v1\n    text: \"{{ meta.lang }}\"\n"),
                   "{\"question\": \"a\", \"meta\": {\"language\": \"en\"}}\n") ==
        "evalgate.yaml:2:5: prompt 'v1' uses {{meta.lang}} but case 'golden-1' (golden.jsonl:row 1) has no field "
        "'meta.lang'");
}

TEST_CASE("an API key written in the suite is refused")
{
  CHECK(load_error(with_providers("  - id: gpt\n    type: openai\n    model: m\n    api_key: sk-abc\n")) ==
        "evalgate.yaml:6:5: provider 'gpt': API keys must not be written in suite files; put the key in an "
        "environment variable and name it with api_key_env");
}

TEST_CASE("an unknown provider type suggests the nearest")
{
  CHECK(load_error(with_providers("  - id: gpt\n    type: openia\n")) ==
        "evalgate.yaml:4:11: unknown provider type 'openia', did you mean 'openai'? expected one of: " +
          known_types());
}

TEST_CASE("provider types need their own keys")
{
  CHECK(load_error(with_providers("  - id: gpt\n    type: openai\n")) ==
        "evalgate.yaml:3:5: provider 'gpt': type 'openai' needs 'model' (e.g. model: gpt-4o-mini)");
  CHECK(load_error(with_providers("  - type: field\n")) ==
        "evalgate.yaml:3:5: provider 'field': type 'field' needs 'field' (the case field holding the output)");
  CHECK(load_error(with_providers("  - model: m\n")) ==
        "evalgate.yaml:3:5: provider #1 needs 'type' (one of " + known_types() + ")");
}

TEST_CASE("provider ids default to the type and must be unique")
{
  CHECK(load_error(with_providers("  - {type: openai, model: a}\n  - {type: openai, model: b}\n")) ==
        "evalgate.yaml:4:5: duplicate provider id 'openai' (first at evalgate.yaml:3:5); give each one a distinct "
        "'id'");
  CHECK(load_error(with_providers("  - {id: a/b, type: openai, model: a}\n")) ==
        "evalgate.yaml:3:10: provider id 'a/b' must not contain '/': candidate ids are '<prompt>/<provider>'");
  CHECK(load_error(with_providers("  - {id: g, type: openai, model: a}\n",
                                  "judges:\n  - {id: g, type: openai, model: b}\n")) ==
        "evalgate.yaml:6:5: judge id 'g' is also a provider id (at evalgate.yaml:3:5); give each a distinct 'id'");
}

TEST_CASE("provider numbers are checked")
{
  CHECK(load_error(with_providers("  - {type: openai, model: a, timeout_ms: soon}\n")) ==
        "evalgate.yaml:3:42: 'timeout_ms' must be a positive integer, got 'soon'");
  CHECK(load_error(with_providers("  - {type: openai, model: a, max_retries: -1}\n")) ==
        "evalgate.yaml:3:43: 'max_retries' must be a non-negative integer, got '-1'");
  CHECK(load_error(with_providers("  - {type: openai, model: a, params: [1]}\n")) ==
        "evalgate.yaml:3:38: 'params' must be a mapping, got a list");
}

TEST_CASE("an unknown provider key suggests the nearest")
{
  // The allowed keys: the suite's own, plus what the provider layer declares for every type and
  // for this type.
  std::vector<std::string> keys = {"api_key_env", "base_url", "concurrency", "field", "id", "max_retries",
                                   "model",       "params",   "retry_base_ms", "timeout_ms", "type"};
  keys.insert(keys.end(), provider_common_option_keys().begin(), provider_common_option_keys().end());
  for (const auto& info : provider_types()) {
    if (std::string(info.name) == "openai") {
      keys.insert(keys.end(), info.option_keys.begin(), info.option_keys.end());
    }
  }
  std::sort(keys.begin(), keys.end());
  std::string expected;
  for (const auto& key : keys) {
    expected += (expected.empty() ? "" : ", ") + key;
  }
  CHECK(load_error(with_providers("  - {type: openai, modle: a}\n")) ==
        "evalgate.yaml:3:20: unknown key 'modle', did you mean 'model'? expected one of: " + expected);
}

TEST_CASE("the provider layer's option keys are kept, as written, in the spec's options")
{
  ScratchDir dir;
  auto suite = load_text(dir, with_providers("  - type: openai\n    model: m\n    stream: true\n"
                                             "    requests_per_minute: 600\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->providers[0].options == Json{{"stream", true}, {"requests_per_minute", 600}});
}

TEST_CASE("params keep YAML scalar types: plain numbers and booleans typed, quoted values strings")
{
  ScratchDir dir;
  auto suite = load_text(dir, with_providers("  - type: openai\n    model: m\n    params:\n"
                                             "      temperature: 0\n      top_p: 0.7\n      seed: 7\n"
                                             "      quoted: \"7\"\n      flag: true\n      yes_word: yes\n"
                                             "      nothing: ~\n      also_null: null\n      big: 12345678901234\n"
                                             "      nested: {list: [1, '2', 3.5e2]}\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  const Json& params = suite->providers[0].params;
  CHECK(params["temperature"].is_number_integer());
  CHECK(params["temperature"] == 0);
  CHECK(params["top_p"].is_number_float());
  CHECK(params["top_p"] == doctest::Approx(0.7).epsilon(1e-12));
  CHECK(params["seed"] == 7);
  CHECK(params["quoted"] == "7");
  CHECK(params["flag"] == true);
  CHECK(params["yes_word"] == "yes");
  CHECK(params["nothing"].is_null());
  CHECK(params["also_null"].is_null());
  CHECK(params["big"] == 12345678901234LL);
  CHECK(params["nested"] == Json::parse(R"({"list": [1, "2", 350.0]})"));
}

TEST_CASE("base_url expands ${VAR} from the environment")
{
  ::setenv("EVALGATE_SUITE_TEST_PORT", "8123", 1);
  ScratchDir dir;
  auto suite = load_text(dir, with_providers("  - type: openai\n    model: m\n"
                                             "    base_url: http://127.0.0.1:${EVALGATE_SUITE_TEST_PORT}/v1\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->providers[0].base_url == "http://127.0.0.1:8123/v1");
  ::unsetenv("EVALGATE_SUITE_TEST_PORT");
  CHECK(load_error(with_providers("  - type: openai\n    model: m\n"
                                  "    base_url: http://127.0.0.1:${EVALGATE_SUITE_TEST_PORT}/v1\n")) ==
        "evalgate.yaml:5:15: provider 'openai': base_url: environment variable EVALGATE_SUITE_TEST_PORT is not set");
}

TEST_CASE("a field provider's field must exist in every case")
{
  CHECK(load_error(with_providers("  - {id: rec, type: field, field: answer}\n"),
                   "{\"id\": \"a\", \"question\": \"q\", \"answer\": \"x\"}\n{\"id\": \"b\", \"question\": \"q\"}\n") ==
        "evalgate.yaml:3:5: provider 'rec' reads field 'answer' but case 'b' (golden.jsonl:row 2) has no field "
        "'answer'");
}
