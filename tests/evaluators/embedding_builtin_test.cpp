#include <doctest/doctest.h>

#include "evaluators/embedding/builtin_embedder.hpp"

using namespace evalgate;

namespace {

double cosine(const std::string& a, const std::string& b)
{
  EmbeddingMatrix rows = builtin_embed({a, b});
  return paired_cosines(rows.topRows(1), rows.bottomRows(1))(0);
}

} // namespace

TEST_CASE("the built-in embedder gives unit vectors of 512 dimensions")
{
  EmbeddingMatrix rows = builtin_embed({"Refunds take five days.", "x"});
  CHECK(rows.cols() == k_builtin_dims);
  CHECK(rows.rows() == 2);
  CHECK(rows.row(0).norm() == doctest::Approx(1.0));
  CHECK(rows.row(1).norm() == doctest::Approx(1.0));
}

TEST_CASE("the built-in embedder is deterministic, down to the bit")
{
  const std::vector<std::string> texts{"The refund arrives within 5 business days.", "Ünïcode wörds too"};
  EmbeddingMatrix first = builtin_embed(texts);
  EmbeddingMatrix second = builtin_embed(texts);
  CHECK(first == second);
  // Pinned so a change of hash or weights, which would shift every stored score, is noticed.
  CHECK(cosine("The refund arrives within 5 business days.", "Your refund arrives in five business days.") ==
        doctest::Approx(0.6102).epsilon(1e-3));
}

TEST_CASE("identical texts score 1 and case or punctuation changes nothing")
{
  CHECK(cosine("Refunds take five days.", "Refunds take five days.") == doctest::Approx(1.0));
  CHECK(cosine("Refunds take five days.", "refunds, take five days!") == doctest::Approx(1.0));
}

TEST_CASE("unrelated texts score low and overlapping texts in between")
{
  const double unrelated = cosine("The refund arrives within five business days.",
                                  "Photosynthesis converts sunlight into chemical energy.");
  const double related = cosine("The refund arrives within five business days.",
                                "Your refund should arrive in about five days.");
  CHECK(unrelated < 0.2);
  CHECK(related > 0.3);
  CHECK(related > unrelated + 0.2);
  CHECK(related < 1.0);
}

TEST_CASE("the built-in embedder is lexical: synonyms do not match")
{
  CHECK(cosine("car", "automobile") < 0.2);
}

TEST_CASE("an empty text or one without letters or digits is the zero vector")
{
  EmbeddingMatrix rows = builtin_embed({"", "?!  ..."});
  CHECK(rows.isZero());
  CHECK(cosine("", "anything") == 0.0);
}
