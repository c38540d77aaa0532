#include "providers/exec_client.hpp"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "providers/exec_client_process.hpp"

extern char** environ;

namespace evalgate {

namespace {

constexpr int k_default_workers = 4;
constexpr int k_max_workers = 256;
constexpr std::size_t k_max_stdout_bytes = 16 * 1024 * 1024;
constexpr std::size_t k_stderr_tail_bytes = 2048;
// Linux refuses any single environment string above 128 KiB (MAX_ARG_STRLEN) and the whole
// environment above about 2 MiB; longer vars travel on stdin only.
constexpr std::size_t k_max_env_value_bytes = 32 * 1024;

struct ExecConfig {
  std::string provider_id;
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::string> extra_env; // "NAME=value" from the `env` option
  long timeout_ms = 60000;
  int workers = k_default_workers;
};

std::string describe(const Json& value)
{
  switch (value.type()) {
  case Json::value_t::string:
    return "a string";
  case Json::value_t::array:
    return "a list";
  case Json::value_t::object:
    return "a mapping";
  case Json::value_t::boolean:
    return "a boolean";
  case Json::value_t::null:
    return "null";
  default:
    return "a number";
  }
}

// A scalar's text as an environment value; false for lists and mappings.
bool scalar_text(const Json& value, std::string& out)
{
  if (value.is_string()) {
    out = value.get<std::string>();
  } else if (value.is_null()) {
    out.clear();
  } else if (value.is_primitive()) {
    out = value.dump();
  } else {
    return false;
  }
  return true;
}

std::string env_name_of(const std::string& var)
{
  std::string name = "EVALGATE_VAR_";
  for (const char c : var) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name += alnum ? static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) : '_';
  }
  return name;
}

Result<ExecConfig> read_config(const ProviderSpec& spec)
{
  auto error = [&spec](const std::string& message) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type exec): {}", spec.id, message),
                spec.location);
  };
  ExecConfig config;
  config.provider_id = spec.id;
  config.timeout_ms = spec.timeout_ms;
  config.workers =
      spec.max_concurrency > 0 ? std::min(spec.max_concurrency, k_max_workers) : k_default_workers;

  const auto command = spec.options.find("command");
  if (command == spec.options.end()) {
    return error(
        "needs 'command', the program and its arguments as a list (e.g. command: [python3, app.py])");
  }
  const std::string bad_command = "'command' must be a non-empty list of strings (the program and its "
                                  "arguments; no shell), got ";
  if (!command->is_array() || command->empty()) {
    return error(bad_command + (command->is_array() ? "an empty list" : describe(*command)));
  }
  for (const Json& arg : *command) {
    if (!arg.is_string()) {
      return error(bad_command + "a list holding " + describe(arg));
    }
    config.argv.push_back(arg.get<std::string>());
  }
  if (config.argv[0].empty()) {
    return error("'command' starts with an empty program name");
  }

  const std::filesystem::path suite_dir = std::filesystem::path(spec.location.file).parent_path();
  std::filesystem::path cwd = suite_dir;
  if (const auto it = spec.options.find("cwd"); it != spec.options.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return error("'cwd' must be a non-empty string (a folder), got " + describe(*it));
    }
    cwd = suite_dir / it->get<std::string>(); // an absolute cwd replaces suite_dir
  }
  config.cwd = cwd.string();

  if (const auto it = spec.options.find("env"); it != spec.options.end()) {
    if (!it->is_object()) {
      return error("'env' must be a mapping of variable names to values, got " + describe(*it));
    }
    for (const auto& [name, value] : it->items()) {
      std::string text;
      if (name.empty() || name.find('=') != std::string::npos) {
        return error("'env' has an invalid variable name '" + name + "'");
      }
      if (!scalar_text(value, text) || text.find('\0') != std::string::npos) {
        return error("'env." + name + "' must be a string, number or boolean, got " + describe(value));
      }
      config.extra_env.push_back(name + "=" + text);
    }
  }
  return config;
}

std::string stdin_document(const CallInput& input)
{
  Json messages = Json::array();
  std::string prompt;
  for (const Message& message : input.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
    if (message.role == "user") {
      prompt = message.content;
    }
  }
  const Json vars = input.vars != nullptr ? *input.vars : Json::object();
  const Json document = {{"prompt", prompt}, {"messages", std::move(messages)}, {"vars", vars}};
  return document.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

// evalgate's environment, then the `env` option, then the case's vars: later entries win.
std::vector<std::string> child_environment(const ExecConfig& config, const Json* vars)
{
  std::vector<std::string> added = config.extra_env;
  if (vars != nullptr && vars->is_object()) {
    for (const auto& [name, value] : vars->items()) {
      std::string text;
      if (scalar_text(value, text) && text.find('\0') == std::string::npos &&
          text.size() <= k_max_env_value_bytes) {
        added.push_back(env_name_of(name) + "=" + text);
      }
    }
  }
  std::vector<std::string> env;
  auto overridden = [&added](const char* entry) {
    const char* equals = std::strchr(entry, '=');
    const std::size_t length =
        equals != nullptr ? static_cast<std::size_t>(equals - entry) : std::strlen(entry);
    for (const std::string& mine : added) {
      if (mine.size() > length && mine.compare(0, length, entry, length) == 0 && mine[length] == '=') {
        return true;
      }
    }
    return false;
  };
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!overridden(*entry)) {
      env.emplace_back(*entry);
    }
  }
  env.insert(env.end(), added.begin(), added.end());
  return env;
}

