#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::spec_of;

namespace {

namespace fs = std::filesystem;

// A scratch suite folder holding executable scripts; removed when the test ends.
class ScriptDir {
public:
  ScriptDir()
  {
    m_path = fs::temp_directory_path() /
             ("evalgate-script-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
    fs::create_directories(m_path);
  }
  ~ScriptDir()
  {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  ScriptDir(const ScriptDir&) = delete;
  ScriptDir& operator=(const ScriptDir&) = delete;

  void write(const std::string& name, const std::string& body) const
  {
    std::ofstream(m_path / name) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(m_path / name, fs::perms::owner_all);
  }
  std::string path() const { return m_path.string(); }

private:
  fs::path m_path;
  static inline int s_counter = 0;
};

Result<std::unique_ptr<Evaluator>> build(const Json& config, const ScriptDir& dir)
{
  EvaluatorContext context;
  context.base_dir = dir.path();
  return make_evaluator(spec_of(config), context);
}

Score run(const Json& config, const ScriptDir& dir, const std::string& output = "yes")
{
  auto built = build(config, dir);
  REQUIRE(built);
  Case test_case;
  test_case.id = "c7";
  test_case.vars = {{"city", "Zürich"}};
  test_case.expected = "42";
  Trial trial;
  trial.output = output;
  trial.latency_ms = 12;
  return (*built)->evaluate(EvalInput{test_case, trial});
}

} // namespace

TEST_CASE("script reads the trial on stdin and its verdict from stdout")
{
  ScriptDir dir;
  dir.write("judge.sh", R"(read line
case "$line" in
  *'"output":"yes"'*) echo '{"score": 1, "reason": "said yes"}' ;;
  *) echo '{"score": 0.2}' ;;
esac)");
  const Json config = {{"type", "script"}, {"command", {"./judge.sh"}}};
  Score yes = run(config, dir, "yes");
  CHECK(yes.pass);
  CHECK(yes.value == 1.0);
  CHECK(yes.reason == "said yes");
  Score no = run(config, dir, "no");
  CHECK_FALSE(no.pass);
  CHECK(no.value == doctest::Approx(0.2));
  CHECK(no.threshold == 0.5);
  CHECK(no.reason == "score 0.2 from script './judge.sh'");
}

TEST_CASE("script stdin holds the output, the trial and the case")
{
  ScriptDir dir;
  dir.write("dump.sh", R"(cat > stdin.json
echo '{"score": 1}')");
  CHECK(run({{"type", "script"}, {"command", {"./dump.sh"}}}, dir, "héllo").pass);
  std::ifstream file(dir.path() + "/stdin.json"); // the command ran in the suite's folder
  std::stringstream buffer;
  buffer << file.rdbuf();
  const Json doc = Json::parse(buffer.str());
  CHECK(doc["output"] == "héllo");
  CHECK(doc["trial"]["latency_ms"] == 12);
  CHECK(doc["trial"]["cost_usd"].is_null());
  CHECK(doc["case"]["id"] == "c7");
  CHECK(doc["case"]["vars"]["city"] == "Zürich");
  CHECK(doc["case"]["expected"] == "42");
}

TEST_CASE("script pass overrides the threshold and arguments are passed without a shell")
{
  ScriptDir dir;
  dir.write("args.sh", R"(cat > /dev/null
if [ "$1" = "a b" ] && [ "$2" = '$HOME' ]; then echo '{"score": 0.1, "pass": true}'; else echo '{"score": 0}'; fi)");
  Score s = run({{"type", "script"}, {"command", {"./args.sh", "a b", "$HOME"}}}, dir);
  CHECK(s.pass);
  CHECK(s.value == doctest::Approx(0.1));
}

TEST_CASE("a failing script is an errored score naming the status and stderr")
{
  ScriptDir dir;
  dir.write("boom.sh", "cat > /dev/null\necho 'KeyError: expected' >&2\nexit 3");
  Score s = run({{"type", "script"}, {"command", {"./boom.sh"}}}, dir);
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.error == "script './boom.sh' exited with status 3; stderr: 'KeyError: expected'");
}

