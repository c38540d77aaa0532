#include "evaluators/judge/g_eval_logprobs.hpp"

#include <cctype>
#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace evalgate {

namespace {

std::string trimmed(const std::string& text)
{
  std::size_t start = 0;
  std::size_t end = text.size();
  while (start < end && std::isspace(static_cast<unsigned char>(text[start])) != 0) {
    ++start;
  }
  while (end > start && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) {
    --end;
  }
  return text.substr(start, end - start);
}

std::optional<int> whole_number(const std::string& token)
{
  const std::string text = trimmed(token);
  if (text.empty() || text.size() > 3) {
    return std::nullopt;
  }
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
  }
  return std::stoi(text);
}

// Index of the token holding the "score" value, else of the last token equal to the raw score.
std::optional<std::size_t> score_token(const Json& content, int raw_score)
{
  const std::string wanted = std::to_string(raw_score);
  std::string joined;
  std::vector<std::size_t> starts;
  for (const auto& entry : content) {
    starts.push_back(joined.size());
    joined += entry.value("token", std::string());
  }
  static const std::regex k_score_field(R"re("score"\s*:\s*"?(\d+))re");
  std::smatch match;
  if (std::regex_search(joined, match, k_score_field) && match[1].str() == wanted) {
    const std::size_t offset = static_cast<std::size_t>(match.position(1));
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : joined.size();
      if (starts[i] <= offset && offset < end) {
        if (trimmed(content[i].value("token", std::string())) == wanted) {
          return i;
        }
        break;
      }
    }
  }
  for (std::size_t i = content.size(); i-- > 0;) {
    if (trimmed(content[i].value("token", std::string())) == wanted) {
      return i;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<double> logprob_weighted_score(const Json& logprobs, int raw_score, int min_score,
                                             int max_score)
{
  if (!logprobs.is_object() || !logprobs.contains("content") || !logprobs["content"].is_array()) {
    return std::nullopt;
  }
  const Json& content = logprobs["content"];
  for (const auto& entry : content) {
    if (!entry.is_object()) {
      return std::nullopt;
    }
  }
  auto index = score_token(content, raw_score);
  if (!index) {
    return std::nullopt;
  }
  const Json& entry = content[*index];
  auto top = entry.find("top_logprobs");
  if (top == entry.end() || !top->is_array() || top->empty()) {
    return std::nullopt;
  }
  const double min_logprob = std::log(0.01);
  std::map<int, double> probability;
  for (const auto& alternative : *top) {
    if (!alternative.is_object() || !alternative.contains("logprob") || !alternative["logprob"].is_number()) {
      continue;
    }
    const double logprob = alternative["logprob"].get<double>();
    auto value = whole_number(alternative.value("token", std::string()));
    if (!value || logprob < min_logprob || *value < min_score || *value > max_score) {
      continue;
    }
    probability[*value] += std::exp(logprob);
  }
  double total = 0;
  double weighted = 0;
  for (const auto& [value, p] : probability) {
    total += p;
    weighted += value * p;
  }
  if (total <= 0) {
    return std::nullopt;
  }
  return weighted / total;
}

} // namespace evalgate
