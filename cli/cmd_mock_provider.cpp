#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "mock/mock_server.hpp"

namespace evalgate::cli {

namespace {

struct MockFlags {
  MockOptions options;
  std::vector<std::string> faults;
};

// Blocks until SIGINT/SIGTERM arrives.
void wait_for_stop_signal()
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int received = 0;
  sigwait(&set, &received);
}

int serve(MockFlags& flags)
{
  for (const auto& text : flags.faults) {
    auto fault = parse_mock_fault(text);
    if (!fault) {
      return report_error(fault.error());
    }
    flags.options.faults.push_back(*fault);
  }
  // Block the stop signals before any server thread starts, so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto server = MockServer::create(flags.options);
  if (!server) {
    return report_error(server.error());
  }
  (*server)->start();
  std::cout << "mock provider listening on http://127.0.0.1:" << (*server)->port() << "/v1" << std::endl;
  wait_for_stop_signal();
  (*server)->stop();
  std::cerr << "mock provider stopped: " << (*server)->stats_json() << "\n";
  return 0;
}

} // namespace

Command mock_provider_command()
{
  return {"mock-provider", "Serve a mock OpenAI/Anthropic/Gemini/Ollama API on 127.0.0.1 for tests, demos and key-less CI",
          [](CLI::App& app) {
            auto flags = std::make_shared<MockFlags>();
            auto& o = flags->options;
            app.add_option("--port", o.port, "Port (0 = pick a free one and print it)")->capture_default_str();
            app.add_option("--answers", o.answers_file, "Answers file (JSON/JSONL rules: model, contains|pattern, reply)");
            app.add_option("--latency-ms", o.latency_ms, "Delay before every answer")->capture_default_str();
            app.add_option("--fault", flags->faults,
                           "Inject KIND:PROBABILITY (401, 429, 500, 503, 529, timeout, malformed, reset, stream_cut, "
                           "slow_stream, 429_bare); repeatable");
            app.add_option("--retry-after", o.retry_after_s, "Seconds sent in retry-after on injected 429s");
            app.add_option("--timeout-hang-ms", o.timeout_hang_ms,
                           "How long a 'timeout' fault holds a request before closing it")
              ->capture_default_str();
            app.add_option("--slow-stream-ms", o.slow_stream_ms,
                           "Pause before each stream event under a slow_stream fault")
              ->capture_default_str();
            app.add_option("--seed", o.seed, "Seed of the fault draws")->capture_default_str();
            app.add_option("--require-key", o.required_api_key,
                           "Refuse requests without KEY (Authorization: Bearer, x-api-key or x-goog-api-key)");
            app.add_option("--embedding-dims", o.embedding_dims, "Length of /v1/embeddings vectors")
              ->capture_default_str();
            return [flags] { return serve(*flags); };
          }};
}

} // namespace evalgate::cli
