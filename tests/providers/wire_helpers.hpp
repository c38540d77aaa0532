#pragma once
// Helpers for the wire-format tests: a spec at a known location, a 200 response, header lookup,
// and feeding a stream decoder in small chunks (decoders must not depend on chunk boundaries).

#include <optional>
#include <string>
#include <string_view>

#include "providers/provider.hpp"

namespace evalgate::testing {

inline ProviderSpec wire_spec(const std::string& type, const std::string& model = "m-1")
{
  ProviderSpec spec;
  spec.id = "p";
  spec.type = type;
  spec.model = model;
  spec.location = Location{"evalgate.yaml", 9, 5, 0, ""};
  return spec;
}

inline CallInput wire_input(const std::vector<Message>& messages, const Json* vars = nullptr)
{
  CallInput input;
  input.messages = messages;
  input.vars = vars;
  return input;
}

inline HttpResponse ok_response(std::string body)
{
  HttpResponse response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

inline std::optional<std::string> header_of(const HttpRequest& request, const std::string& name)
{
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

// Feeds `body` `chunk` bytes at a time, then finishes.
inline Result<Completion> feed_in_chunks(StreamDecoder& decoder, std::string_view body, std::size_t chunk)
{
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    if (auto ok = decoder.feed(body.substr(at, chunk)); !ok) {
      return fail(ok.error());
    }
  }
  return decoder.finish();
}

} // namespace evalgate::testing
