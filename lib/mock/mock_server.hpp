#pragma once
// mock/mock_server: the OpenAI-compatible mock provider behind `evalgate mock-provider`, for
// tests, the demo, benchmarks and key-less CI. A small HTTP/1.1 server (keep-alive, one thread per
// connection) bound to 127.0.0.1. POST /v1/chat/completions answers from the answers file or
// echoes the last user message; POST /v1/embeddings returns deterministic vectors; GET /stats
// returns request counts as JSON. It also speaks Anthropic (POST /v1/messages), Gemini
// (/v1beta/models/{model}:generateContent and friends) and Ollama (/api/chat, /api/embed): see
// mock/mock_routes.hpp. Faults are injected per request with the configured
// probabilities from a seeded generator. May use: core.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace evalgate {

enum class MockFault {
  http_401,
  http_429,
  http_500,
  http_503,
  http_529,
  timeout,
  malformed,
  reset,
  stream_cut,  // a streamed answer ends halfway, without its final marker
  slow_stream, // each stream event is sent slow_stream_ms after the previous one
  http_429_bare, // a 429 without any retry hint, whatever retry_after_s says
};

struct MockFaultRate {
  MockFault fault;
  double probability = 0; // 0..1
};

struct MockOptions {
  int port = 0;                   // 0 = pick a free port
  std::string answers_file;       // JSON or JSONL; empty = echo only
  long latency_ms = 0;            // added before every answer
  std::vector<MockFaultRate> faults;
  double retry_after_s = -1;      // < 0: no retry-after header on 429s
  std::uint64_t seed = 1;
  long timeout_hang_ms = 120000;  // how long a "timeout" fault holds the request before closing
  int embedding_dims = 64;
  // Non-empty: API requests must carry it where their wire format sends keys (Authorization:
  // Bearer for OpenAI and Ollama, x-api-key for Anthropic, x-goog-api-key for Gemini).
  std::string required_api_key;
  long slow_stream_ms = 100; // pause before each stream event under a slow_stream fault
};

// "429:0.1" → {http_429, 0.1}; error (category usage) naming the accepted faults.
Result<MockFaultRate> parse_mock_fault(const std::string& text);

class MockServer {
public:
  // Loads the answers file (errors name file and line) and binds; does not serve yet.
  static Result<std::unique_ptr<MockServer>> create(const MockOptions& options);
  ~MockServer(); // stops
  int port() const;
  void start();  // serves on background threads; returns at once
  void stop();   // closes the listener and every connection, joins
  std::string stats_json() const;

  struct Impl;

private:
  MockServer();
  std::unique_ptr<Impl> m_impl;
};

} // namespace evalgate
