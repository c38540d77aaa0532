#include "evaluators/judge/judge_base.hpp"

#include <algorithm>
#include <cctype>
#include <future>

#include <fmt/format.h>

#include "core/template.hpp"
#include "evaluators/judge/verdict_parser.hpp"
#include "evaluators/score.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

namespace {

constexpr std::size_t k_reply_excerpt = 200;
constexpr const char* k_retry_note =
    "Your previous reply could not be read as the JSON object the instructions ask for. Reply again with "
    "only that JSON object, no other text.";

// Fields a case commonly names its question with, in order of preference.
const std::vector<std::string> k_question_fields = {"question", "input", "query"};

Result<std::optional<TemplatedText>> optional_text(const SpecReader& reader, std::string_view key)
{
  const Json* value = reader.find(key);
  if (value == nullptr) {
    return std::optional<TemplatedText>();
  }
  auto text = reader.string_of(key, *value);
  if (!text) {
    return fail(text.error());
  }
  auto made = TemplatedText::make(reader, key, std::string(key), *text);
  if (!made) {
    return fail(made.error());
  }
  return std::optional<TemplatedText>(std::move(*made));
}

std::vector<std::string> chunks_of(const Json& value)
{
  std::vector<std::string> chunks;
  if (value.is_string()) {
    if (!value.get<std::string>().empty()) {
      chunks.push_back(value.get<std::string>());
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      chunks.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    }
  } else if (!value.is_null()) {
    chunks.push_back(value.dump());
  }
  return chunks;
}

// `{{docs}}` alone keeps an array variable as chunks; anything else renders to one text.
Result<std::vector<std::string>> render_chunks(const TemplatedText& text, const Json& vars)
{
  auto names = template_variables(text.text());
  if (names && names->size() == 1 && text.text().find("{{") == 0 &&
      text.text().rfind("}}") == text.text().size() - 2) {
    if (const Json* value = lookup_variable(vars, (*names)[0]); value != nullptr && value->is_array()) {
      return chunks_of(*value);
    }
  }
  auto rendered = text.render(vars);
  if (!rendered) {
    return fail(rendered.error());
  }
  return chunks_of(Json(*rendered));
}

} // namespace

Result<JudgeSetup> JudgeSetup::make(const EvaluatorSpec& spec, const EvaluatorContext& context,
                                    const std::string& judge,
                                    std::initializer_list<std::string_view> extra_keys,
                                    const std::vector<JudgeStepDef>& steps, double default_threshold)
{
  SpecReader reader(spec);
  std::vector<std::string_view> keys = {"provider", "template", "question", "expected", "context"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  static const Json k_empty = Json::object();
  const Json& config = spec.config.is_object() ? spec.config : k_empty;
  for (const auto& item : config.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end() && item.key() != "type" &&
        item.key() != "name" && item.key() != "threshold") {
      std::vector<std::string_view> allowed = keys;
      allowed.insert(allowed.end(), {"name", "threshold", "type"});
      std::sort(allowed.begin(), allowed.end());
      return reader.error(fmt::format("unknown key '{}' in evaluator '{}'; expected one of: {}", item.key(),
                                      reader.type(), fmt::join(allowed, ", ")));
    }
  }
  JudgeSetup setup;
  setup.m_type = reader.type();
  auto threshold = reader.threshold(default_threshold);
  if (!threshold) {
    return fail(threshold.error());
  }
  setup.m_threshold = *threshold;

  if (const Json* provider = reader.find("provider")) {
    auto id = reader.string_of("provider", *provider);
    if (!id) {
      return fail(id.error());
    }
    if (std::find(context.judge_ids.begin(), context.judge_ids.end(), *id) == context.judge_ids.end()) {
      return reader.key_error(
          "provider", fmt::format("names '{}', which is not a judge; declare it under 'judges:'", *id));
    }
    setup.m_judge_id = *id;
  } else if (!context.judge_ids.empty()) {
    setup.m_judge_id = context.judge_ids.front();
  } else {
    return reader.error(fmt::format("evaluator '{}' needs a judge: add a 'judges:' block to the suite "
                                    "(its first judge is the default) or set 'provider:' to a judge id",
                                    reader.type()));
  }
  setup.m_client = context.client;

  // Custom templates: `template: file.txt` replaces the last step, `template: {step: file}` any.
  std::map<std::string, std::string> custom;
  if (const Json* written = reader.find("template")) {
    if (written->is_string()) {
      custom[steps.back().step] = written->get<std::string>();
    } else if (written->is_object()) {
      for (const auto& item : written->items()) {
        auto known = std::find_if(steps.begin(), steps.end(),
                                  [&](const JudgeStepDef& s) { return s.step == item.key(); });
        if (known == steps.end() || !item.value().is_string()) {
          std::vector<std::string> names;
          for (const auto& s : steps) {
            names.push_back(s.step);
          }
          return reader.key_error("template",
                                  fmt::format("must map step names ({}) to template files; got '{}'",
                                              fmt::join(names, ", "), item.key()));
        }
        custom[item.key()] = item.value().get<std::string>();
      }
    } else {
      return reader.wrong_type("template", "a file path or a mapping of step to file path", *written);
    }
  }
  std::string fingerprint;
  const std::string& judge_name = judge;
  for (const auto& def : steps) {
    auto found = custom.find(def.step);
    auto made =
        found == custom.end()
            ? JudgeTemplate::builtin(reader, judge_name + "/" + def.step, def.placeholders)
            : JudgeTemplate::from_file(reader, found->second, context.base_dir, def.placeholders, true);
    if (!made) {
      return fail(made.error());
    }
    fingerprint += made->name() + '\n' + made->text() + '\n';
    setup.m_step_order.push_back(def.step);
    setup.m_templates.emplace(def.step, std::move(*made));
  }
  setup.m_template_hash = fnv1a_hex(fingerprint);

  for (auto [key, slot] : {std::pair{"question", &setup.m_question}, std::pair{"expected", &setup.m_expected},
                           std::pair{"context", &setup.m_context}}) {
    auto text = optional_text(reader, key);
    if (!text) {
      return fail(text.error());
    }
    *slot = std::move(*text);
  }
  return setup;
}

