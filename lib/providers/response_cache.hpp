#pragma once
// providers/response_cache: record/replay of provider responses (DESIGN.md "Cache"; issue 3 item 7;
// docs/cache.md). A Transport decorator, one per configured provider, in front of the shared
// transport: submit() looks the request up by key and answers from the cache (HttpResponse
// from_cache, no request sent), else forwards and stores 2xx answers.
//
// Key = "v1:" + hex SHA-256 of a canonical JSON (object keys sorted, no whitespace) of:
//   {"v":1, "provider": type, "method", "endpoint": URL without query, "api_version": the
//    `api-version` query parameter or `anthropic-version` header (null when neither),
//    "headers": output-affecting headers only (anthropic-beta, anthropic-version, openai-beta),
//    "body": the request body as sent (parsed JSON, minus user/metadata/store/prompt_cache_key/
//    safety_identifier/service_tier, which cannot change the output), "sample": repeat index}.
// Auth headers and query strings never enter the key or the stored request. The "v1:" prefix is
// stored with every key, so a future format change misses instead of reading old entries wrongly.
//
// Accepted answers only: the retrying client marks a retry `cache_refresh` (the previous answer
// failed to decode or was cut short), which skips the lookup and overwrites the entry.
// Thread safety: submit() and cancel_all() may be called from any thread, as the inner transport's;
// a cache hit calls on_done synchronously on the calling thread.

#include <memory>
#include <optional>
#include <string>

#include "core/types.hpp"
#include "providers/transport.hpp"

namespace evalgate {

enum class CacheMode { read_write, read_only, off, replay };
const char* cache_mode_name(CacheMode mode);
std::optional<CacheMode> cache_mode_from_name(const std::string& name);

// Storage seam (the engine adapts the run database's cache table to it). Both calls may come from
// any thread, store() from the transport's I/O thread: it must queue rather than block. store()
// takes the texts it keeps by value, so the caching transport hands over its key and request
// text without copying them on the I/O thread.
class CacheBackend {
public:
  virtual ~CacheBackend() = default;
  virtual std::optional<std::string> lookup(const std::string& key) = 0;
  virtual void store(std::string key, const std::string& provider, const std::string& model,
                     std::string request_json, std::string response_json) = 0;
};

// Which provider a cache transport serves: names entries and the replay-miss message.
struct CacheScope {
  std::string provider_type;
  std::string provider_id;
  std::string model;
};

// The key material of a request (see above), and its key.
Json cache_key_material(const std::string& provider_type, const HttpRequest& request);
// cache_key_material(provider_type, request).dump(), byte for byte; when the request says its body
// is to_json_text() output and no ignored field can be among its keys, the body is spliced in as
// it is, without parsing it (the dump of a parsed dump is the dump itself).
std::string cache_key_material_text(const std::string& provider_type, const HttpRequest& request);
std::string cache_key(const Json& material);
// The same key from `material.dump()`, for callers that keep the text too (no second dump).
std::string cache_key_of_dump(const std::string& dumped_material);
std::string sha256_hex(const std::string& bytes);

// The stored form of a response: "<status>\n<body as received>", cheap on the hot paths (no JSON
// round trip on the I/O thread or on a hit). nullopt when `stored` is not of that form.
std::string encode_cached_response(const HttpResponse& response);
std::optional<HttpResponse> decode_cached_response(const std::string& stored);
// The reviewable cassette form, {"status", "json": <parsed body>} or {"status", "text": <body>},
// and back to the stored form (nullopt when `cassette` is not of that shape).
Json cassette_response(const HttpResponse& response);
std::optional<std::string> stored_response_from_cassette(const Json& cassette);

// `inner` and `backend` must outlive the returned transport. mode off is not a cache: callers use
// the inner transport directly.
std::unique_ptr<Transport> make_caching_transport(Transport& inner, CacheBackend& backend, CacheMode mode,
                                                  CacheScope scope);

} // namespace evalgate
