// max-tokens: the trial's token usage (`of`: completion (default), prompt or total) is at most
// `value`. A trial whose provider reported no usage at all is an errored score, not a pass.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

enum class TokenKind { completion, prompt, total };

class MaxTokens final : public Evaluator {
public:
  MaxTokens(long limit, TokenKind kind, std::string kind_name, double threshold)
      : m_limit(limit), m_kind(kind), m_kind_name(std::move(kind_name)), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    const Usage& usage = input.trial.usage;
    if (usage.prompt_tokens == 0 && usage.completion_tokens == 0 && usage.total_tokens == 0) {
      return errored_score(m_threshold, "the provider reported no token usage, so the " +
                                            std::to_string(m_limit) + " " + m_kind_name +
                                            " token bound cannot be checked");
    }
    std::int64_t used = usage.completion_tokens;
    if (m_kind == TokenKind::prompt) {
      used = usage.prompt_tokens;
    } else if (m_kind == TokenKind::total) {
      used = usage.total_tokens != 0 ? usage.total_tokens : usage.prompt_tokens + usage.completion_tokens;
    }
    const std::string shown = std::to_string(used) + " " + m_kind_name + " tokens";
    if (used <= m_limit) {
      return binary_score(true, m_threshold, shown + " <= " + std::to_string(m_limit));
    }
    return binary_score(false, m_threshold, shown + " > " + std::to_string(m_limit));
  }

private:
  long m_limit;
  TokenKind m_kind;
  std::string m_kind_name;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_max_tokens(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"of", "value"}); !ok) {
    return fail(ok.error());
  }
  auto value = reader.require("value", "the maximum number of tokens");
  if (!value) {
    return fail(value.error());
  }
  auto limit = reader.whole_number_of("value", **value);
  if (!limit) {
    return fail(limit.error());
  }
  TokenKind kind = TokenKind::completion;
  std::string kind_name = "completion";
  if (const Json* of = reader.find("of")) {
    auto text = reader.string_of("of", *of);
    if (!text) {
      return fail(text.error());
    }
    kind_name = *text;
    if (*text == "prompt") {
      kind = TokenKind::prompt;
    } else if (*text == "total") {
      kind = TokenKind::total;
    } else if (*text != "completion") {
      return reader.key_error("of", "must be one of completion, prompt, total; got '" + *text + "'");
    }
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<MaxTokens>(*limit, kind, std::move(kind_name), *threshold));
}

} // namespace evalgate
