#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "mock/answers.hpp"
#include "mock_test_support.hpp"

using namespace evalgate;
using evalgate::mock::AnswerBook;
using evalgate::test::fixture;

namespace {

std::string reply_of(const AnswerBook& book, const std::string& model, const std::string& text)
{
  const std::string* reply = book.match(model, text);
  return reply == nullptr ? "<none>" : *reply;
}

} // namespace

TEST_CASE("answers from a JSONL file match per model by substring or pattern, first match winning")
{
  auto book = AnswerBook::load(fixture("answers.jsonl"));
  REQUIRE_MESSAGE(book.has_value(), (book ? "" : book.error().str()));
  CHECK(book->size() == 5);
  CHECK(reply_of(*book, "support-v1", "I want a refund now") == "Refunds take 5 days.");
  CHECK(reply_of(*book, "other-model", "I want a refund now") == "Any model: refunds are possible.");
  CHECK(reply_of(*book, "support-v1", "hello there") == "Hello from support.");
  CHECK(reply_of(*book, "support-v1", "well, hello") == "<none>");
  CHECK(reply_of(*book, "other-model", "hello there") == "<none>");
  CHECK(reply_of(*book, "other-model", "where is order #1234?") == "Your order is on its way.");
  CHECK(reply_of(*book, "catch-all", "anything at all") == "I answer everything.");
}

TEST_CASE("answers from a JSON array keep their order")
{
  auto book = AnswerBook::load(fixture("answers.json"));
  REQUIRE(book.has_value());
  CHECK(reply_of(*book, "m", "What is the capital of France?") == "Paris");
  CHECK(reply_of(*book, "m", "What is the capital of Peru?") == "Some capital");
  CHECK(reply_of(*book, "m", "What is the weather?") == "<none>");
}

TEST_CASE("an answers rule without a reply is reported with its file and line")
{
  const std::string path = fixture("missing_reply.jsonl");
  auto book = AnswerBook::load(path);
  REQUIRE_FALSE(book.has_value());
  CHECK(book.error().category == ErrorCategory::data);
  CHECK(book.error().str() == path + ":3: rule needs 'reply' (a string)");
}

TEST_CASE("an invalid pattern in a JSON array is reported at the line of its element")
{
  const std::string path = fixture("bad_pattern.json");
  auto book = AnswerBook::load(path);
  REQUIRE_FALSE(book.has_value());
  CHECK(book.error().location.line == 3);
  CHECK(book.error().str().rfind(path + ":3: invalid 'pattern' \"(unclosed\": ", 0) == 0);
}

TEST_CASE("answers rules with unknown keys, wrong types or two matchers are refused")
{
  auto unknown = AnswerBook::parse("{\"reply\": \"a\", \"contans\": \"x\"}\n", "answers.jsonl");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().str() ==
        "answers.jsonl:1: unknown key 'contans' (expected model, contains, pattern, reply or comment)");

  auto both = AnswerBook::parse("\n{\"reply\": \"a\", \"contains\": \"x\", \"pattern\": \"y\"}", "answers.jsonl");
  REQUIRE_FALSE(both.has_value());
  CHECK(both.error().str() == "answers.jsonl:2: rule has both 'contains' and 'pattern'; use one");

  auto model = AnswerBook::parse("[{\"reply\": \"a\", \"model\": 4}]", "answers.json");
  REQUIRE_FALSE(model.has_value());
  CHECK(model.error().str() == "answers.json:1: 'model' must be a string");

  auto not_object = AnswerBook::parse("[\n  {\"reply\": \"a\"},\n  \"just text\"\n]", "answers.json");
  REQUIRE_FALSE(not_object.has_value());
  CHECK(not_object.error().str() ==
        "answers.json:3: rule must be a JSON object with 'reply' and optionally 'model', 'contains' or 'pattern'");
}

