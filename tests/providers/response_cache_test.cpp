#include <doctest/doctest.h>

#include <map>
#include <mutex>

#include "fake_transport.hpp"
#include "fixtures.hpp"
#include "providers/model_client.hpp"
#include "providers/response_cache.hpp"
#include "providers/wire_support.hpp"
#include "scoped_env.hpp"

using namespace evalgate;
using evalgate::testing::FakeTransport;
using evalgate::testing::read_fixture;
using evalgate::testing::respond;
using evalgate::testing::ScopedEnv;

namespace {

class MemoryBackend final : public CacheBackend {
public:
  std::optional<std::string> lookup(const std::string& key) override
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(key);
    return it == m_entries.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void store(std::string key, const std::string&, const std::string&, std::string,
             std::string response_json) override
  {
    std::lock_guard lock(m_mutex);
    m_entries[std::move(key)] = std::move(response_json);
    ++m_stores;
  }
  std::size_t size() const { return m_entries.size(); }
  int stores() const { return m_stores; }

private:
  std::mutex m_mutex;
  std::map<std::string, std::string> m_entries;
  int m_stores = 0;
};

HttpRequest chat_request(const std::string& body)
{
  HttpRequest request;
  request.url = "https://api.example.com/v1/chat/completions";
  request.headers = {{"Authorization", "Bearer sk-secret-123456"}, {"Content-Type", "application/json"}};
  request.body = body;
  return request;
}

HttpResponse submit(Transport& transport, HttpRequest request)
{
  HttpResponse out;
  transport.submit(
      std::move(request), [&](HttpResponse response) { out = std::move(response); }, 0);
  return out;
}

const std::string k_body = R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0})";

} // namespace

TEST_CASE(
    "sha256_hex gives the standard digest in lower-case hex, and a key is the same from its dumped material")
{
  // FIPS 180-2 test vectors: committed cassettes depend on these bytes never changing.
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const Json material = cache_key_material("openai", chat_request(k_body));
  CHECK(cache_key_of_dump(material.dump()) == cache_key(material));
  CHECK(cache_key(material) == "v1:" + sha256_hex(material.dump()));
}

TEST_CASE(
    "the cache key is a versioned SHA-256 of the request that ignores auth headers and non-output fields")
{
  const std::string key = cache_key(cache_key_material("openai", chat_request(k_body)));
  CHECK(key.rfind("v1:", 0) == 0);
  CHECK(key.size() == 3 + 64);

  HttpRequest other_key = chat_request(k_body);
  other_key.headers[0].second = "Bearer sk-another-999999";
  CHECK(cache_key(cache_key_material("openai", other_key)) == key);
  // Key order and whitespace in the body do not matter; a `user` tag cannot change the answer.
  CHECK(
      cache_key(cache_key_material(
          "openai",
          chat_request(
              R"({"temperature":0, "messages":[{"content":"hi","role":"user"}], "model":"m", "user":"u1"})"))) ==
      key);

  const std::string material = cache_key_material("openai", chat_request(k_body)).dump();
  CHECK(material.find("sk-secret") == std::string::npos);
  CHECK(material.find("Authorization") == std::string::npos);

  HttpRequest repeat = chat_request(k_body);
  repeat.cache_sample = 1;
  CHECK(cache_key(cache_key_material("openai", repeat)) != key);
  CHECK(cache_key(cache_key_material(
            "openai", chat_request(R"({"model":"m","messages":[],"temperature":0.5})"))) != key);
  CHECK(cache_key(cache_key_material("azure-openai", chat_request(k_body))) != key);
  HttpRequest versioned = chat_request(k_body);
  versioned.url += "?api-version=2024-10-21";
  CHECK(cache_key(cache_key_material("openai", versioned)) != key);
  CHECK(cache_key_material("openai", versioned)["api_version"] == "2024-10-21");
  CHECK(cache_key_material("openai", versioned)["endpoint"] == "https://api.example.com/v1/chat/completions");
  HttpRequest beta = chat_request(k_body);
  beta.headers.emplace_back("anthropic-beta", "tools-2024");
  CHECK(cache_key(cache_key_material("openai", beta)) != key);
}

