#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "fake_transport.hpp"
#include "providers/exec_client.hpp"
#include "providers/model_client.hpp"
#include "scoped_env.hpp"

using namespace evalgate;

namespace {

const std::string k_scripts = std::string(EVALGATE_TEST_FIXTURES) + "/exec/";

ProviderSpec exec_spec(Json command)
{
  ProviderSpec spec;
  spec.id = "app";
  spec.type = "exec";
  spec.timeout_ms = 20000;
  spec.options = {{"command", std::move(command)}};
  spec.location = Location{"evalgate.yaml", 9, 5, 0, ""};
  return spec;
}

std::unique_ptr<ModelClient> client_of(const ProviderSpec& spec)
{
  auto client = make_exec_client(spec);
  REQUIRE_MESSAGE(client.has_value(), (client ? "" : client.error().str()));
  return std::move(*client);
}

CallResult call(ModelClient& client, const Json& vars, const std::string& prompt = "hello")
{
  CallInput input;
  input.messages = {{"system", "be brief"}, {"user", prompt}};
  input.vars = &vars;
  std::promise<CallResult> promise;
  client.complete(input, [&promise](CallResult result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

std::string config_error(const ProviderSpec& spec)
{
  auto client = make_exec_client(spec);
  REQUIRE_FALSE(client.has_value());
  CHECK(client.error().category == ErrorCategory::config);
  return client.error().str();
}

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir()
  {
    std::string pattern = (std::filesystem::temp_directory_path() / "evalgate-exec-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

// True once `pid` is gone or a zombie waiting for init: it no longer runs.
bool stopped_running(pid_t pid)
{
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  return text.empty() || (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z');
}

} // namespace

TEST_CASE("exec sends the prompt, the messages and the vars as one JSON object on stdin")
{
  auto client = client_of(exec_spec({k_scripts + "echo_stdin.sh"}));
  const Json vars = {{"question", "Where is my order?"}, {"n", 3}, {"tags", {"a", "b"}}};
  const CallResult result = call(*client, vars, "Where is my order?");
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  const Json document = Json::parse(result.text);
  CHECK(document["prompt"] == "Where is my order?");
  CHECK(document["messages"] == Json::array({{{"role", "system"}, {"content", "be brief"}},
                                             {{"role", "user"}, {"content", "Where is my order?"}}}));
  CHECK(document["vars"] == vars);
  CHECK(result.attempts == 1);
  CHECK(result.provider_id == "app");
  CHECK_FALSE(result.cost_usd.has_value());
}

TEST_CASE("exec output is stdout with one trailing newline removed")
{
  auto client = client_of(exec_spec({k_scripts + "print_args.sh", "first line", "second"}));
  const CallResult result = call(*client, Json::object());
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  CHECK(result.text == "first line\nsecond");
}

TEST_CASE("vars with shell metacharacters reach the program byte for byte, as env vars and on stdin")
{
  const std::string nasty = "x'; rm -rf / #\" $(echo pwned) `id` && | > /tmp/evil < * ? \\n\ttab";
  auto client = client_of(exec_spec({k_scripts + "echo_var.sh", "EVALGATE_VAR_USER_INPUT"}));
  const CallResult result = call(*client, {{"user-input", nasty}});
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  CHECK(result.text == "[" + nasty + "]");

  auto echo = client_of(exec_spec({k_scripts + "echo_stdin.sh"}));
  const CallResult on_stdin = call(*echo, {{"user-input", nasty}});
  CHECK(Json::parse(on_stdin.text)["vars"]["user-input"] == nasty);
}

TEST_CASE("scalar vars become EVALGATE_VAR_ env vars: numbers and booleans as JSON, null empty")
{
  const Json vars = {{"count", 42}, {"ratio", 0.5}, {"flag", true}, {"nothing", nullptr}, {"list", {1, 2}}};
  auto env_of = [&vars](const char* name) {
    auto client = client_of(exec_spec({k_scripts + "echo_var.sh", name}));
    return call(*client, vars).text;
  };
  CHECK(env_of("EVALGATE_VAR_COUNT") == "[42]");
  CHECK(env_of("EVALGATE_VAR_RATIO") == "[0.5]");
  CHECK(env_of("EVALGATE_VAR_FLAG") == "[true]");
  CHECK(env_of("EVALGATE_VAR_NOTHING") == "[]");
  CHECK(env_of("EVALGATE_VAR_LIST") == "[]"); // lists and mappings only travel on stdin
}

TEST_CASE("a var too long for the environment still reaches the program on stdin")
{
  const Json vars = {{"doc", std::string(200 * 1024, 'd')}, {"short", "s"}};
  auto env = client_of(exec_spec({k_scripts + "echo_var.sh", "EVALGATE_VAR_DOC"}));
  const CallResult result = call(*env, vars);
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  CHECK(result.text == "[]");
  auto echo = client_of(exec_spec({k_scripts + "echo_stdin.sh"}));
  CHECK(Json::parse(call(*echo, vars).text)["vars"] == vars);
}

TEST_CASE("exec passes arguments without a shell, so metacharacters in argv stay literal")
{
  auto client = client_of(exec_spec({k_scripts + "print_args.sh", "$HOME", "a;b", "*"}));
  CHECK(call(*client, Json::object()).text == "$HOME\na;b\n*");
}

TEST_CASE("the env option adds variables and the case's vars are set after it")
{
  ProviderSpec spec = exec_spec({k_scripts + "echo_var.sh", "APP_MODE"});
  spec.options["env"] = {{"APP_MODE", "offline"}, {"RETRIES", 2}};
  auto client = client_of(spec);
  CHECK(call(*client, Json::object()).text == "[offline]");

  evalgate::testing::ScopedEnv inherited("EVALGATE_EXEC_TEST_INHERITED", "from-parent");
  auto parent = client_of(exec_spec({k_scripts + "echo_var.sh", "EVALGATE_EXEC_TEST_INHERITED"}));
  CHECK(call(*parent, Json::object()).text == "[from-parent]");
}

TEST_CASE("a relative cwd resolves against the suite file's folder, and so does a relative program")
{
  ScratchDir dir;
  std::filesystem::create_directories(dir.path / "app");
  std::filesystem::copy_file(k_scripts + "pwd.sh", dir.path / "app" / "pwd.sh");
  ProviderSpec spec = exec_spec({"./pwd.sh"});
  spec.location.file = (dir.path / "evalgate.yaml").string();
  spec.options["cwd"] = "app";
  auto client = client_of(spec);
  const CallResult result = call(*client, Json::object());
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  CHECK(std::filesystem::equivalent(result.text, dir.path / "app"));
}

TEST_CASE("a non-zero exit is a failure naming the exit status and the end of stderr")
{
  auto client = client_of(exec_spec({k_scripts + "fail.sh"}));
  const CallResult result = call(*client, Json::object());
  CHECK(result.failure == FailureKind::process);
  CHECK(result.error == "command exited with status 3; stderr: warming up\ndatabase is locked");
  CHECK(result.text.empty());
}

TEST_CASE("a program killed by a signal is a failure naming the signal")
{
  auto client = client_of(exec_spec({k_scripts + "crash.sh"}));
  const CallResult result = call(*client, Json::object());
  CHECK(result.failure == FailureKind::process);
  CHECK(result.error == "command was killed by signal 9 (Killed); stderr: about to crash");
}

TEST_CASE("a program that exits without reading its stdin does not harm evalgate")
{
  auto client = client_of(exec_spec({k_scripts + "ignore_stdin.sh"}));
  const Json vars = {{"blob", std::string(4 * 1024 * 1024, 'x')}};
  const CallResult result = call(*client, vars);
  REQUIRE_MESSAGE(result.failure == FailureKind::none, result.error);
  CHECK(result.text == "done early");
}

TEST_CASE("a timeout kills the whole process group and is failure timeout")
{
  ScratchDir dir;
  const std::string pid_file = (dir.path / "child.pid").string();
  ProviderSpec spec = exec_spec({k_scripts + "hang.sh"});
  spec.timeout_ms = 300;
  auto client = client_of(spec);
  const CallResult result = call(*client, {{"pidfile", pid_file}});
  CHECK(result.failure == FailureKind::timeout);
  CHECK(result.error == "command timed out after 300 ms; its process group was killed");

  std::ifstream in(pid_file);
  pid_t child = 0;
  in >> child;
  REQUIRE(child > 0);
  // SIGKILL is delivered before kill() returns; only reaping by init may lag, so allow for it.
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = stopped_running(child);
    if (!gone) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  CHECK(gone);
}

TEST_CASE("stdout above 16 MiB is a failure, not an unbounded buffer")
{
  auto client = client_of(exec_spec({k_scripts + "big_output.sh"}));
  const CallResult result = call(*client, Json::object());
  CHECK(result.failure == FailureKind::process);
  CHECK(result.error == "command wrote more than 16 MiB to stdout; it was killed");
}

TEST_CASE("a program that cannot be started is failure config naming it")
{
  auto client = client_of(exec_spec({k_scripts + "no_such_script.sh"}));
  const CallResult result = call(*client, Json::object());
  CHECK(result.failure == FailureKind::config);
  CHECK(result.error == "cannot run '" + k_scripts + "no_such_script.sh': No such file or directory");
}

TEST_CASE("complete returns before the command finishes and done comes from the pool")
{
  ScratchDir dir;
  const std::string fifo = (dir.path / "gate").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto client = client_of(exec_spec({k_scripts + "wait_fifo.sh"}));
  const Json vars = {{"fifo", fifo}};
  CallInput input;
  input.messages = {{"user", "hi"}};
  input.vars = &vars;
  std::promise<CallResult> promise;
  const auto caller = std::this_thread::get_id();
  std::thread::id done_thread;
  client->complete(input, [&](CallResult result) {
    done_thread = std::this_thread::get_id();
    promise.set_value(std::move(result));
  });
  auto future = promise.get_future();
  // The script is blocked on the FIFO until we write it, so the call cannot have finished yet.
  CHECK(future.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  {
    std::ofstream gate(fifo);
    gate << "released\n";
  }
  const CallResult result = future.get();
  CHECK(result.text == "released");
  CHECK(done_thread != caller);
}

TEST_CASE("many calls on a small pool all complete, each exactly once")
{
  ProviderSpec spec = exec_spec({k_scripts + "echo_var.sh", "EVALGATE_VAR_I"});
  spec.max_concurrency = 2;
  auto client = client_of(spec);
  constexpr int k_calls = 16;
  std::vector<Json> vars(k_calls);
  std::vector<std::promise<CallResult>> promises(k_calls);
  for (int i = 0; i < k_calls; ++i) {
    vars[i] = {{"i", i}};
    CallInput input;
    input.messages = {{"user", "x"}};
    input.vars = &vars[i];
    client->complete(input, [&promises, i](CallResult result) { promises[i].set_value(std::move(result)); });
  }
  for (int i = 0; i < k_calls; ++i) {
    CHECK(promises[i].get_future().get().text == "[" + std::to_string(i) + "]");
  }
}

TEST_CASE("exec options are checked when the client is built, naming the provider and the key")
{
  ProviderSpec spec = exec_spec("python3 app.py");
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'command' must be a non-empty "
                              "list of strings (the program and its arguments; no shell), got a string");
  spec.options.erase("command");
  CHECK(config_error(spec) ==
        "evalgate.yaml:9:5: provider 'app' (type exec): needs 'command', the program and "
        "its arguments as a list (e.g. command: [python3, app.py])");
  spec.options["command"] = Json::array();
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'command' must be a non-empty "
                              "list of strings (the program and its arguments; no shell), got an empty list");
  spec.options["command"] = {"python3", 3};
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'command' must be a non-empty "
                              "list of strings (the program and its arguments; no shell), got a list holding "
                              "a number");
  spec.options["command"] = {"python3"};
  spec.options["cwd"] = 7;
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'cwd' must be a non-empty "
                              "string (a folder), got a number");
  spec.options.erase("cwd");
  spec.options["env"] = {"A=1"};
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'env' must be a mapping of "
                              "variable names to values, got a list");
  spec.options["env"] = {{"A", {1, 2}}};
  CHECK(config_error(spec) == "evalgate.yaml:9:5: provider 'app' (type exec): 'env.A' must be a string, "
                              "number or boolean, got a list");
}

TEST_CASE("the provider table builds exec clients and declares their option keys")
{
  evalgate::testing::FakeTransport transport;
  auto client = make_model_client(exec_spec({k_scripts + "print_args.sh", "ok"}), transport);
  REQUIRE(client.has_value());
  CHECK(call(**client, Json::object()).text == "ok");
  const auto& types = provider_types();
  const auto row = std::find_if(types.begin(), types.end(),
                                [](const auto& info) { return std::string(info.name) == "exec"; });
  REQUIRE(row != types.end());
  CHECK(std::vector<std::string>(row->option_keys.begin(), row->option_keys.end()) ==
        std::vector<std::string>{"command", "cwd", "env"});
}
