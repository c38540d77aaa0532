#include "evaluators/heuristic/text_metrics.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>

#include "evaluators/heuristic/unicode_text.hpp"

namespace evalgate {

namespace {

using Tokens = std::vector<std::u32string>;

std::map<Tokens, long> ngram_counts(const Tokens& tokens, std::size_t n)
{
  std::map<Tokens, long> counts;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    ++counts[Tokens(tokens.begin() + static_cast<long>(i), tokens.begin() + static_cast<long>(i + n))];
  }
  return counts;
}

long overlap(const std::map<Tokens, long>& a, const std::map<Tokens, long>& b)
{
  long common = 0;
  for (const auto& [gram, count] : a) {
    auto it = b.find(gram);
    if (it != b.end()) {
      common += std::min(count, it->second);
    }
  }
  return common;
}

long total(const std::map<Tokens, long>& counts)
{
  long sum = 0;
  for (const auto& entry : counts) {
    sum += entry.second;
  }
  return sum;
}

double f_measure(double precision, double recall)
{
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

bool is_ascii_punctuation(char32_t c)
{
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

bool is_article(std::u32string_view word)
{
  return word == U"a" || word == U"an" || word == U"the";
}

} // namespace

std::size_t edit_distance(std::u32string_view a, std::u32string_view b)
{
  // Two rows of the Wagner–Fischer table: O(len(b)) memory for any input size.
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

double levenshtein_similarity(std::string_view a, std::string_view b)
{
  const std::u32string left = decode_utf8(a);
  const std::u32string right = decode_utf8(b);
  const std::size_t longest = std::max(left.size(), right.size());
  if (longest == 0) {
    return 1.0;
  }
  return 1.0 - static_cast<double>(edit_distance(left, right)) / static_cast<double>(longest);
}

BleuStats bleu_stats(std::string_view hypothesis, std::string_view reference)
{
  const Tokens hyp = split_whitespace(decode_utf8(hypothesis));
  const Tokens ref = split_whitespace(decode_utf8(reference));
  BleuStats stats;
  stats.hypothesis_length = static_cast<long>(hyp.size());
  stats.reference_length = static_cast<long>(ref.size());
  for (std::size_t n = 1; n <= 4; ++n) {
    const auto hyp_counts = ngram_counts(hyp, n);
    stats.matches[n - 1] = overlap(hyp_counts, ngram_counts(ref, n));
    // NLTK's modified_precision uses max(1, count) as the denominator.
    stats.totals[n - 1] = std::max(1L, total(hyp_counts));
  }
  return stats;
}

double bleu_from_stats(const BleuStats& stats, BleuSmoothing smoothing)
{
  // NLTK returns 0 outright when no unigram matches, whatever the smoothing.
  if (stats.matches[0] == 0) {
    return 0.0;
  }
  const double c = static_cast<double>(stats.hypothesis_length);
  const double r = static_cast<double>(stats.reference_length);
  const double brevity = c > r ? 1.0 : (c == 0 ? 0.0 : std::exp(1.0 - r / c));
  double log_sum = 0;
  for (int n = 0; n < 4; ++n) {
    double precision = 0;
    if (stats.matches[n] != 0) {
      precision = static_cast<double>(stats.matches[n]) / static_cast<double>(stats.totals[n]);
    } else if (smoothing == BleuSmoothing::method1) {
      precision = 0.1 / static_cast<double>(stats.totals[n]);
    } else {
      // NLTK method0 substitutes the smallest double so log() stays finite: the score becomes
      // vanishingly small (about 1e-77) rather than exactly 0.
      precision = DBL_MIN;
    }
    log_sum += 0.25 * std::log(precision);
  }
  return brevity * std::exp(log_sum);
}

double sentence_bleu(std::string_view hypothesis, std::string_view reference, BleuSmoothing smoothing)
{
  return bleu_from_stats(bleu_stats(hypothesis, reference), smoothing);
}

std::vector<std::u32string> rouge_tokens(std::string_view text)
{
  Tokens tokens;
  std::u32string current;
  for (char32_t c : decode_utf8(text)) {
    const char32_t lower = c < 0x80 ? to_lower(c) : c;
    const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ||
                      (lower >= 0x80 && is_word_char(lower));
    if (keep) {
      current.push_back(lower);
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) {
    tokens.push_back(std::move(current));
  }
  return tokens;
}

double rouge_n(std::string_view candidate, std::string_view reference, int n)
{
  const auto cand = ngram_counts(rouge_tokens(candidate), static_cast<std::size_t>(n));
  const auto ref = ngram_counts(rouge_tokens(reference), static_cast<std::size_t>(n));
  const double common = static_cast<double>(overlap(cand, ref));
  const double precision = common / static_cast<double>(std::max(1L, total(cand)));
  const double recall = common / static_cast<double>(std::max(1L, total(ref)));
  return f_measure(precision, recall);
}

double rouge_l(std::string_view candidate, std::string_view reference)
{
  const Tokens cand = rouge_tokens(candidate);
  const Tokens ref = rouge_tokens(reference);
  if (cand.empty() || ref.empty()) {
    return 0.0;
  }
  std::vector<std::size_t> previous(ref.size() + 1, 0);
  std::vector<std::size_t> current(ref.size() + 1, 0);
  for (std::size_t i = 1; i <= cand.size(); ++i) {
    for (std::size_t j = 1; j <= ref.size(); ++j) {
      current[j] = cand[i - 1] == ref[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  const double lcs = static_cast<double>(previous[ref.size()]);
  return f_measure(lcs / static_cast<double>(cand.size()), lcs / static_cast<double>(ref.size()));
}

std::string squad_normalize(std::string_view text)
{
  std::u32string stripped;
  for (char32_t c : decode_utf8(text)) {
    const char32_t lower = to_lower(c);
    if (!is_ascii_punctuation(lower)) {
      stripped.push_back(lower);
    }
  }
  // `\b(a|an|the)\b` → " ": an article is a whole run of word characters.
  std::u32string no_articles;
  std::size_t i = 0;
  while (i < stripped.size()) {
    if (!is_word_char(stripped[i])) {
      no_articles.push_back(stripped[i++]);
      continue;
    }
    const std::size_t start = i;
    while (i < stripped.size() && is_word_char(stripped[i])) {
      ++i;
    }
    const std::u32string_view word(stripped.data() + start, i - start);
    if (is_article(word)) {
      no_articles.push_back(U' ');
    } else {
      no_articles.append(word);
    }
  }
  std::u32string joined;
  for (const auto& token : split_whitespace(no_articles)) {
    if (!joined.empty()) {
      joined.push_back(U' ');
    }
    joined += token;
  }
  return encode_utf8(joined);
}

bool squad_exact_match(std::string_view prediction, std::string_view truth)
{
  return squad_normalize(prediction) == squad_normalize(truth);
}

double squad_f1(std::string_view prediction, std::string_view truth)
{
  const Tokens pred = split_whitespace(decode_utf8(squad_normalize(prediction)));
  const Tokens gold = split_whitespace(decode_utf8(squad_normalize(truth)));
  const double common = static_cast<double>(overlap(ngram_counts(pred, 1), ngram_counts(gold, 1)));
  if (common == 0) {
    return 0.0;
  }
  return f_measure(common / static_cast<double>(pred.size()), common / static_cast<double>(gold.size()));
}

} // namespace evalgate