Json JudgeSetup::template_names() const
{
  Json names = Json::object();
  for (const auto& step : m_step_order) {
    names[step] = m_templates.at(step).name();
  }
  return names;
}

Result<JudgeInputs> JudgeSetup::inputs(const EvalInput& input, bool need_question, bool need_expected,
                                       bool need_context) const
{
  const Json& vars = input.test_case.vars;
  JudgeInputs inputs;
  inputs.output = input.trial.output;
  if (m_question) {
    auto text = m_question->render(vars);
    if (!text) {
      return fail(text.error());
    }
    inputs.question = *text;
  } else {
    for (const auto& field : k_question_fields) {
      if (const Json* value = lookup_variable(vars, field); value != nullptr && !value->is_null()) {
        inputs.question = value->is_string() ? value->get<std::string>() : value->dump();
        break;
      }
    }
  }
  if (m_expected) {
    auto text = m_expected->render(vars);
    if (!text) {
      return fail(text.error());
    }
    inputs.expected = *text;
  } else if (input.test_case.expected) {
    inputs.expected = input.test_case.expected;
  }
  if (m_context) {
    auto chunks = render_chunks(*m_context, vars);
    if (!chunks) {
      return fail(chunks.error());
    }
    inputs.context = std::move(*chunks);
  } else {
    inputs.context = chunks_of(input.test_case.context);
  }
  if (need_question && !inputs.question) {
    return fail(ErrorCategory::data,
                fmt::format("{} needs the question: give cases a 'question' (or 'input', "
                            "'query') field, or set 'question:'",
                            m_type));
  }
  if (need_expected && !inputs.expected) {
    return fail(
        ErrorCategory::data,
        fmt::format("{} needs the expected answer: give cases an 'expected' field, or set 'expected:'",
                    m_type));
  }
  if (need_context && inputs.context.empty()) {
    return fail(ErrorCategory::data,
                fmt::format("{} needs the retrieved context: give cases a 'context' field, or set 'context:'",
                            m_type));
  }
  return inputs;
}

