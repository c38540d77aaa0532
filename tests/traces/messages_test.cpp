#include <doctest/doctest.h>

#include "traces/message_dom.hpp"
#include "traces/messages.hpp"

using namespace evalgate;
using namespace evalgate::traces;

namespace {

void check_same(const std::string& text, bool output)
{
  std::vector<TraceMessage> fast;
  REQUIRE(parse_messages_text(text, output, fast));
  const auto general = parse_messages(Json::parse(text), output);
  REQUIRE(fast.size() == general.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    CHECK(fast[i].role == general[i].role);
    CHECK(fast[i].text == general[i].text);
    CHECK(fast[i].tool_call_id == general[i].tool_call_id);
    REQUIRE(fast[i].tool_calls.size() == general[i].tool_calls.size());
    for (std::size_t k = 0; k < fast[i].tool_calls.size(); ++k) {
      CHECK(fast[i].tool_calls[k].name == general[i].tool_calls[k].name);
      CHECK(fast[i].tool_calls[k].call_id == general[i].tool_calls[k].call_id);
      CHECK(fast[i].tool_calls[k].arguments == general[i].tool_calls[k].arguments);
    }
  }
}

} // namespace

TEST_CASE("the simdjson message fast path reads every shape as the general parser does")
{
  check_same(R"([{"role":"user","parts":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}])",
             false);
  check_same(
      R"([{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":{"x":1}}],)"
      R"("finish_reason":"tool_call"}])",
      true);
  check_same(R"([{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":{"ok":true}}]}])",
             false);
  check_same(R"([{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"q"}]}])",
             false);
  check_same(R"([{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function",)"
             R"("function":{"name":"g","arguments":"{}"}}]}])",
             true);
  check_same(R"({"index":0,"message":{"role":"assistant","content":"hi"}})", true);
  check_same(
      R"([[{"lc":1,"type":"constructor","id":["x","HumanMessage"],"kwargs":{"content":"q","type":"human"}}]])",
      false);
  check_same(R"(["plain"])", true);
  std::vector<TraceMessage> out;
  CHECK_FALSE(parse_messages_text("not json", false, out));
  CHECK_FALSE(parse_messages_text("[1,", false, out));
}
