// script: runs a user command (an argv list, no shell) with the trial and its case as JSON on
// stdin and reads {"score": 0..1, "pass": bool (optional), "reason": "..."} from stdout. A
// relative program path ("./score.py") resolves against the suite's folder, where the command
// also runs. Timeout (`timeout_ms`, default 10000) kills it; a non-zero exit, a signal, a timeout or
// output that is not that JSON object is an errored score saying which.
#include <filesystem>

#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/script/process.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

#include <unistd.h>

namespace evalgate {

namespace {

constexpr long k_default_timeout_ms = 10000;

Json stdin_document(const EvalInput& input)
{
  const Case& c = input.test_case;
  const Trial& t = input.trial;
  Json trial = {{"candidate_id", t.candidate_id},
                {"output", t.output},
                {"latency_ms", t.latency_ms},
                {"usage",
                 {{"prompt_tokens", t.usage.prompt_tokens},
                  {"completion_tokens", t.usage.completion_tokens},
                  {"total_tokens", t.usage.total_tokens},
                  {"cached_tokens", t.usage.cached_tokens}}},
                {"cost_usd", t.cost_usd ? Json(*t.cost_usd) : Json(nullptr)},
                {"provider_id", t.provider_id},
                {"repeat_index", t.repeat_index}};
  Json test_case = {
      {"id", c.id},           {"vars", c.vars}, {"expected", c.expected ? Json(*c.expected) : Json(nullptr)},
      {"context", c.context}, {"tags", c.tags}, {"metadata", c.metadata}};
  return {{"output", t.output}, {"trial", std::move(trial)}, {"case", std::move(test_case)}};
}

std::string last_line(const std::string& text)
{
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) {
    trimmed.pop_back();
  }
  const auto newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

class Script final : public Evaluator {
public:
  Script(std::vector<std::string> argv, std::string shown, std::string cwd, long timeout_ms, double threshold)
      : m_argv(std::move(argv)), m_shown(std::move(shown)), m_cwd(std::move(cwd)), m_timeout_ms(timeout_ms),
        m_threshold(threshold)
  {
  }

  bool calls_model() const override { return true; }

  Score evaluate(const EvalInput& input) const override
  {
    const std::string name = "script '" + m_shown + "'";
    auto ran = run_process(m_argv, m_cwd, stdin_document(input).dump() + "\n", m_timeout_ms);
    if (!ran) {
      return errored_score(m_threshold, ran.error().message);
    }
    const std::string err = last_line(ran->err);
    const std::string err_note = err.empty() ? "" : "; stderr: " + in_quotes(err, 200);
    if (ran->timed_out) {
      return errored_score(m_threshold,
                           name + " timed out after " + std::to_string(m_timeout_ms) + " ms and was killed");
    }
    if (ran->signal) {
      return errored_score(m_threshold,
                           name + " was killed by signal " + std::to_string(*ran->signal) + err_note);
    }
    if (ran->exit_code.value_or(-1) != 0) {
      return errored_score(m_threshold, name + " exited with status " +
                                            std::to_string(ran->exit_code.value_or(-1)) + err_note);
    }
    auto parsed = parse_output_json(ran->out);
    const std::string want = " (expected {\"score\": 0..1, \"pass\": true|false, \"reason\": \"...\"})";
    if (!parsed) {
      return errored_score(m_threshold, name + " printed " + in_quotes(last_line(ran->out), 60) +
                                            ", not JSON: " + parsed.error().message + want);
    }
    const Json& verdict = *parsed;
    if (!verdict.is_object() || !verdict.contains("score") || !verdict["score"].is_number()) {
      return errored_score(m_threshold, name + " printed " + json_snippet(verdict, 60) +
                                            " without a number \"score\"" + want);
    }
    const double value = verdict["score"].get<double>();
    if (!(value >= 0 && value <= 1)) {
      return errored_score(m_threshold,
                           name + " printed score " + verdict["score"].dump() + ", outside 0..1");
    }
    if (verdict.contains("pass") && !verdict["pass"].is_boolean()) {
      return errored_score(m_threshold, name + " printed \"pass\": " + verdict["pass"].dump() +
                                            ", expected true or false");
    }
    if (verdict.contains("reason") && !verdict["reason"].is_string()) {
      return errored_score(m_threshold, name + " printed a \"reason\" that is not a string");
    }
    std::string reason = verdict.value("reason", "");
    if (reason.empty()) {
      reason = "score " + format_number(value) + " from " + name;
    }
    Score score = graded_score(value, m_threshold, std::move(reason));
    if (verdict.contains("pass")) {
      score.pass = verdict["pass"].get<bool>();
    }
    return score;
  }

private:
  std::vector<std::string> m_argv; // argv[0] resolved against the suite's folder
  std::string m_shown;             // the program as the user wrote it, for messages
  std::string m_cwd;
  long m_timeout_ms;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_script(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"command", "timeout_ms"}); !ok) {
    return fail(ok.error());
  }
  auto written = reader.require("command", "the program and its arguments, as a list");
  if (!written) {
    return fail(written.error());
  }
  if (!(*written)->is_array() || (*written)->empty()) {
    return reader.key_error("command",
                            "must be a non-empty list of strings (the program, then its arguments; no "
                            "shell), got " +
                                json_type_name(**written));
  }
  std::vector<std::string> argv;
  for (const auto& item : **written) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return reader.key_error("command", "must hold non-empty strings, got " + item.dump());
    }
    argv.push_back(item.get<std::string>());
  }
  namespace fs = std::filesystem;
  const std::string shown = argv[0];
  const fs::path base = context.base_dir.empty() ? fs::current_path() : fs::path(context.base_dir);
  if (argv[0].find('/') != std::string::npos) {
    fs::path program(argv[0]);
    if (program.is_relative()) {
      program = base / program;
    }
    std::error_code ec;
    if (!fs::is_regular_file(program, ec) || ::access(program.c_str(), X_OK) != 0) {
      return reader.key_error("command", "program '" + argv[0] + "' is not an executable file (looked at " +
                                             program.lexically_normal().string() + ")");
    }
    argv[0] = fs::absolute(program).lexically_normal().string();
  }
  long timeout_ms = k_default_timeout_ms;
  if (const Json* t = reader.find("timeout_ms")) {
    auto number = reader.whole_number_of("timeout_ms", *t);
    if (!number) {
      return fail(number.error());
    }
    if (*number == 0) {
      return reader.key_error("timeout_ms", "must be > 0");
    }
    timeout_ms = *number;
  }
  auto threshold = reader.threshold(0.5);
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(
      std::make_unique<Script>(std::move(argv), shown, fs::absolute(base).string(), timeout_ms, *threshold));
}

} // namespace evalgate