std::optional<Result<Json>> JudgeCall::take_answer(CallResult result, CallInput& call,
                                                   std::string& last_reply, const VerdictCheck& check)
{
  ++m_calls;
  if (result.cost_usd) {
    m_cost += *result.cost_usd;
  } else {
    m_cost_unknown = true;
  }
  if (!result.provider_id.empty()) {
    m_provider_id = result.provider_id;
  }
  if (result.failure != FailureKind::none) {
    return Result<Json>(
        fail(ErrorCategory::provider,
             fmt::format("judge call failed ({}): {}", failure_kind_name(result.failure), result.error)));
  }
  if (auto verdict = parse_verdict(result.text)) {
    std::string problem = check ? check(*verdict) : std::string();
    if (problem.empty()) {
      if (!result.raw.is_null()) {
        (*verdict)["_raw"] = std::move(result.raw);
      }
      return Result<Json>(std::move(*verdict));
    }
    m_details["retried_because"] = problem;
  }
  last_reply = std::move(result.text);
  if (call.messages.size() > 1) {
    // The re-ask was answered no better: give up with what the judge said.
    return Result<Json>(
        fail(ErrorCategory::data, "judge verdict unparseable: " + last_reply.substr(0, k_reply_excerpt)));
  }
  call.messages.push_back(Message{"assistant", last_reply});
  call.messages.push_back(Message{"user", k_retry_note});
  return std::nullopt;
}

Result<std::pair<ModelClient*, CallInput>> JudgeCall::first_call(const std::string& step,
                                                                 const Json& values) const
{
  ModelClient* client = m_setup.client();
  if (client == nullptr) {
    return fail(ErrorCategory::internal, "judge '" + m_setup.judge_id() + "' has no client in this run");
  }
  auto prompt = m_setup.step(step).render(values);
  if (!prompt) {
    return fail(prompt.error());
  }
  CallInput call;
  call.messages.push_back(Message{"user", std::move(*prompt)});
  return std::pair<ModelClient*, CallInput>{client, std::move(call)};
}

Result<Json> JudgeCall::ask(const std::string& step, const Json& values, const VerdictCheck& check)
{
  auto first = first_call(step, values);
  if (!first) {
    return fail(first.error());
  }
  auto& [client, call] = *first;
  std::string last_reply;
  for (;;) {
    std::promise<CallResult> answered;
    auto answer = answered.get_future();
    client->complete(call, [&answered](CallResult result) { answered.set_value(std::move(result)); });
    if (auto ended = take_answer(answer.get(), call, last_reply, check)) {
      return std::move(*ended);
    }
  }
}

struct JudgeCall::Asking {
  ModelClient* client;
  CallInput call;
  std::string last_reply;
  VerdictCheck check;
  VerdictDone done;
};

void JudgeCall::ask_async(const std::string& step, const Json& values, VerdictCheck check, VerdictDone done)
{
  auto first = first_call(step, values);
  if (!first) {
    done(fail(first.error()));
    return;
  }
  send(std::make_shared<Asking>(
      Asking{first->first, std::move(first->second), {}, std::move(check), std::move(done)}));
}

void JudgeCall::send(const std::shared_ptr<Asking>& asking)
{
  asking->client->complete(asking->call, [this, asking](CallResult result) {
    std::optional<Result<Json>> ended;
    try {
      ended = take_answer(std::move(result), asking->call, asking->last_reply, asking->check);
      if (!ended) {
        send(asking); // the re-ask, from the I/O thread: complete() only queues it
        return;
      }
    } catch (const std::exception& e) {
      // Nothing may escape onto the I/O thread; the sync path would have reported it the same way.
      ended = Result<Json>(fail(ErrorCategory::internal, std::string("evaluator failed: ") + e.what()));
    }
    asking->done(std::move(*ended));
  });
}

Score SingleCallJudge::evaluate(const EvalInput& input) const
{
  std::promise<Score> scored;
  auto score = scored.get_future();
  evaluate_async(input, [&scored](Score s) { scored.set_value(std::move(s)); });
  return score.get();
}

void SingleCallJudge::evaluate_async(const EvalInput& input, ScoreDone done) const
{
  auto call = std::make_shared<JudgeCall>(m_setup);
  auto asked = question(input, *call);
  if (auto* decided = std::get_if<Score>(&asked)) {
    done(std::move(*decided));
    return;
  }
  call->ask_async(
      "verdict", std::get<Json>(asked), [this](const Json& verdict) { return check(verdict); },
      [this, call, done = std::move(done)](Result<Json> verdict) {
        done(verdict ? grade(*call, *verdict) : call->errored(verdict.error().message));
      });
}

