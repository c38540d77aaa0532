#include "engine/provider_check.hpp"

#include <cstdlib>
#include <map>
#include <memory>

#include "providers/fallback_client.hpp"
#include "providers/model_client.hpp"
#include "providers/pricing.hpp"
#include "providers/transport.hpp"

namespace evalgate {

namespace {

// Set only in validate's own process: a stand-in key so a client can be built where the real one
// is absent, to check the rest of the provider's options.
constexpr const char* k_stand_in_key_env = "EVALGATE_VALIDATE_KEY";

class SendsNothing final : public Transport {
public:
  void submit(HttpRequest, Callback on_done, long) override
  {
    HttpResponse response;
    response.transport_error = "validate sends no request";
    response.transport_permanent = true;
    on_done(std::move(response));
  }
  void cancel_all() override {}
};

using ClientMap = std::map<std::string, std::unique_ptr<ModelClient>>;

// core/env and the providers' key lookup word an absent variable this way; validate runs where the
// environment of `run` (keys, ${VAR}s in base_url or headers) is often not there.
bool names_unset_variable(const Error& error)
{
  return error.message.find("environment variable ") != std::string::npos &&
         error.message.find(" is not set") != std::string::npos;
}

Result<void> check_group(const std::vector<ProviderSpec>& specs, Transport& transport, ProviderCheck& check)
{
  ClientMap clients;
  for (const ProviderSpec& spec : specs) {
    if (auto price = price_for(spec, nullptr); !price) {
      return fail(price.error());
    }
    auto client = make_model_client(spec, transport);
    if (!client) {
      ProviderSpec stand_in = spec;
      stand_in.api_key_env = k_stand_in_key_env;
      auto keyless = make_model_client(stand_in, transport);
      if (!keyless && !names_unset_variable(client.error())) {
        return fail(client.error()); // not (only) the key: the first error is the one to fix
      }
      if (names_unset_variable(client.error())) {
        check.missing_variables.push_back(client.error().message);
      }
      if (!keyless) {
        continue; // the rest of this provider's options are checked where the variable is set
      }
      client = std::move(keyless);
    }
    clients.emplace(spec.id, std::move(client).value());
  }
  return wrap_fallbacks(specs, clients);
}

} // namespace

Result<ProviderCheck> check_providers(const Suite& suite)
{
  ::setenv(k_stand_in_key_env, "validate-sends-no-request", 1);
  SendsNothing transport;
  ProviderCheck check;
  for (const auto* group : {&suite.providers, &suite.judges}) {
    if (auto ok = check_group(*group, transport, check); !ok) {
      return fail(ok.error());
    }
  }
  return check;
}

} // namespace evalgate
