#pragma once
// providers/openai_embed_decode: the common OpenAI embeddings body ({"data": [{"embedding":
// [numbers], "index": n}, ...], "usage": {...}}) decoded with simdjson. A batch of 32 texts at 256
// dimensions is ~60 KB of numbers; nlohmann's tree took ~0.5 ms of the transport's I/O thread per
// batch, and every other response waited behind it. Anything else (an error body, a missing or
// repeated member, a non-number, base64 vectors, a body over 4 MiB or nested past the depth limit)
// gives nullopt, and the caller decodes the body the general way, so the vectors, the usage and
// every error message are what that decode gives. Pure; any thread.

#include <optional>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace evalgate {

// The vectors (in `index` order) and usage OpenAiWire's general decode_embed gives for `body`,
// when `body` is of the common shape; nullopt otherwise (then `usage` is untouched).
std::optional<std::vector<std::vector<float>>> decode_openai_embeddings_common(std::string_view body,
                                                                               Usage& usage);

} // namespace evalgate
