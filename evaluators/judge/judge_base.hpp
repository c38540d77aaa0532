#pragma once
// evaluators/judge/judge_base: what every LLM-as-judge evaluator shares.
//  - JudgeSetup reads the common keys (provider, template, threshold, question, expected, context)
//    at build time: the judge id defaults to the suite's first judge (no judge = config error), and
//    each step's template is the built-in or the user's file.
//  - JudgeCall is one evaluate()'s conversation with the judge: ask() renders a step, calls the
//    judge through ModelClient::complete and blocks on the answer (evaluate() runs on a scoring
//    thread that may wait), parses the reply, and re-asks ONCE when the verdict is unparseable.
//    It totals judge cost and fills Score.details (judge, templates, template_hash, cost_unknown).
//    ask_async() is the same conversation without a blocked thread, for single-call judges.
// A JudgeSetup is immutable after build; JudgeCall serves one evaluate(), one step at a time.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"
#include "evaluators/judge/judge_template.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"

namespace evalgate {

struct CallInput;
struct CallResult;

struct JudgeStepDef {
  std::string step; // "verdict", "claims", ...; the built-in is "<judge>/<step>"
  StepPlaceholders placeholders;
};

// The untrusted texts of one case, as the judge sees them (already rendered, not yet delimited).
struct JudgeInputs {
  std::string output;
  std::optional<std::string> question;
  std::optional<std::string> expected;
  std::vector<std::string> context; // chunks, in retrieval order; empty = none
};

class JudgeSetup {
public:
  // `extra_keys` are the judge's own config keys. `steps` are its prompt steps; the last is the
  // one a plain `template: file.txt` replaces (`template: {step: file}` picks steps by name).
  // `judge` names the built-in templates folder (aliases share one: faithfulness uses groundedness).
  static Result<JudgeSetup> make(const EvaluatorSpec& spec, const EvaluatorContext& context,
                                 const std::string& judge, std::initializer_list<std::string_view> extra_keys,
                                 const std::vector<JudgeStepDef>& steps, double default_threshold);

  const JudgeTemplate& step(const std::string& name) const { return m_templates.at(name); }
  double threshold() const { return m_threshold; }
  const std::string& judge_id() const { return m_judge_id; }
  const std::string& template_hash() const { return m_template_hash; }
  Json template_names() const;
  ModelClient* client() const { return m_client ? m_client(m_judge_id) : nullptr; }

  // Renders the case's inputs; an error names what is missing ("needs 'expected' ...").
  Result<JudgeInputs> inputs(const EvalInput& input, bool need_question, bool need_expected,
                             bool need_context) const;

private:
  std::string m_type;
  std::string m_judge_id;
  std::function<ModelClient*(const std::string&)> m_client;
  std::map<std::string, JudgeTemplate> m_templates;
  std::vector<std::string> m_step_order;
  std::string m_template_hash;
  double m_threshold = 0.5;
  std::optional<TemplatedText> m_question;
  std::optional<TemplatedText> m_expected;
  std::optional<TemplatedText> m_context;
};

// Is a parsed verdict usable? Returns an empty string when it is, else why not (kept for the error).
using VerdictCheck = std::function<std::string(const Json& verdict)>;

using VerdictDone = std::function<void(Result<Json>)>;

class JudgeCall {
public:
  explicit JudgeCall(const JudgeSetup& setup) : m_setup(setup) {}

  // Renders `step` with `values`, asks the judge, parses; re-asks once if unparseable or `check`
  // rejects the verdict. An error message is ready for Score.error.
  Result<Json> ask(const std::string& step, const Json& values, const VerdictCheck& check);
  // ask() without blocking: `done` runs exactly once with the same verdict or error, on the judge
  // transport's I/O thread (or on this thread when no call could be made). This JudgeCall must stay
  // alive until then: callers own it through a shared_ptr that `done` captures. Throws only what
  // the client's complete() throws on the first call, without having called `done`.
  void ask_async(const std::string& step, const Json& values, VerdictCheck check, VerdictDone done);

  // An errored score or a graded one, with cost and details filled in.
  Score errored(const std::string& message);
  Score graded(double value, std::string reason, bool judge_pass = true);
  Json& details() { return m_details; }

private:
  struct Asking;
  // The judge's client and the first message of `step` rendered with `values`.
  Result<std::pair<ModelClient*, CallInput>> first_call(const std::string& step, const Json& values) const;
  // One answer of the judge: the verdict or error to end with, or nothing when it is worth a re-ask
  // (the re-ask's messages are then already appended to `call`).
  std::optional<Result<Json>> take_answer(CallResult result, CallInput& call, std::string& last_reply,
                                          const VerdictCheck& check);
  void send(const std::shared_ptr<Asking>& asking);
  Score finish(Score score);

  const JudgeSetup& m_setup;
  double m_cost = 0;
  bool m_cost_unknown = false;
  int m_calls = 0;
  std::string m_provider_id;
  Json m_details = Json::object();
};

// A judge that asks one step ("verdict", re-asked once when unreadable) and grades the answer.
// evaluate_async() asks without holding a thread and grades where the answer lands; evaluate()
// waits for it. Implementations say what to ask, what a usable verdict is, and how it scores.
class SingleCallJudge : public Evaluator {
public:
  Score evaluate(const EvalInput& input) const final;
  void evaluate_async(const EvalInput& input, ScoreDone done) const final;
  bool calls_model() const final { return true; }
  bool evaluates_async() const final { return true; }

protected:
  explicit SingleCallJudge(JudgeSetup setup) : m_setup(std::move(setup)) {}
  // The step's placeholder values; or the score itself, finished by `call`, when the judge need not
  // be asked (an input that cannot be rendered, a case decided without it).
  virtual std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const = 0;
  // Empty when `verdict` is usable, else why not (VerdictCheck).
  virtual std::string check(const Json& verdict) const = 0;
  virtual Score grade(JudgeCall& call, const Json& verdict) const = 0;

  JudgeSetup m_setup;
};

// The helpers steps share for their placeholder values.
std::string context_block(const std::vector<std::string>& chunks);
std::string numbered_list(const std::vector<std::string>& items);

} // namespace evalgate

namespace evalgate {

// The delimited data blocks every step may use: output, question, expected, context ("(none given)"
// where a case has no such input).
Json data_values(const JudgeInputs& inputs);

// A judge's own text key (rubric, criteria, policy), templated per case. Required when `what` is set.
Result<TemplatedText> read_judge_text(const EvaluatorSpec& spec, std::string_view key, std::string_view what);

// Verdict readers: a string field one of `choices` (case-insensitive, trimmed, upper-cased), a
// number field, a boolean field ("true"/"yes"/"pass" strings accepted).
std::optional<std::string> choice_field(const Json& verdict, const char* key,
                                        const std::vector<std::string>& choices);
std::optional<double> number_field(const Json& verdict, const char* key);
std::optional<bool> bool_field(const Json& verdict, const char* key);
std::string reason_field(const Json& verdict);

} // namespace evalgate
