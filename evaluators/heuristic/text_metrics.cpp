#include "evaluators/heuristic/text_metrics.hpp"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "evaluators/heuristic/unicode_text.hpp"

namespace evalgate {

namespace {

using Tokens = std::vector<std::u32string>;

// Tokens become small integers shared by both sides, and an n-gram (n <= 4) a fixed array of
// them: counting is then a sort of flat keys rather than a map of string vectors.
using Gram = std::array<std::uint32_t, 4>;

struct Interned {
  std::vector<std::uint32_t> left;
  std::vector<std::uint32_t> right;
};

Interned intern(const Tokens& left, const Tokens& right)
{
  std::unordered_map<std::u32string, std::uint32_t> ids;
  Interned out;
  for (const auto* side : {&left, &right}) {
    auto& target = side == &left ? out.left : out.right;
    target.reserve(side->size());
    for (const auto& token : *side) {
      target.push_back(ids.emplace(token, static_cast<std::uint32_t>(ids.size())).first->second);
    }
  }
  return out;
}

// The sorted n-grams of `ids`; equal n-grams are adjacent.
std::vector<Gram> sorted_grams(const std::vector<std::uint32_t>& ids, std::size_t n)
{
  std::vector<Gram> grams;
  if (ids.size() >= n) {
    grams.reserve(ids.size() - n + 1);
  }
  for (std::size_t i = 0; i + n <= ids.size(); ++i) {
    Gram gram{};
    for (std::size_t k = 0; k < n; ++k) {
      gram[k] = ids[i + k];
    }
    grams.push_back(gram);
  }
  std::sort(grams.begin(), grams.end());
  return grams;
}

// Clipped overlap: sum over n-grams of min(count in a, count in b) — a merge of sorted lists.
long overlap(const std::vector<Gram>& a, const std::vector<Gram>& b)
{
  long common = 0;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
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
  const char32_t* right = b.data();
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t* prev = previous.data();
    std::size_t* cur = current.data();
    const char32_t left = a[i - 1];
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t best = prev[j - 1] + (left == right[j - 1] ? 0 : 1);
      const std::size_t del = prev[j] + 1;
      const std::size_t ins = cur[j - 1] + 1;
      best = del < best ? del : best;
      cur[j] = ins < best ? ins : best;
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
  const Interned ids =
      intern(split_whitespace(decode_utf8(hypothesis)), split_whitespace(decode_utf8(reference)));
  BleuStats stats;
  stats.hypothesis_length = static_cast<long>(ids.left.size());
  stats.reference_length = static_cast<long>(ids.right.size());
  for (std::size_t n = 1; n <= 4; ++n) {
    const auto hyp_grams = sorted_grams(ids.left, n);
    stats.matches[n - 1] = overlap(hyp_grams, sorted_grams(ids.right, n));
    // NLTK's modified_precision uses max(1, count) as the denominator.
    stats.totals[n - 1] = std::max(1L, static_cast<long>(hyp_grams.size()));
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
  const Interned ids = intern(rouge_tokens(candidate), rouge_tokens(reference));
  const auto cand = sorted_grams(ids.left, static_cast<std::size_t>(n));
  const auto ref = sorted_grams(ids.right, static_cast<std::size_t>(n));
  const double common = static_cast<double>(overlap(cand, ref));
  const double precision = common / static_cast<double>(std::max<std::size_t>(1, cand.size()));
  const double recall = common / static_cast<double>(std::max<std::size_t>(1, ref.size()));
  return f_measure(precision, recall);
}

double rouge_l(std::string_view candidate, std::string_view reference)
{
  const Interned ids = intern(rouge_tokens(candidate), rouge_tokens(reference));
  const auto& cand = ids.left;
  const auto& ref = ids.right;
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
  const Interned ids = intern(split_whitespace(decode_utf8(squad_normalize(prediction))),
                              split_whitespace(decode_utf8(squad_normalize(truth))));
  const auto& pred = ids.left;
  const auto& gold = ids.right;
  const double common = static_cast<double>(overlap(sorted_grams(pred, 1), sorted_grams(gold, 1)));
  if (common == 0) {
    return 0.0;
  }
  return f_measure(common / static_cast<double>(pred.size()), common / static_cast<double>(gold.size()));
}

} // namespace evalgate
