#pragma once
// providers/field_client: the `field` provider type. No HTTP: the output is a field of the case
// (outputs produced elsewhere, scored by evalgate). A string value is the output as is; null is ""
// (as core/template renders it); any other JSON value is its compact dump. A missing field is a
// CallResult with failure config. attempts and latency are 0. `done` runs on the caller's thread
// before complete() returns. Stateless; thread-safe.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

// Error (config, at spec.location) when spec.field is empty: "provider 'recorded' (type field) needs 'field'".
Result<std::unique_ptr<ModelClient>> make_field_client(const ProviderSpec& spec);

} // namespace evalgate
