#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "mock/embeddings.hpp"

using evalgate::mock::count_words;
using evalgate::mock::embed_text;

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b)
{
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += a[i] * b[i];
  }
  return sum;
}

} // namespace

TEST_CASE("embeddings are deterministic unit vectors of the requested size")
{
  const auto a = embed_text("The cat sat on the mat.", 64);
  const auto b = embed_text("The cat sat on the mat.", 64);
  REQUIRE(a.size() == 64);
  CHECK(a == b);
  CHECK(std::abs(dot(a, a) - 1.0) < 1e-9);
  CHECK(embed_text("x", 7).size() == 7);
}

TEST_CASE("similar texts embed closer than unrelated ones")
{
  const auto base = embed_text("How do I reset my password?", 64);
  const auto similar = embed_text("how can I reset my password", 64);
  const auto unrelated = embed_text("Quarterly revenue grew in Europe", 64);
  CHECK(dot(base, similar) > 0.7);
  CHECK(dot(base, similar) > dot(base, unrelated) + 0.3);
}

TEST_CASE("text without words still embeds to a unit vector")
{
  const auto empty = embed_text("", 16);
  CHECK(std::abs(dot(empty, empty) - 1.0) < 1e-9);
  CHECK(embed_text("  !? ", 16) == empty);
}

TEST_CASE("words are counted by whitespace")
{
  CHECK(count_words("") == 0);
  CHECK(count_words("   ") == 0);
  CHECK(count_words("one") == 1);
  CHECK(count_words("  two\twords\n") == 2);
  CHECK(count_words("a, b. c!") == 3);
}