Score JudgeCall::finish(Score score)
{
  score.cost_usd = m_cost;
  m_details["judge"] = m_setup.judge_id();
  if (!m_provider_id.empty() && m_provider_id != m_setup.judge_id()) {
    m_details["judge_provider"] = m_provider_id;
  }
  m_details["templates"] = m_setup.template_names();
  m_details["template_hash"] = m_setup.template_hash();
  m_details["judge_calls"] = m_calls;
  if (m_cost_unknown) {
    m_details["cost_unknown"] = true;
  }
  score.details = m_details;
  return score;
}

Score JudgeCall::errored(const std::string& message)
{
  return finish(errored_score(m_setup.threshold(), message));
}

Score JudgeCall::graded(double value, std::string reason, bool judge_pass)
{
  Score score = graded_score(value, m_setup.threshold(), std::move(reason));
  score.pass = score.pass && judge_pass;
  return finish(std::move(score));
}

std::string context_block(const std::vector<std::string>& chunks)
{
  std::string text;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    text += data_block(fmt::format("CONTEXT {}", i + 1), chunks[i]);
    if (i + 1 < chunks.size()) {
      text += '\n';
    }
  }
  return text;
}

std::string numbered_list(const std::vector<std::string>& items)
{
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += fmt::format("{}. {}\n", i + 1, items[i]);
  }
  return text;
}

} // namespace evalgate

namespace evalgate {

namespace {

constexpr const char* k_none = "(none given)";

std::string upper_trimmed(std::string text)
{
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.pop_back();
  }
  std::size_t start = 0;
  while (start < text.size() &&
         (std::isspace(static_cast<unsigned char>(text[start])) != 0 || text[start] == '(')) {
    ++start;
  }
  text.erase(0, start);
  for (auto& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

} // namespace

Json data_values(const JudgeInputs& inputs)
{
  Json values = Json::object();
  values["output"] = data_block("OUTPUT", inputs.output);
  values["question"] = inputs.question ? data_block("QUESTION", *inputs.question) : k_none;
  values["expected"] = inputs.expected ? data_block("EXPECTED", *inputs.expected) : k_none;
  values["context"] = inputs.context.empty() ? std::string(k_none) : context_block(inputs.context);
  return values;
}

Result<TemplatedText> read_judge_text(const EvaluatorSpec& spec, std::string_view key, std::string_view what)
{
  SpecReader reader(spec);
  auto value = reader.require(key, what);
  if (!value) {
    return fail(value.error());
  }
  auto text = reader.string_of(key, **value);
  if (!text) {
    return fail(text.error());
  }
  if (text->empty()) {
    return reader.key_error(key, "must not be empty");
  }
  return TemplatedText::make(reader, key, std::string(key), *text);
}

std::optional<std::string> choice_field(const Json& verdict, const char* key,
                                        const std::vector<std::string>& choices)
{
  auto it = verdict.find(key);
  if (it == verdict.end() || !it->is_string()) {
    return std::nullopt;
  }
  std::string value = upper_trimmed(it->get<std::string>());
  for (const auto& choice : choices) {
    // "A", "(A)", "A) subset ..." all read as A; "TIE" as TIE.
    if (value == choice || (value.size() > choice.size() && value.compare(0, choice.size(), choice) == 0 &&
                            std::isalnum(static_cast<unsigned char>(value[choice.size()])) == 0)) {
      return choice;
    }
  }
  return std::nullopt;
}

std::optional<double> number_field(const Json& verdict, const char* key)
{
  auto it = verdict.find(key);
  if (it == verdict.end()) {
    return std::nullopt;
  }
  if (it->is_number()) {
    return it->get<double>();
  }
  if (it->is_string()) {
    try {
      std::size_t used = 0;
      double value = std::stod(it->get<std::string>(), &used);
      return used > 0 ? std::optional<double>(value) : std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<bool> bool_field(const Json& verdict, const char* key)
{
  auto it = verdict.find(key);
  if (it == verdict.end()) {
    return std::nullopt;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  if (it->is_number()) {
    return it->get<double>() != 0;
  }
  if (it->is_string()) {
    std::string value = upper_trimmed(it->get<std::string>());
    if (value == "TRUE" || value == "YES" || value == "PASS" || value == "Y" || value == "1") {
      return true;
    }
    if (value == "FALSE" || value == "NO" || value == "FAIL" || value == "N" || value == "0") {
      return false;
    }
  }
  return std::nullopt;
}

std::string reason_field(const Json& verdict)
{
  for (const char* key : {"reason", "reasoning", "explanation"}) {
    if (auto it = verdict.find(key); it != verdict.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return "";
}

} // namespace evalgate