TEST_CASE("invalid JSON in an answers file is reported with line and column")
{
  auto jsonl = AnswerBook::parse("{\"reply\": \"a\"}\n{oops}\n", "answers.jsonl");
  REQUIRE_FALSE(jsonl.has_value());
  CHECK(jsonl.error().location.line == 2);
  CHECK(jsonl.error().str().rfind("answers.jsonl:2:2: invalid JSON: ", 0) == 0);

  auto array = AnswerBook::parse("[\n  {\"reply\": \"a\"},\n  {\"reply\": }\n]", "answers.json");
  REQUIRE_FALSE(array.has_value());
  CHECK(array.error().str().rfind("answers.json:3:13: invalid JSON: ", 0) == 0);
}

TEST_CASE("a missing answers file is named in the error")
{
  auto book = AnswerBook::load("/nonexistent/answers.jsonl");
  REQUIRE_FALSE(book.has_value());
  CHECK(book.error().str() == "/nonexistent/answers.jsonl: cannot read answers file: No such file or directory");
}

TEST_CASE("an empty answers file has no rules and matches nothing")
{
  auto book = AnswerBook::parse("  \n\n", "answers.jsonl");
  REQUIRE(book.has_value());
  CHECK(book->size() == 0);
  CHECK(book->match("m", "hi") == nullptr);
}

TEST_CASE("matching stays fast with a few thousand rules")
{
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += "{\"contains\": \"[needle-" + std::to_string(i) + "]\", \"reply\": \"r" + std::to_string(i) + "\"}\n";
  }
  auto book = AnswerBook::parse(text, "many.jsonl");
  REQUIRE(book.has_value());
  const std::string text_with_last = "a haystack with [needle-2999] in it";
  int found = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    found += book->match("m", text_with_last) != nullptr ? 1 : 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(found == 200);
  CHECK(reply_of(*book, "m", text_with_last) == "r2999");
  // ~600k substring checks take a few ms; the bound only catches a pathological slowdown, even
  // under sanitizers.
  CHECK(elapsed < std::chrono::milliseconds(2000));
}

TEST_CASE("a large answers file answers exactly as a rule-by-rule scan: first matching rule, models and "
          "patterns kept")
{
  // 400 per-case rules (two models, overlapping needles: "q1," is inside "q11," and "xq1,"), with
  // an unconditional rule for m1 and a pattern rule in the middle: the indexed lookup must still
  // give the first rule in file order that matches.
  std::string text;
  for (int i = 0; i < 400; ++i) {
    const std::string model = i % 2 == 0 ? "m1" : "m2";
    if (i == 200) {
      text += R"({"model": "m1", "reply": "catch-all m1"})"
              "\n";
    }
    if (i == 100) {
      text += R"({"pattern": "q3[0-9],", "reply": "pattern q3x"})"
              "\n";
    }
    text += "{\"model\": \"" + model + "\", \"contains\": \"q" + std::to_string(i % 200) +
            ",\", \"reply\": \"r" + std::to_string(i) + "\"}\n";
  }
  auto book = AnswerBook::parse(text, "many.jsonl");
  REQUIRE(book.has_value());
  // The reference: every rule in order, as the answers file documents.
  auto scan = [&](const std::string& model, const std::string& user) -> std::string {
    for (int i = 0; i < 400; ++i) {
      if (i == 200 && model == "m1") {
        return "catch-all m1";
      }
      if (i == 100 && (user.find("q3") != std::string::npos)) {
        for (int d = 0; d <= 9; ++d) {
          if (user.find("q3" + std::to_string(d) + ",") != std::string::npos) {
            return "pattern q3x";
          }
        }
      }
      const std::string rule_model = i % 2 == 0 ? "m1" : "m2";
      if (rule_model == model && user.find("q" + std::to_string(i % 200) + ",") != std::string::npos) {
        return "r" + std::to_string(i);
      }
    }
    return "<none>";
  };
  for (const std::string model : {"m1", "m2", "m3"}) {
    for (int q = 0; q < 210; q += 1) {
      const std::string user = "question q" + std::to_string(q) + ", and xq1, too";
      CAPTURE(model);
      CAPTURE(user);
      CHECK(reply_of(*book, model, user) == scan(model, user));
    }
    CHECK(reply_of(*book, model, "nothing here") == scan(model, "nothing here"));
  }
}
