// Fuzz target: one provider's response decoders (lib/providers), chosen at build time by
// EVALGATE_FUZZ_PROVIDER: 0 openai, 1 anthropic, 2 gemini, 3 ollama. The input is a response body
// (so the provider fixtures are seeds as they are). It is decoded as a whole response, as an
// embeddings response (where the API has one), and through the stream decoder in one piece, byte by
// byte and in three pseudo-random chunkings seeded from the body. Invariants: nothing crashes or
// throws, and the chunking never changes the result (the decoders accept any chunk boundaries).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "providers/anthropic_provider.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/ollama_provider.hpp"
#include "providers/openai_provider.hpp"
#include "providers/openai_wire.hpp"

namespace {

using namespace evalgate;

std::shared_ptr<const Provider> make_provider()
{
  ProviderSpec spec;
  spec.id = "fuzz";
  spec.model = "m";
  spec.base_url = "http://127.0.0.1:9"; // a local base needs no API key in the environment
  Result<std::shared_ptr<const Provider>> made = std::shared_ptr<const Provider>{};
  if constexpr (EVALGATE_FUZZ_PROVIDER == 0) {
    spec.type = "openai";
    made = make_openai_provider(spec);
  } else if constexpr (EVALGATE_FUZZ_PROVIDER == 1) {
    spec.type = "anthropic";
    made = make_anthropic_provider(spec);
  } else if constexpr (EVALGATE_FUZZ_PROVIDER == 2) {
    spec.type = "gemini";
    made = make_gemini_provider(spec);
  } else {
    spec.type = "ollama";
    made = make_ollama_provider(spec);
  }
  fuzz::fuzz_check(made.has_value() && *made != nullptr, "the fuzz provider constructs");
  return *made;
}

std::unique_ptr<StreamDecoder> make_stream_decoder()
{
  if constexpr (EVALGATE_FUZZ_PROVIDER == 0) {
    return make_openai_stream_decoder();
  } else if constexpr (EVALGATE_FUZZ_PROVIDER == 1) {
    return make_anthropic_stream_decoder();
  } else if constexpr (EVALGATE_FUZZ_PROVIDER == 2) {
    return make_gemini_stream_decoder();
  } else {
    return make_ollama_stream_decoder();
  }
}

// Feeds `body` in chunks (all at once when `chunker` is null, byte by byte when `bytewise`); an
// error from feed() ends the stream like the transport would.
Result<Completion> decode_stream(std::string_view body, fuzz::Chunker* chunker, bool bytewise,
                                 bool& had_content)
{
  auto decoder = make_stream_decoder();
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t len = bytewise ? 1 : chunker ? chunker->next(body.size() - at) : body.size();
    auto fed = decoder->feed(body.substr(at, len));
    if (!fed) {
      return fail(fed.error());
    }
    at += len;
  }
  had_content = decoder->has_content();
  return decoder->finish();
}

bool same_usage(const Usage& a, const Usage& b)
{
  return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens &&
         a.total_tokens == b.total_tokens && a.cached_tokens == b.cached_tokens;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const std::shared_ptr<const Provider> provider = make_provider();
  const std::string_view body = fuzz::as_text(data, size);

  HttpResponse response;
  response.status = 200;
  response.body = std::string(body);
  const auto decoded = provider->decode(response);
  if constexpr (EVALGATE_FUZZ_PROVIDER != 1) {
    Usage usage;
    const auto vectors = provider->decode_embed(response, usage);
    (void)vectors;
  }

  bool whole_content = false;
  const auto whole = decode_stream(body, nullptr, false, whole_content);
  const std::uint32_t seed = static_cast<std::uint32_t>(std::hash<std::string_view>{}(body));
  for (std::uint32_t round = 0; round < 4; ++round) {
    bool chunked_content = false;
    fuzz::Chunker chunker(seed + round);
    const auto chunked = decode_stream(body, &chunker, round == 3, chunked_content);
    fuzz::fuzz_check(whole.has_value() == chunked.has_value(),
                     "chunking does not change whether a stream decodes");
    if (whole && chunked) {
      fuzz::fuzz_check(whole->text == chunked->text, "chunking does not change the streamed text");
      fuzz::fuzz_check(same_usage(whole->usage, chunked->usage), "chunking does not change the usage");
      fuzz::fuzz_check(whole->raw == chunked->raw, "chunking does not change the raw extras");
      fuzz::fuzz_check(whole_content == chunked_content, "chunking does not change has_content");
    }
  }
  return 0;
}
