#include <doctest/doctest.h>

#include "core/template.hpp"

using evalgate::Json;
using evalgate::render_template;
using evalgate::template_variables;

TEST_CASE("placeholders are replaced by string vars as they are")
{
  Json vars = {{"question", "Where is my order?"}, {"name", "Ada"}};
  CHECK(render_template("Hi {{name}}: {{ question }}", vars).value() == "Hi Ada: Where is my order?");
}

TEST_CASE("non-string vars render as compact JSON and null as empty")
{
  Json vars = {{"n", 3}, {"ok", true}, {"list", {"a", "b"}}, {"nothing", nullptr}};
  CHECK(render_template("{{n}} {{ok}} {{list}} [{{nothing}}]", vars).value() == "3 true [\"a\",\"b\"] []");
}

TEST_CASE("dotted names reach into objects and a literal dotted key wins")
{
  Json vars = {{"user", {{"name", "Ada"}}}, {"a.b", "literal"}};
  CHECK(render_template("{{user.name}} {{a.b}}", vars).value() == "Ada literal");
}

TEST_CASE("a missing variable is an error naming it")
{
  auto r = render_template("Answer {{question}}", Json::object());
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "missing variable 'question'");
  CHECK(r.error().category == evalgate::ErrorCategory::data);
}

TEST_CASE("unbalanced braces are an error with the offset")
{
  auto r = render_template("Hello {{name", Json{{"name", "x"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "unbalanced '{{' at offset 7: no closing '}}'");
  CHECK_FALSE(render_template("{{}}", Json::object()));
}

TEST_CASE("text without placeholders is returned unchanged, single braces included")
{
  CHECK(render_template("{\"a\": 1} }}", Json::object()).value() == "{\"a\": 1} }}");
}

TEST_CASE("template variables are listed once in order")
{
  auto r = template_variables("{{b}} {{a}} {{ b }}");
  REQUIRE(r);
  CHECK(r.value() == std::vector<std::string>{"b", "a"});
}
