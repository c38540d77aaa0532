// no-pii: the output contains no personal data of the checked `kinds` (email, phone, card, iban;
// default all). Detection rules in pii_scan.hpp; the reason lists what was found, masked.
#include <algorithm>
#include <set>

#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/pii_scan.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

const std::set<std::string> k_kinds = {"card", "email", "iban", "phone"};

class NoPii final : public Evaluator {
public:
  NoPii(std::set<std::string> kinds, double threshold) : m_kinds(std::move(kinds)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    std::string listed;
    std::size_t count = 0;
    for (const auto& finding : scan_pii(input.trial.output)) {
      if (m_kinds.count(finding.kind) == 0) {
        continue;
      }
      ++count;
      // Enough to act on; a leak of thousands of addresses needs no full list in a reason.
      if (count <= 5) {
        listed += (listed.empty() ? "" : ", ") + finding.kind + " " + finding.masked;
      }
    }
    if (count == 0) {
      return binary_score(true, m_threshold, "no PII found");
    }
    if (count > 5) {
      listed += ", and " + std::to_string(count - 5) + " more";
    }
    return binary_score(false, m_threshold, "PII found: " + listed);
  }

private:
  std::set<std::string> m_kinds;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_no_pii(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"kinds"}); !ok) {
    return fail(ok.error());
  }
  std::set<std::string> kinds = k_kinds;
  if (const Json* written = reader.find("kinds")) {
    if (!written->is_array() || written->empty()) {
      return reader.key_error("kinds", "must be a non-empty list of: card, email, iban, phone");
    }
    kinds.clear();
    for (const auto& item : *written) {
      if (!item.is_string() || k_kinds.count(item.get<std::string>()) == 0) {
        return reader.key_error("kinds",
                                "has " + item.dump() + "; expected any of: card, email, iban, phone");
      }
      kinds.insert(item.get<std::string>());
    }
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<NoPii>(std::move(kinds), *threshold));
}

} // namespace evalgate
