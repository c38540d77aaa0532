#pragma once
// providers/provider_options: checks the values of the provider layer's common option keys that
// the transport, flow-control and fallback layers read (ProviderSpec::options; the suite loader
// only checks which keys exist). Pure apart from a file-existence check for ca_bundle.

#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

// Config errors at spec.location naming the provider and key, e.g.
//   provider 'gpt': requests_per_minute must be a positive number, got "fast"
//   provider 'gpt': stream must be true or false, got "yes"
//   provider 'gpt': ca_bundle file 'certs/corp.pem' does not exist
//   provider 'gpt': fallback must be another provider's id, got 3
// Whether a fallback id exists is checked where the suite's providers are known (fallback_client).
Result<void> check_common_options(const ProviderSpec& spec);

// A relative ca_bundle path is relative to the suite file's directory (like dataset paths).
std::string resolve_ca_bundle(const ProviderSpec& spec, const std::string& path);

} // namespace evalgate