TEST_CASE("a script that prints no verdict is an errored score")
{
  ScriptDir dir;
  dir.write("ok.sh", "echo ok");
  dir.write("big.sh", "echo '{\"score\": 7}'");
  dir.write("nos.sh", "echo '{\"pass\": true}'");
  dir.write("badpass.sh", "echo '{\"score\": 1, \"pass\": \"yes\"}'");
  CHECK(run({{"type", "script"}, {"command", {"./ok.sh"}}}, dir)
            .error.rfind("script './ok.sh' printed 'ok', not JSON: ", 0) == 0);
  CHECK(run({{"type", "script"}, {"command", {"./big.sh"}}}, dir).error ==
        "script './big.sh' printed score 7, outside 0..1");
  CHECK(run({{"type", "script"}, {"command", {"./nos.sh"}}}, dir).error ==
        "script './nos.sh' printed {\"pass\":true} without a number \"score\" (expected {\"score\": 0..1, "
        "\"pass\": "
        "true|false, \"reason\": \"...\"})");
  CHECK(run({{"type", "script"}, {"command", {"./badpass.sh"}}}, dir).error ==
        "script './badpass.sh' printed \"pass\": \"yes\", expected true or false");
}

TEST_CASE("a script that runs past its timeout is killed and errored")
{
  ScriptDir dir;
  dir.write("slow.sh", "exec sleep 30");
  Score s = run({{"type", "script"}, {"command", {"./slow.sh"}}, {"timeout_ms", 200}}, dir);
  CHECK(s.errored());
  CHECK(s.error == "script './slow.sh' timed out after 200 ms and was killed");
}

TEST_CASE("a script that ignores a huge stdin does not take the process down")
{
  ScriptDir dir;
  dir.write("deaf.sh", "echo '{\"score\": 1}'");
  Score s = run({{"type", "script"}, {"command", {"./deaf.sh"}}}, dir, std::string(4 * 1024 * 1024, 'x'));
  CHECK(s.pass);
}

TEST_CASE("script config errors name the problem and the location")
{
  ScriptDir dir;
  auto missing = build({{"type", "script"}, {"command", {"./nope.py"}}}, dir);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().str() ==
        "evalgate.yaml:7:5: evaluator 'script' key 'command' program './nope.py' is not an "
        "executable file (looked at " +
            dir.path() + "/nope.py)");
  auto shell = build({{"type", "script"}, {"command", "python3 score.py"}}, dir);
  REQUIRE_FALSE(shell);
  CHECK(shell.error().str() ==
        "evalgate.yaml:7:5: evaluator 'script' key 'command' must be a non-empty list of "
        "strings (the program, then its arguments; no shell), got string");
  auto zero = build({{"type", "script"}, {"command", {"true"}}, {"timeout_ms", 0}}, dir);
  REQUIRE_FALSE(zero);
  CHECK(zero.error().str() == "evalgate.yaml:7:5: evaluator 'script' key 'timeout_ms' must be > 0");
}

TEST_CASE("a program not found in PATH is an errored score at run time")
{
  ScriptDir dir;
  Score s = run({{"type", "script"}, {"command", {"evalgate-no-such-program"}}}, dir);
  CHECK(s.errored());
  CHECK(s.error == "could not start 'evalgate-no-such-program': No such file or directory");
}

TEST_CASE("script runs on the waiting pool")
{
  ScriptDir dir;
  auto built = build({{"type", "script"}, {"command", {"true"}}}, dir);
  REQUIRE(built);
  CHECK((*built)->calls_model());
}

TEST_CASE("one script evaluator runs from several threads at once")
{
  ScriptDir dir;
  dir.write("echo.sh", R"(read line
case "$line" in
  *'"output":"even"'*) echo '{"score": 1}' ;;
  *) echo '{"score": 0}' ;;
esac)");
  auto built = build({{"type", "script"}, {"command", {"./echo.sh"}}}, dir);
  REQUIRE(built);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Case test_case;
      Trial trial;
      trial.output = t % 2 == 0 ? "even" : "odd";
      for (int i = 0; i < 10; ++i) {
        const Score s = (*built)->evaluate({test_case, trial});
        if (s.errored() || s.pass != (t % 2 == 0)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(wrong.load() == 0);
}