std::string trim_trailing_newline(std::string text)
{
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
  }
  return text;
}

std::string with_stderr(std::string message, const std::string& stderr_tail)
{
  std::string tail = stderr_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) {
    tail.pop_back();
  }
  return tail.empty() ? message + " (stderr empty)" : message + "; stderr: " + tail;
}

CallResult run_call(const ExecConfig& config, const CallInput& input)
{
  exec_detail::ProcessRequest request;
  request.argv = config.argv;
  request.cwd = config.cwd;
  request.env = child_environment(config, input.vars);
  request.stdin_bytes = stdin_document(input);
  request.timeout_ms = config.timeout_ms;
  request.max_stdout_bytes = k_max_stdout_bytes;
  request.stderr_tail_bytes = k_stderr_tail_bytes;

  const auto start = std::chrono::steady_clock::now();
  exec_detail::ProcessResult process = exec_detail::run_process(request);
  CallResult result;
  result.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  result.attempts = 1;
  result.provider_id = config.provider_id;
  using exec_detail::ProcessStatus;
  switch (process.status) {
  case ProcessStatus::exited:
    if (process.exit_code == 0) {
      result.text = trim_trailing_newline(std::move(process.stdout_bytes));
    } else {
      result.failure = FailureKind::process;
      result.error =
          with_stderr(fmt::format("command exited with status {}", process.exit_code), process.stderr_tail);
    }
    break;
  case ProcessStatus::signalled:
    result.failure = FailureKind::process;
    result.error = with_stderr(
        fmt::format("command was killed by signal {} ({})", process.signal, ::strsignal(process.signal)),
        process.stderr_tail);
    break;
  case ProcessStatus::timed_out:
    result.failure = FailureKind::timeout;
    result.error =
        fmt::format("command timed out after {} ms; its process group was killed", config.timeout_ms);
    break;
  case ProcessStatus::output_too_big:
    result.failure = FailureKind::process;
    result.error =
        fmt::format("command wrote more than {} MiB to stdout; it was killed", k_max_stdout_bytes >> 20);
    break;
  case ProcessStatus::spawn_failed:
    result.failure = FailureKind::config;
    result.error = process.error;
    break;
  }
  return result;
}

class ExecClient final : public ModelClient {
public:
  explicit ExecClient(ExecConfig config) : m_config(std::move(config))
  {
    for (int i = 0; i < m_config.workers; ++i) {
      m_workers.emplace_back([this] { work(); });
    }
  }

  ~ExecClient() override
  {
    std::deque<Job> abandoned;
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
      abandoned.swap(m_queue);
    }
    m_ready.notify_all();
    for (std::thread& worker : m_workers) {
      worker.join();
    }
    for (Job& job : abandoned) {
      CallResult result;
      result.failure = FailureKind::network;
      result.error = "exec provider shut down before the command ran";
      result.provider_id = m_config.provider_id;
      job.done(std::move(result));
    }
  }

  void complete(const CallInput& input, Done done) override
  {
    Job job{CallInput{input.messages, nullptr}, input.vars != nullptr ? *input.vars : Json(),
            std::move(done)};
    {
      std::lock_guard lock(m_mutex);
      m_queue.push_back(std::move(job));
    }
    m_ready.notify_one();
  }

private:
  struct Job {
    CallInput input; // vars point into `vars` when the job runs (the caller's may be gone)
    Json vars;
    Done done;
  };

  void work()
  {
    // Writes to a pipe whose reader exited must fail with EPIPE, not kill evalgate.
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
    for (;;) {
      Job job;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_stopping) {
          return;
        }
        job = std::move(m_queue.front());
        m_queue.pop_front();
      }
      job.input.vars = job.vars.is_null() ? nullptr : &job.vars;
      job.done(run_call(m_config, job.input));
    }
  }

  const ExecConfig m_config;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Job> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_workers; // last: started after everything they use exists
};

} // namespace

Result<std::unique_ptr<ModelClient>> make_exec_client(const ProviderSpec& spec)
{
  auto config = read_config(spec);
  if (!config) {
    return fail(config.error());
  }
  return std::unique_ptr<ModelClient>(std::make_unique<ExecClient>(std::move(*config)));
}

} // namespace evalgate
