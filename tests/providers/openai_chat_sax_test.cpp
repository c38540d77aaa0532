#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "providers/openai_chat_sax.hpp"
#include "providers/openai_wire.hpp"

using namespace evalgate;
using evalgate::testing::read_fixture;

namespace {

// The tree-free decode either declines (nullopt) or gives exactly the general decode's completion.
void check_same_as_general(const std::string& body, bool expect_common)
{
  CAPTURE(body);
  const auto common = decode_openai_chat_common(body);
  CHECK(common.has_value() == expect_common);
  if (!common) {
    return;
  }
  const auto general = decode_openai_chat(body);
  REQUIRE(general);
  CHECK(common->text == general->text);
  CHECK(common->raw == general->raw);
  CHECK(common->usage.prompt_tokens == general->usage.prompt_tokens);
  CHECK(common->usage.completion_tokens == general->usage.completion_tokens);
  CHECK(common->usage.total_tokens == general->usage.total_tokens);
  CHECK(common->usage.cached_tokens == general->usage.cached_tokens);
}

} // namespace

TEST_CASE("the common chat completion shape decodes without a JSON tree to the general decode's result")
{
  for (const char* fixture : {"openai_chat_ok.json", "openai_chat_no_usage.json"}) {
    check_same_as_general(read_fixture(fixture), true);
  }
  const std::vector<std::string> common{
      // The mock's answer, key order as sent.
      R"({"choices":[{"finish_reason":"stop","index":0,"message":{"content":"Refund policy 5.","role":"assistant"}}],)"
      R"("created":1,"id":"x","model":"good","object":"chat.completion","usage":{"completion_tokens":9,"prompt_tokens":9,"total_tokens":18}})",
      // Members in another order, extra members at every level, more choices (only the first is read).
      R"({"usage":{"total_tokens":0,"prompt_tokens":4,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2,"audio_tokens":0},"x":[1,{"y":null}]},)"
      R"("system_fingerprint":null,"choices":[{"message":{"role":"assistant","refusal":null,"annotations":[],"content":"h\u00e9 \"q\" \\ \n"},"logprobs":null,"finish_reason":"length"},)"
      R"({"message":{"content":5}},7,"s"],"service_tier":"default","error":null})",
      // No finish reason, no content, a null finish reason, a null details object.
      R"({"choices":[{"message":{}}]})",
      R"({"choices":[{"message":{"content":null},"finish_reason":null}],"usage":{"prompt_tokens_details":null}})",
      // Negative and huge counts are clamped as the general decode clamps them.
      R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":-5,"completion_tokens":18446744073709551615,"total_tokens":12}})",
      "  \n{\"choices\":[{\"message\":{\"content\":\"spaced\"}}]}\n",
  };
  for (const auto& body : common) {
    check_same_as_general(body, true);
  }
}

TEST_CASE("other chat completion bodies are left to the general decode")
{
  for (const char* fixture :
       {"openai_chat_tool_calls.json", "openai_chat_null_content.json", "openai_chat_logprobs.json",
        "openai_chat_truncated.json", "openai_error_401.json", "openai_error_429_quota.json"}) {
    check_same_as_general(read_fixture(fixture), false);
  }
  const std::vector<std::string> other{
      "",
      "not json",
      R"({"choices":[{"message":{"content":"a"}}]} trailing)",
      R"([{"message":{"content":"a"}}])",
      R"("text")",
      R"({"choices":[]})",
      R"({"choices":{}})",
      R"({"choices":[7]})",
      R"({"choices":[{"index":0}]})",
      R"({"choices":[{"message":"hi"}]})",
      R"({"error":{"message":"upstream overloaded"}})",
      // Array content, tool calls (even empty), logprobs, a non-string finish reason.
      R"({"choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]})",
      R"({"choices":[{"message":{"content":"a","tool_calls":[]}}]})",
      R"({"choices":[{"message":{"content":"a"},"logprobs":{"content":[]}}]})",
      R"({"choices":[{"message":{"content":"a"},"finish_reason":1}]})",
      // Fractional, textual or structured counts; a non-object usage.
      R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1.5}})",
      R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":"3"}})",
      R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens_details":{"cached_tokens":[1]}}})",
      R"({"choices":[{"message":{"content":"a"}}],"usage":null})",
      // A member given twice: the general decode's last-one-wins applies.
      R"({"choices":[{"message":{"content":"a"}}],"choices":[{"message":{"content":"b"}}]})",
      R"({"choices":[{"message":{"content":"a","content":"b"}}]})",
      R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1,"prompt_tokens":2}})",
      // Nested deeper than the tree-free decode follows.
      R"({"choices":[{"message":{"content":"a"}}],"x":)" + std::string(100, '[') + std::string(100, ']') +
          "}",
  };
  for (const auto& body : other) {
    check_same_as_general(body, false);
  }
}

TEST_CASE("mutated chat completion bodies are declined by the tree-free decode or decoded exactly as the "
          "general one")
{
  const std::vector<std::string> seeds{
      read_fixture("openai_chat_ok.json"),
      R"({"choices":[{"finish_reason":"stop","index":0,"message":{"content":"Refund \"5\".","role":"assistant"}}],)"
      R"("usage":{"completion_tokens":9,"prompt_tokens":9,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":1}}})",
  };
  // Deterministic mutations: replace, insert or delete one byte, with bytes that change JSON's shape.
  const std::string alphabet = R"({}[]",:-.0123456789eEtnul \a)";
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state](std::uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % bound);
  };
  int agreed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string body = seeds[static_cast<std::size_t>(i) % seeds.size()];
    for (int edits = 1 + static_cast<int>(next(3)); edits > 0; --edits) {
      const std::size_t at = next(body.size());
      const char byte = alphabet[next(alphabet.size())];
      switch (next(3)) {
      case 0:
        body[at] = byte;
        break;
      case 1:
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      default:
        body.erase(at, 1);
        break;
      }
    }
    const auto common = decode_openai_chat_common(body);
    if (!common) {
      continue;
    }
    CAPTURE(body);
    const auto general = decode_openai_chat(body);
    REQUIRE(general);
    CHECK(common->text == general->text);
    CHECK(common->raw == general->raw);
    CHECK(common->usage.prompt_tokens == general->usage.prompt_tokens);
    CHECK(common->usage.completion_tokens == general->usage.completion_tokens);
    CHECK(common->usage.total_tokens == general->usage.total_tokens);
    CHECK(common->usage.cached_tokens == general->usage.cached_tokens);
    ++agreed;
  }
  // Some mutants stay valid and of the common shape, so the comparison above really ran.
  CHECK(agreed > 100);
}
