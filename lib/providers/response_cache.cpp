#include "providers/response_cache.hpp"

#include "core/json_depth.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <tuple>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace evalgate {

namespace {

// Body fields that cannot change the output (providers.md §6.3). `stream` stays in the key: a
// streamed answer is stored as its event stream, which a non-streaming request could not decode.
constexpr std::array<const char*, 6> k_ignored_body_fields{
    "metadata", "prompt_cache_key", "safety_identifier", "service_tier", "store", "user"};
// The same fields as key tokens of compact JSON. Inside a JSON string every quote is escaped, so
// such a token in a dump can only be an object key (at some depth).
constexpr std::array<std::string_view, 6> k_ignored_body_keys{R"("metadata":)",
                                                              R"("prompt_cache_key":)",
                                                              R"("safety_identifier":)",
                                                              R"("service_tier":)",
                                                              R"("store":)",
                                                              R"("user":)"};
constexpr std::array<const char*, 3> k_keyed_headers{"anthropic-beta", "anthropic-version", "openai-beta"};

std::string lower(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "https://user:pw@host/v1/x?api-version=1&key=2" → endpoint "https://host/v1/x", api-version "1".
std::pair<std::string, std::optional<std::string>> split_url(const std::string& url)
{
  const auto query_at = url.find('?');
  std::string endpoint = url.substr(0, query_at);
  if (const auto scheme = endpoint.find("://"); scheme != std::string::npos) {
    const auto host_at = scheme + 3;
    const auto path_at = endpoint.find('/', host_at);
    const auto at = endpoint.find('@', host_at);
    if (at != std::string::npos && (path_at == std::string::npos || at < path_at)) {
      endpoint.erase(host_at, at + 1 - host_at);
    }
  }
  std::optional<std::string> api_version;
  if (query_at != std::string::npos) {
    const std::string query = url.substr(query_at + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
      const auto end = std::min(query.find('&', start), query.size());
      const std::string pair = query.substr(start, end - start);
      if (pair.rfind("api-version=", 0) == 0) {
        api_version = pair.substr(12);
      }
      start = end + 1;
    }
  }
  return {endpoint, api_version};
}

class CachingTransport final : public Transport {
public:
  CachingTransport(Transport& inner, CacheBackend& backend, CacheMode mode, CacheScope scope)
      : m_inner(inner), m_backend(backend), m_mode(mode), m_scope(std::move(scope))
  {
  }

  void submit(HttpRequest request, Callback on_done, long delay_ms) override
  {
    // Dumped once: the same text is hashed for the key and stored as the entry's request.
    std::string request_json = cache_key_material_text(m_scope.provider_type, request);
    std::string key = cache_key_of_dump(request_json);
    if (!request.cache_refresh) {
      if (auto stored = m_backend.lookup(key)) {
        if (auto response = decode_cached_response(*stored)) {
          response->from_cache = true;
          on_done(std::move(*response));
          return;
        }
      }
    }
    if (m_mode == CacheMode::replay) {
      HttpResponse miss;
      miss.transport_error =
          fmt::format("cache miss in replay mode for {}/{} (key {}); record it with --cache "
                      "read-write",
                      m_scope.provider_id, m_scope.model, key.substr(0, 15));
      miss.transport_permanent = true;
      miss.replay_miss = true;
      on_done(std::move(miss));
      return;
    }
    if (m_mode == CacheMode::read_only) {
      m_inner.submit(std::move(request), std::move(on_done), delay_ms);
      return;
    }
    // Mutable: on_done runs exactly once, so the key and request text move into the cache row.
    auto forward = [this, key = std::move(key), request_json = std::move(request_json),
                    on_done = std::move(on_done)](HttpResponse response) mutable {
      // Only a complete 2xx answer is worth replaying; errors are retried, never recorded.
      if (response.status >= 200 && response.status < 300 && response.transport_error.empty() &&
          !response.cancelled) {
        m_backend.store(std::move(key), m_scope.provider_id, m_scope.model, std::move(request_json),
                        encode_cached_response(response));
      }
      on_done(std::move(response));
    };
    m_inner.submit(std::move(request), std::move(forward), delay_ms);
  }

  void cancel_all() override { m_inner.cancel_all(); }

private:
  Transport& m_inner;
  CacheBackend& m_backend;
  const CacheMode m_mode;
  const CacheScope m_scope;
};

} // namespace

const char* cache_mode_name(CacheMode mode)
{
  switch (mode) {
  case CacheMode::read_write:
    return "read-write";
  case CacheMode::read_only:
    return "read-only";
  case CacheMode::off:
    return "off";
  case CacheMode::replay:
    return "replay";
  }
  return "read-write";
}

std::optional<CacheMode> cache_mode_from_name(const std::string& name)
{
  for (CacheMode mode : {CacheMode::read_write, CacheMode::read_only, CacheMode::off, CacheMode::replay}) {
    if (name == cache_mode_name(mode)) {
      return mode;
    }
  }
  return std::nullopt;
}

namespace {

// The key material's parts other than the body: endpoint, api version and the keyed headers.
struct KeyParts {
  std::string endpoint;
  std::optional<std::string> api_version;
  Json headers = Json::object();
};

KeyParts key_parts(const HttpRequest& request)
{
  KeyParts parts;
  std::tie(parts.endpoint, parts.api_version) = split_url(request.url);
  for (const auto& [name, value] : request.headers) {
    const std::string lowered = lower(name);
    if (std::find(k_keyed_headers.begin(), k_keyed_headers.end(), lowered) != k_keyed_headers.end()) {
      parts.headers[lowered] = value;
      if (lowered == "anthropic-version" && !parts.api_version) {
        parts.api_version = value;
      }
    }
  }
  return parts;
}

Json key_body(const std::string& body_text)
{
  Json body = Json::parse(body_text, nullptr, false);
  if (body.is_discarded()) {
    return body_text; // not JSON (a form, plain text): keyed as the exact string
  }
  if (body.is_object()) {
    for (const char* field : k_ignored_body_fields) {
      body.erase(field);
    }
  }
  return body;
}

bool may_hold_ignored_key(std::string_view body)
{
  return std::any_of(k_ignored_body_keys.begin(), k_ignored_body_keys.end(),
                     [&](std::string_view key) { return body.find(key) != std::string_view::npos; });
}

// As Json(text).dump() writes it. Plain printable ASCII (URLs, methods, provider types) needs no
// escapes and is copied; anything else goes through the serializer.
void append_json_string(std::string& out, const std::string& text)
{
  const bool plain = std::all_of(text.begin(), text.end(),
                                 [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) {
    out += Json(text).dump();
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

} // namespace

Json cache_key_material(const std::string& provider_type, const HttpRequest& request)
{
  KeyParts parts = key_parts(request);
  return Json{{"v", 1},
              {"provider", provider_type},
              {"method", request.method},
              {"endpoint", parts.endpoint},
              {"api_version", parts.api_version ? Json(*parts.api_version) : Json(nullptr)},
              {"headers", std::move(parts.headers)},
              {"body", key_body(request.body)},
              {"sample", request.cache_sample}};
}

std::string cache_key_material_text(const std::string& provider_type, const HttpRequest& request)
{
  if (!request.body_is_json_text || may_hold_ignored_key(request.body)) {
    return cache_key_material(provider_type, request).dump();
  }
  // The members in Json's (std::map) order, as dump() writes them.
  const KeyParts parts = key_parts(request);
  std::string out;
  out.reserve(request.body.size() + parts.endpoint.size() + 160);
  out += R"({"api_version":)";
  if (parts.api_version) {
    append_json_string(out, *parts.api_version);
  } else {
    out += "null";
  }
  out += R"(,"body":)";
  out += request.body;
  out += R"(,"endpoint":)";
  append_json_string(out, parts.endpoint);
  out += R"(,"headers":)";
  out += parts.headers.empty() ? "{}" : parts.headers.dump();
  out += R"(,"method":)";
  append_json_string(out, request.method);
  out += R"(,"provider":)";
  append_json_string(out, provider_type);
  out += R"(,"sample":)";
  out += std::to_string(request.cache_sample);
  out += R"(,"v":1})";
  return out;
}

std::string sha256_hex(const std::string& bytes)
{
  // Fetched once: EVP_sha256() with EVP_Digest looks the algorithm up in OpenSSL 3's provider
  // tables on every call, which cost more than hashing a request body.
  static EVP_MD* const k_sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length,
             k_sha256 != nullptr ? k_sha256 : EVP_sha256(), nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(static_cast<std::size_t>(length) * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0x0f];
  }
  return hex;
}

std::string cache_key(const Json& material)
{
  // nlohmann::json keeps object keys in a std::map, so dump() is already sorted and compact.
  return cache_key_of_dump(material.dump());
}

std::string cache_key_of_dump(const std::string& dumped_material)
{
  return "v1:" + sha256_hex(dumped_material);
}

std::string encode_cached_response(const HttpResponse& response)
{
  return std::to_string(response.status) + "\n" + response.body;
}

std::optional<HttpResponse> decode_cached_response(const std::string& stored)
{
  const auto newline = stored.find('\n');
  if (newline == std::string::npos || newline == 0 || newline > 3) {
    return std::nullopt;
  }
  HttpResponse response;
  for (std::size_t i = 0; i < newline; ++i) {
    if (stored[i] < '0' || stored[i] > '9') {
      return std::nullopt;
    }
    response.status = response.status * 10 + (stored[i] - '0');
  }
  response.body = stored.substr(newline + 1);
  return response;
}

Json cassette_response(const HttpResponse& response)
{
  Json out = {{"status", response.status}};
  Json body = parse_json_bounded(response.body);
  if (!body.is_discarded() && (body.is_object() || body.is_array())) {
    out["json"] = std::move(body); // reviewable in a cassette diff
  } else {
    out["text"] = response.body;
  }
  return out;
}

std::optional<std::string> stored_response_from_cassette(const Json& cassette)
{
  if (!cassette.is_object() || !cassette.contains("status") || !cassette["status"].is_number_integer()) {
    return std::nullopt;
  }
  const long status = cassette["status"].get<long>();
  if (status < 100 || status > 999) {
    return std::nullopt;
  }
  HttpResponse response;
  response.status = status;
  if (cassette.contains("json")) {
    response.body = cassette["json"].dump();
  } else if (cassette.contains("text") && cassette["text"].is_string()) {
    response.body = cassette["text"].get<std::string>();
  } else {
    return std::nullopt;
  }
  return encode_cached_response(response);
}

std::unique_ptr<Transport> make_caching_transport(Transport& inner, CacheBackend& backend, CacheMode mode,
                                                  CacheScope scope)
{
  return std::make_unique<CachingTransport>(inner, backend, mode, std::move(scope));
}

} // namespace evalgate
