#include <doctest/doctest.h>

#include <sstream>

#include "report/text_table.hpp"

using namespace evalgate::report_detail;

TEST_CASE("display width counts code points, not bytes")
{
  CHECK(display_width("abc") == 3);
  CHECK(display_width("caf\xc3\xa9") == 4);
  CHECK(display_width("a…") == 2);
  CHECK(display_width("\xff\xfe") == 2);
  CHECK(display_width("\xc3") == 1);
}

TEST_CASE("elide keeps short text and cuts long text to the width with an ellipsis")
{
  CHECK(elide("short", 10) == "short");
  CHECK(elide("exactly10!", 10) == "exactly10!");
  CHECK(elide("much-too-long-name", 8) == "much-to…");
  CHECK(elide("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9…");
  CHECK(elide("abc", 0).empty());
  CHECK(elide("abc", 1) == "…");
}

TEST_CASE("single_line turns control characters into spaces")
{
  CHECK(single_line("a\nb\tc\x1b[0m") == "a b c [0m");
}

TEST_CASE("a text table aligns left and right columns by display width")
{
  TextTable table({{"name", Align::left, 0}, {"n", Align::right, 0}});
  table.add_row({"\xc3\xa9t\xc3\xa9", "5"});
  table.add_row({"x", "120"});
  std::ostringstream out;
  table.write(out, "> ");
  CHECK(out.str() == "> name    n\n"
                     "> \xc3\xa9t\xc3\xa9     5\n"
                     "> x     120\n");
}
