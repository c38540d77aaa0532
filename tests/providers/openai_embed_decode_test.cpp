#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "providers/openai_embed_decode.hpp"
#include "providers/openai_wire.hpp"

using namespace evalgate;

namespace {

// The simdjson decode either declines (nullopt, usage untouched) or gives exactly the general
// decode's vectors and usage.
void check_same_as_general(const std::string& body, bool expect_common)
{
  CAPTURE(body);
  Usage common_usage;
  common_usage.prompt_tokens = -7; // a marker: untouched when the common decode declines
  const auto common = decode_openai_embeddings_common(body, common_usage);
  CHECK(common.has_value() == expect_common);
  if (!common) {
    CHECK(common_usage.prompt_tokens == -7);
    return;
  }
  Usage general_usage;
  general_usage.prompt_tokens = -7; // both leave a body without usage's counts as they were
  const auto general = decode_openai_embeddings(body, general_usage);
  REQUIRE(general);
  CHECK(*common == *general);
  CHECK(common_usage.prompt_tokens == general_usage.prompt_tokens);
  CHECK(common_usage.completion_tokens == general_usage.completion_tokens);
  CHECK(common_usage.total_tokens == general_usage.total_tokens);
  CHECK(common_usage.cached_tokens == general_usage.cached_tokens);
}

std::string mock_batch(int texts, int dims)
{
  std::string body = R"({"object":"list","data":[)";
  for (int t = 0; t < texts; ++t) {
    body += t == 0 ? "" : ",";
    body += R"({"object":"embedding","index":)" + std::to_string(texts - 1 - t) + R"(,"embedding":[)";
    for (int d = 0; d < dims; ++d) {
      body += (d == 0 ? "" : ",") + std::to_string((d * 37 + t * 11) % 1000 / 999.0 - 0.5);
    }
    body += "]}";
  }
  return body + R"(],"model":"embed","usage":{"prompt_tokens":12,"total_tokens":12}})";
}

} // namespace

TEST_CASE("the common embeddings shape decodes with simdjson to the general decode's vectors and usage")
{
  const std::vector<std::string> common{
      mock_batch(32, 256),
      // No index (array order), integers and exponents, extra members, usage without total.
      R"({"data":[{"embedding":[1,-2,3.5e-3,1E2,0.1]},{"embedding":[],"extra":{"a":[1]}}],"usage":{"prompt_tokens":4}})",
      // Indices out of order, no usage, cached tokens in usage details.
      R"({"data":[{"index":1,"embedding":[0.25]},{"index":0,"embedding":[0.5]}]})",
      R"({"data":[{"embedding":[0.1]}],"usage":{"prompt_tokens":3,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}})",
      R"({"data":[]})",
      // Numbers float rounds differently from double, and beyond float's range.
      R"({"data":[{"embedding":[0.1000000000000000055511151231257827,16777217,1e39,-4.9e-324]}]})",
  };
  for (const auto& body : common) {
    check_same_as_general(body, true);
  }
}

TEST_CASE("other embeddings bodies are left to the general decode")
{
  const std::vector<std::string> other{
      "",
      "not json",
      R"({"data":[{"embedding":[1]}]} trailing)",
      R"([{"embedding":[1]}])",
      R"({"error":{"message":"quota exceeded"}})",
      R"({"data":{}})",
      R"({"data":[7]})",
      R"({"data":[{"index":0}]})",
      R"({"data":[{"embedding":"AAAAPw=="}]})", // base64 encoding
      R"({"data":[{"embedding":[1,"2"]}]})",    // a non-number
      R"({"data":[{"embedding":[1,null]}]})",
      R"({"data":[{"index":-1,"embedding":[1]}]})", // index not a non-negative integer
      R"({"data":[{"index":0.0,"embedding":[1]}]})",
      R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]})", // index twice
      R"({"data":[{"index":5,"embedding":[1]}]})",                             // index out of range
      R"({"data":[{"embedding":[1],"embedding":[2]}]})", // a member twice: nlohmann keeps the last
      R"({"data":[],"data":[{"embedding":[1]}]})",
      R"({"data":[{"embedding":[1e400]}]})", // beyond double
      R"({"data":[{"embedding":[18446744073709551616]}]})",
      "{\"data\":[{\"embedding\":[1]}],\"x\":\"\xff\"}", // invalid UTF-8
      std::string(300, '[') + std::string(300, ']'),     // deeper than the depth limit
      R"({"data":[{"embedding":[1]}],"model":)" + std::string(300, '[') + std::string(300, ']') + "}",
  };
  for (const auto& body : other) {
    check_same_as_general(body, false);
  }
}
