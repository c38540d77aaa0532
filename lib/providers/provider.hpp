#pragma once
// providers/provider: one HTTP API's wire format, as pure functions (no I/O, no clocks): encode a
// CallInput into an HttpRequest, decode a 2xx HttpResponse into text and usage. The retrying client
// (make_model_client) owns transport, retries and timing. Implementations are immutable after
// construction and therefore safe to share between threads.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/http.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

struct Completion {
  std::string text;
  Usage usage;
};

class Provider {
public:
  virtual ~Provider() = default;

  // The request for one call; errors are category data (e.g. a message the API cannot carry).
  virtual Result<HttpRequest> encode(const CallInput& input) const = 0;

  // Called only for 2xx responses. An error means the body is not the documented shape: the
  // message says what was expected and is retried like a truncated response.
  virtual Result<Completion> decode(const HttpResponse& response) const = 0;

  // Values to scrub from any stored text (API keys); empty when the provider holds none.
  virtual std::vector<std::string> secrets() const = 0;
};

} // namespace evalgate
