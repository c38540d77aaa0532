#include "mock/embeddings.hpp"

#include <cmath>
#include <string>

namespace evalgate::mock {

namespace {

// FNV-1a over a salt and the bytes: stable across platforms, unlike std::hash.
std::uint64_t fnv1a(char salt, std::string_view bytes)
{
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](unsigned char byte) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  };
  mix(static_cast<unsigned char>(salt));
  for (const char c : bytes) {
    mix(static_cast<unsigned char>(c));
  }
  // FNV's low bits mix poorly for short inputs; a final avalanche spreads them over buckets.
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

void add_feature(std::vector<double>& vector, char salt, std::string_view feature, double weight)
{
  const std::uint64_t hash = fnv1a(salt, feature);
  const std::size_t bucket = static_cast<std::size_t>(hash % vector.size());
  vector[bucket] += (hash >> 63) != 0 ? -weight : weight;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Lower-cased ASCII letters and digits; other ASCII separates words; UTF-8 bytes are kept.
std::vector<std::string> normalised_words(std::string_view text)
{
  std::vector<std::string> words;
  std::string current;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
      current += c;
    } else if (c >= 'A' && c <= 'Z') {
      current += static_cast<char>(c - 'A' + 'a');
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

std::vector<double> embed_text(std::string_view text, int dims)
{
  std::vector<double> vector(static_cast<std::size_t>(dims < 1 ? 1 : dims), 0.0);
  for (const std::string& word : normalised_words(text)) {
    add_feature(vector, 'w', word, 1.0);
    const std::string padded = " " + word + " ";
    for (std::size_t i = 0; i + 3 <= padded.size(); ++i) {
      add_feature(vector, 't', std::string_view(padded).substr(i, 3), 0.5);
    }
  }
  double norm = 0;
  for (const double x : vector) {
    norm += x * x;
  }
  if (norm == 0) {
    vector[0] = 1.0;
    return vector;
  }
  norm = std::sqrt(norm);
  for (double& x : vector) {
    x /= norm;
  }
  return vector;
}

std::int64_t count_words(std::string_view text)
{
  std::int64_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (is_space(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

} // namespace evalgate::mock
