// Decoders on hostile numbers: token counts and indexes that are huge, fractional or negative.
// Each body is a file in tests/fuzz/corpus/fuzz_decode_<provider>/ (docs/testing.md); before the
// fix they overflowed int64 sums or cast out-of-range doubles to integers (undefined behaviour,
// an abort under `make test-sanitize`, garbage counts otherwise).

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "providers/anthropic_provider.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/ollama_provider.hpp"
#include "providers/openai_provider.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

std::string corpus_body(const std::string& target, const std::string& name)
{
  std::ifstream in(std::string(EVALGATE_SOURCE_DIR) + "/tests/fuzz/corpus/" + target + "/" + name,
                   std::ios::binary);
  REQUIRE_MESSAGE(in, "missing corpus file " << target << "/" << name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

HttpResponse ok_response(std::string body)
{
  HttpResponse response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

Completion decoded(Result<std::shared_ptr<const Provider>> provider, const std::string& target)
{
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  auto completion = (*provider)->decode(ok_response(corpus_body(target, "huge_usage")));
  REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().str()));
  return *completion;
}

ProviderSpec local_spec(const char* type)
{
  auto spec = wire_spec(type, "m");
  spec.base_url = "http://127.0.0.1:9";
  return spec;
}

// count_at's clamp (providers/wire_support.cpp).
constexpr std::int64_t k_max = 1'000'000'000'000;

} // namespace

TEST_CASE("openai token counts beyond any real response are clamped, not cast out of range")
{
  const auto completion = decoded(make_openai_provider(local_spec("openai")), "fuzz_decode_openai");
  CHECK(completion.text == "ok");
  CHECK(completion.usage.prompt_tokens == k_max);     // 1e300
  CHECK(completion.usage.completion_tokens == k_max); // INT64_MAX
  CHECK(completion.usage.total_tokens == 2 * k_max);
}

TEST_CASE("anthropic usage sums cannot overflow and negative or fractional counts are sane")
{
  const auto completion = decoded(make_anthropic_provider(local_spec("anthropic")), "fuzz_decode_anthropic");
  CHECK(completion.usage.prompt_tokens == k_max + 1); // INT64_MAX + 1 cache read + (-4 → 0) written
  CHECK(completion.usage.cached_tokens == 1);
  CHECK(completion.usage.completion_tokens == 2); // 2.5 truncated
  CHECK(completion.usage.total_tokens == k_max + 3);
}

TEST_CASE("gemini and ollama clamp huge counts the same way")
{
  const auto gemini = decoded(make_gemini_provider(local_spec("gemini")), "fuzz_decode_gemini");
  CHECK(gemini.usage.prompt_tokens == k_max);
  CHECK(gemini.usage.completion_tokens == 2 * k_max);
  const auto ollama = decoded(make_ollama_provider(local_spec("ollama")), "fuzz_decode_ollama");
  CHECK(ollama.usage.prompt_tokens == k_max); // UINT64_MAX
  CHECK(ollama.usage.total_tokens == 2 * k_max);
}

TEST_CASE("an anthropic stream block with a fractional index decodes as block 0")
{
  auto decoder = make_anthropic_stream_decoder();
  const std::string body = corpus_body("fuzz_decode_anthropic", "stream_fraction_index");
  REQUIRE(decoder->feed(body));
  auto completion = decoder->finish();
  REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().str()));
  CHECK(completion->text == "hi");
  CHECK(completion->usage.prompt_tokens == 3);
  CHECK(completion->usage.completion_tokens == k_max);
}