TEST_CASE("read-write stores accepted 2xx answers and serves them again without a request")
{
  FakeTransport inner;
  MemoryBackend backend;
  auto cache = make_caching_transport(inner, backend, CacheMode::read_write, {"openai", "gpt", "m"});
  inner.script(respond(200, R"({"answer":1})"));
  const HttpResponse first = submit(*cache, chat_request(k_body));
  CHECK_FALSE(first.from_cache);
  CHECK(backend.size() == 1);

  const HttpResponse second = submit(*cache, chat_request(k_body));
  CHECK(second.from_cache);
  CHECK(second.status == 200);
  CHECK(Json::parse(second.body) == Json::parse(R"({"answer":1})"));
  CHECK(inner.submissions().size() == 1);

  // Errors are never recorded.
  inner.script(respond(500, "oops"));
  HttpRequest other = chat_request(R"({"model":"m","messages":[]})");
  CHECK(submit(*cache, other).status == 500);
  CHECK(backend.size() == 1);

  // A refresh (the last answer was not accepted) skips the lookup and overwrites.
  inner.script(respond(200, "plain text answer"));
  HttpRequest refresh = chat_request(k_body);
  refresh.cache_refresh = true;
  CHECK_FALSE(submit(*cache, refresh).from_cache);
  CHECK(backend.stores() == 2);
  CHECK(submit(*cache, chat_request(k_body)).body == "plain text answer");
}

TEST_CASE("read-only reads but never writes; replay answers a miss with a config failure naming the provider")
{
  FakeTransport inner;
  MemoryBackend backend;
  auto read_only = make_caching_transport(inner, backend, CacheMode::read_only, {"openai", "gpt", "m"});
  inner.script(respond(200, "{}"));
  CHECK(submit(*read_only, chat_request(k_body)).status == 200);
  CHECK(backend.size() == 0);

  auto replay = make_caching_transport(inner, backend, CacheMode::replay, {"openai", "gpt", "gpt-4o-mini"});
  const HttpResponse miss = submit(*replay, chat_request(k_body));
  CHECK(miss.replay_miss);
  CHECK(miss.status == 0);
  const std::string key = cache_key(cache_key_material("openai", chat_request(k_body)));
  CHECK(miss.transport_error == "cache miss in replay mode for gpt/gpt-4o-mini (key " + key.substr(0, 15) +
                                    "); record it with --cache read-write");
  CHECK(inner.submissions().size() == 1); // replay sent nothing
}

TEST_CASE("through the retrying client: hits are marked, repeats are distinct samples, a replay miss is a "
          "config failure")
{
  ScopedEnv key("EVALGATE_TEST_CACHE_KEY", "sk-cache-test-123456");
  FakeTransport inner;
  MemoryBackend backend;
  ProviderSpec spec;
  spec.id = "gpt";
  spec.type = "openai";
  spec.model = "test-model";
  spec.base_url = "http://127.0.0.1:9/v1";
  spec.api_key_env = "EVALGATE_TEST_CACHE_KEY";
  spec.retry_base_ms = 0;
  auto cache = make_caching_transport(inner, backend, CacheMode::read_write, {"openai", "gpt", "test-model"});
  auto client = make_model_client(spec, *cache);
  REQUIRE(client);
  const Json vars = Json::object();
  auto call = [&](int repeat) {
    CallResult out;
    CallInput input{{{"user", "hello"}}, &vars, repeat};
    (*client)->complete(input, [&](CallResult result) { out = std::move(result); });
    return out;
  };
  inner.script(respond(200, read_fixture("openai_chat_ok.json")));
  const CallResult first = call(0);
  REQUIRE(first.failure == FailureKind::none);
  CHECK_FALSE(first.cache_hit);
  const CallResult again = call(0);
  CHECK(again.cache_hit);
  CHECK(again.text == first.text);
  CHECK(again.usage.prompt_tokens == first.usage.prompt_tokens);
  CHECK(inner.submissions().size() == 1);

  inner.script(respond(200, read_fixture("openai_chat_ok.json")));
  CHECK_FALSE(call(1).cache_hit); // repeat 1 is its own sample
  CHECK(inner.submissions().size() == 2);

  // A cached body that no longer decodes is refetched, not replayed forever.
  HttpRequest sent = inner.submissions()[0].request;
  sent.cache_sample = 2;
  backend.store(cache_key(cache_key_material("openai", sent)), "gpt", "test-model", "{}", "200\nnot json");
  inner.script(respond(200, read_fixture("openai_chat_ok.json")));
  const CallResult repaired = call(2);
  CHECK(repaired.failure == FailureKind::none);
  CHECK_FALSE(repaired.cache_hit);
  CHECK(call(2).cache_hit);

  auto replay = make_caching_transport(inner, backend, CacheMode::replay, {"openai", "gpt", "test-model"});
  auto replay_client = make_model_client(spec, *replay);
  REQUIRE(replay_client);
  CallResult missed;
  const CallInput unseen{{{"user", "never asked"}}, &vars, 0};
  (*replay_client)->complete(unseen, [&](CallResult result) { missed = std::move(result); });
  CHECK(missed.failure == FailureKind::config);
  CHECK(missed.error.rfind("cache miss in replay mode for gpt/test-model (key v1:", 0) == 0);
}

