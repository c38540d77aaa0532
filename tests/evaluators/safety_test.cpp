#include <doctest/doctest.h>

#include "evaluators/heuristic/pii_scan.hpp"
#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

TEST_CASE("is-refusal finds a listed phrase, ignoring case and typographic apostrophes")
{
  Score s = score_output({{"type", "is-refusal"}}, "I’m sorry, but I CAN'T HELP WITH that.");
  CHECK(s.pass);
  CHECK(s.reason == "refusal: found 'i'm sorry, but'");
  Score answer = score_output({{"type", "is-refusal"}}, "Your refund is on its way.");
  CHECK_FALSE(answer.pass);
  CHECK(answer.reason == "not a refusal: no refusal phrase found in 'Your refund is on its way.'");
  CHECK_FALSE(score_output({{"type", "is-refusal"}}, "").pass);
}

TEST_CASE("not-is-refusal requires an answer")
{
  CHECK(score_output({{"type", "not-is-refusal"}}, "Here you go.").pass);
  CHECK_FALSE(score_output({{"type", "not-is-refusal"}}, "As an AI language model, I cannot.").pass);
}

TEST_CASE("is-refusal adds user phrases and checks them")
{
  CHECK(score_output({{"type", "is-refusal"}, {"phrases", {"Nope, Not Doing That"}}}, "nope, not doing that!")
            .pass);
  CHECK(build_error({{"type", "is-refusal"}, {"phrases", "no"}}) ==
        "evalgate.yaml:7:5: evaluator 'is-refusal' key 'phrases' must be a list of strings, got string");
  CHECK(build_error({{"type", "is-refusal"}, {"phrases", {""}}}) ==
        "evalgate.yaml:7:5: evaluator 'is-refusal' key 'phrases' must hold non-empty strings, got \"\"");
}

TEST_CASE("Luhn and IBAN mod-97 checks")
{
  CHECK(luhn_valid("4111111111111111"));
  CHECK_FALSE(luhn_valid("4111111111111112"));
  CHECK(iban_valid("DE89370400440532013000"));
  CHECK(iban_valid("GB82WEST12345698765432"));
  CHECK_FALSE(iban_valid("DE89370400440532013001"));
}

TEST_CASE("no-pii reports each kind found, masked")
{
  Score s =
      score_output({{"type", "no-pii"}},
                   "Mail jane.doe@example.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, "
                   "call +1 (555) 010-9999.");
  CHECK_FALSE(s.pass);
  CHECK(s.reason == "PII found: email j***@example.com, card ****1111, iban DE89****3000, phone ***9999");
}

TEST_CASE("no-pii passes clean text and numbers that fail the checks")
{
  Score s =
      score_output({{"type", "no-pii"}},
                   "Order 4111 1111 1111 1112 ships on 2024-01-15; total 1234567890 units; a@b is no email.");
  CHECK(s.pass);
  CHECK(s.reason == "no PII found");
  CHECK(score_output({{"type", "no-pii"}}, "").pass);
  CHECK(score_output({{"type", "no-pii"}}, "Grüße aus München — 東京").pass);
}

TEST_CASE("no-pii phone numbers need a + or two separators")
{
  CHECK(score_output({{"type", "no-pii"}}, "555-010-9999").reason == "PII found: phone ***9999");
  CHECK(score_output({{"type", "no-pii"}}, "+44 20 7946 0958").reason == "PII found: phone ***0958");
  CHECK(score_output({{"type", "no-pii"}}, "5550109999").pass);
}

TEST_CASE("no-pii checks only the listed kinds")
{
  const Json config = {{"type", "no-pii"}, {"kinds", {"card"}}};
  CHECK(score_output(config, "jane@example.com").pass);
  CHECK_FALSE(score_output(config, "4111-1111-1111-1111").pass);
  CHECK(build_error({{"type", "no-pii"}, {"kinds", {"ssn"}}}) ==
        "evalgate.yaml:7:5: evaluator 'no-pii' key 'kinds' has \"ssn\"; expected any of: card, email, iban, "
        "phone");
}

TEST_CASE("no-pii lists at most five findings and counts the rest")
{
  std::string text;
  for (int i = 0; i < 8; ++i) {
    text += "user" + std::to_string(i) + "@example.com ";
  }
  CHECK(score_output({{"type", "no-pii"}}, text).reason ==
        "PII found: email u***@example.com, email u***@example.com, email u***@example.com, email "
        "u***@example.com, "
        "email u***@example.com, and 3 more");
}

TEST_CASE("no-pii scans a huge output in one pass")
{
  std::string big(2'000'000, 'x');
  big += " leak@example.org";
  CHECK(score_output({{"type", "no-pii"}}, big).reason == "PII found: email l***@example.org");
}
