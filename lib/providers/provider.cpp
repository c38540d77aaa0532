#include "providers/provider.hpp"

namespace evalgate {

Result<HttpRequest> Provider::encode_embed(const std::vector<std::string>&) const
{
  return fail(ErrorCategory::config, "this provider type has no embeddings API");
}

Result<std::vector<std::vector<float>>> Provider::decode_embed(const HttpResponse&, Usage&) const
{
  return fail(ErrorCategory::config, "this provider type has no embeddings API");
}

} // namespace evalgate