TEST_CASE("a provider error body echoing the key, whole or masked, is scrubbed before it is stored")
{
  const std::string secret = "sk-echo-test-ABCDEFGH12345678";
  ScopedEnv key("EVALGATE_TEST_ECHO_KEY", secret);
  FakeTransport inner;
  ProviderSpec spec;
  spec.id = "gpt";
  spec.type = "openai";
  spec.model = "m";
  spec.base_url = "http://127.0.0.1:9/v1";
  spec.api_key_env = "EVALGATE_TEST_ECHO_KEY";
  auto client = make_model_client(spec, inner);
  REQUIRE(client);
  inner.script(respond(401, R"x({"error":{"message":"Incorrect API key provided: )x" + secret +
                                R"x( (also seen as sk-ech***5678)","type":"invalid_request_error"}})x"));
  const Json vars = Json::object();
  CallResult out;
  (*client)->complete(CallInput{{{"user", "hi"}}, &vars, 0},
                      [&](CallResult result) { out = std::move(result); });
  CHECK(out.failure == FailureKind::http_4xx);
  CHECK(out.error.find(secret) == std::string::npos);
  CHECK(out.error.find("sk-ech***5678") == std::string::npos);
  CHECK(out.error.find("Incorrect API key provided: ***") != std::string::npos);
}

TEST_CASE("a stored response keeps the body byte for byte; the cassette form parses JSON bodies for review")
{
  HttpResponse response = respond(200, "{\"b\": 1,  \"a\": 2}");
  const std::string stored = encode_cached_response(response);
  CHECK(stored == "200\n{\"b\": 1,  \"a\": 2}");
  CHECK(decode_cached_response(stored)->body == response.body);
  CHECK_FALSE(decode_cached_response("ok\nbody").has_value());
  CHECK_FALSE(decode_cached_response("200 body").has_value());

  const Json cassette = cassette_response(response);
  CHECK(cassette == Json::parse(R"({"status":200,"json":{"a":2,"b":1}})"));
  CHECK(*stored_response_from_cassette(cassette) == "200\n{\"a\":2,\"b\":1}");
  CHECK(*stored_response_from_cassette(cassette_response(respond(200, "data: x\n\n"))) == "200\ndata: x\n\n");
  CHECK_FALSE(stored_response_from_cassette(Json{{"status", 200}}).has_value());
}

TEST_CASE("a request whose body is an encoder's JSON text is keyed without parsing it, to the same bytes")
{
  // Bodies as the encoders write them (to_json_text): key order, numbers, escapes and non-ASCII
  // must come out as the parsed-and-dumped material would have them.
  const std::vector<Json> bodies{
      Json::parse(k_body),
      Json{{"model", "m"},
           {"messages",
            Json::array({Json{{"role", "system"}, {"content", "tabs\tquotes\" \\ and \u00e9\u4e2d"}},
                         Json{{"role", "user"}, {"content", std::string("nul\0byte", 8)}}})},
           {"temperature", 0.7},
           {"top_p", 1.0},
           {"max_tokens", 512},
           {"seed", -3},
           {"big", 18446744073709551615ULL},
           {"tiny", 1e-300},
           {"nested", Json{{"user_id", "x"}, {"users", Json::array()}}}},
      // Ignored fields at the top level or anywhere: keyed as the parsed body minus them.
      Json{{"model", "m"}, {"user", "u1"}, {"metadata", {{"a", 1}}}, {"messages", Json::array()}},
      Json{{"model", "m"}, {"tools", Json::array({Json{{"store", true}}})}},
      Json::array({1, "two", nullptr}),
      Json("just a string with \"user\": inside"),
      Json{{"content", "invalid UTF-8 \xff\xfe replaced"}},
  };
  for (const Json& body : bodies) {
    for (const bool with_extras : {false, true}) {
      HttpRequest request = chat_request(to_json_text(body));
      request.body_is_json_text = true;
      if (with_extras) {
        request.url = "https://me:pw@api.example.com/v1/messages?api-version=2024-10-21&x=1";
        request.headers.emplace_back("Anthropic-Version", "2023-06-01");
        request.headers.emplace_back("openai-beta", "assistants=v2");
        request.cache_sample = 3;
        request.method = "PUT";
      }
      CAPTURE(request.body);
      const std::string expected = cache_key_material("anthropic", request).dump();
      CHECK(cache_key_material_text("anthropic", request) == expected);
      request.body_is_json_text = false;
      CHECK(cache_key_material_text("anthropic", request) == expected);
    }
  }
  // The flag is a promise: the text is spliced in verbatim, never parsed (so never re-sorted).
  HttpRequest promised = chat_request(R"({"b":1,"a":2})");
  promised.body_is_json_text = true;
  CHECK(cache_key_material_text("openai", promised).find(R"("body":{"b":1,"a":2},)") != std::string::npos);
  // Not JSON at all: keyed as the exact string, as before.
  HttpRequest form = chat_request("a=1&b=2");
  CHECK(cache_key_material_text("http", form) == cache_key_material("http", form).dump());
}
