#include "evaluators/embedding/builtin_embedder.hpp"

#include <cstdint>
#include <string_view>

namespace evalgate {

namespace {

// Relative weights of the three feature families in the final vector. Words dominate; bigrams
// reward shared phrasing; character n-grams make inflections and typos partial matches.
constexpr float k_word_weight = 1.0f;
constexpr float k_bigram_weight = 0.7f;
constexpr float k_char_weight = 1.0f;
constexpr std::size_t k_min_char_gram = 3;
constexpr std::size_t k_max_char_gram = 5;

// FNV-1a over a family tag and the bytes, then the splitmix64 finaliser so the low bits used for
// the index are as well mixed as the high bit used for the sign.
std::uint64_t feature_hash(char family, std::string_view a, std::string_view b = {})
{
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](unsigned char byte) {
    h ^= byte;
    h *= 1099511628211ull;
  };
  mix(static_cast<unsigned char>(family));
  for (char c : a) {
    mix(static_cast<unsigned char>(c));
  }
  if (!b.empty()) {
    mix(' ');
    for (char c : b) {
      mix(static_cast<unsigned char>(c));
    }
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

// Signed hashing: collisions cancel on average instead of piling up, so unrelated texts score near 0.
void add_feature(EmbeddingMatrix& family, Eigen::Index row, std::uint64_t hash)
{
  const auto column = static_cast<Eigen::Index>(hash % static_cast<std::uint64_t>(family.cols()));
  family(row, column) += (hash >> 63) != 0 ? -1.0f : 1.0f;
}

bool is_word_byte(unsigned char c)
{
  // Bytes >= 0x80 belong to UTF-8 sequences: non-ASCII letters stay inside words.
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::vector<std::string> words_of(const std::string& text)
{
  std::vector<std::string> words;
  std::string current;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_word_byte(c)) {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) {
    words.push_back(std::move(current));
  }
  return words;
}

} // namespace

EmbeddingMatrix builtin_embed(const std::vector<std::string>& texts, int dims)
{
  const auto rows = static_cast<Eigen::Index>(texts.size());
  EmbeddingMatrix embedded(rows, dims);
  // One 3 x dims block per text (word unigrams, bigrams, character n-grams), reused, so memory
  // stays at the output matrix however many texts come in.
  EmbeddingMatrix families(3, dims);
  Eigen::RowVector3f weights(k_word_weight, k_bigram_weight, k_char_weight);
  std::string padded;
  for (Eigen::Index row = 0; row < rows; ++row) {
    families.setZero();
    const std::vector<std::string> words = words_of(texts[static_cast<std::size_t>(row)]);
    for (std::size_t i = 0; i < words.size(); ++i) {
      add_feature(families, 0, feature_hash('w', words[i]));
      if (i + 1 < words.size()) {
        add_feature(families, 1, feature_hash('b', words[i], words[i + 1]));
      }
      padded.assign(1, '<').append(words[i]).push_back('>');
      const std::string_view view(padded);
      for (std::size_t n = k_min_char_gram; n <= k_max_char_gram && n <= view.size(); ++n) {
        for (std::size_t start = 0; start + n <= view.size(); ++start) {
          add_feature(families, 2, feature_hash('c', view.substr(start, n)));
        }
      }
    }
    normalize_rows(families);
    embedded.row(row) = weights * families;
  }
  normalize_rows(embedded);
  return embedded;
}

} // namespace evalgate
