#pragma once
// providers/http_app_provider: type `http` — the user's own application (a RAG or agent service)
// called over HTTP, so a suite tests the whole service rather than the model. Pure; immutable.
//
// Options (provider block): `url` (required; ${ENV} expanded at load, {{vars}} rendered per case
// and percent-encoded), `method` (POST default; GET, PUT, PATCH), `headers` (the common key;
// ${ENV} expanded at load — those values are treated as secrets — and {{vars}} rendered per case),
// `body` (a JSON template: every string value renders {{vars}}; a string that is exactly one
// placeholder, "{{top_k}}", is replaced by the variable's JSON value, so numbers, lists and objects
// keep their type; default {"prompt": "{{prompt}}"}; not allowed with GET), `output` (a dotted
// path into the JSON response, `data.answer` or `choices.0.message.content`; absent = the whole
// body as text; a non-string value is its compact JSON).
// Variables: the case's vars, plus `prompt` (the rendered prompt: the messages' contents joined by
// a blank line) and `messages` (the rendered messages as [{"role","content"}]); these two win over
// case fields of the same name. No API key (put one in headers: Authorization: "Bearer ${MY_KEY}"),
// no streaming, no embeddings.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

// Errors are category config at spec.location, naming the provider and the option, e.g.
//   provider 'app' (type http) needs 'url' (the address of your application's endpoint)
//   provider 'app': 'method' must be one of GET, POST, PUT, PATCH, got 'DELETE'
Result<std::shared_ptr<const Provider>> make_http_app_provider(const ProviderSpec& spec);

} // namespace evalgate
