// read_dataset: every format, reserved fields, and malformed input reported at its row or line.

#include <doctest/doctest.h>

#include "suite/dataset_reader.hpp"
#include "suite_test_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

// Writes `content` as `name` in a scratch folder and reads it, displaying `name`.
Result<std::vector<Case>> read_text(const std::string& name, const std::string& content)
{
  ScratchDir dir;
  return read_dataset(dir.write(name, content), name);
}

std::string read_error(const std::string& name, const std::string& content)
{
  return error_text(read_text(name, content));
}

} // namespace

TEST_CASE("JSONL rows become cases with every field in vars")
{
  auto cases = read_text("golden.jsonl",
                         "{\"id\": \"a\", \"question\": \"q1\", \"expected\": \"x\", \"tags\": [\"t1\", \"t2\"], "
                         "\"metadata\": {\"k\": 1}, \"context\": \"ctx\"}\n"
                         "{\"question\": \"q2\", \"expected\": 42, \"context\": [\"c1\", \"c2\"], \"tags\": \"a; b ,c\"}\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  const Case& first = (*cases)[0];
  CHECK(first.id == "a");
  CHECK(first.dataset == "golden.jsonl");
  CHECK(first.row == 1);
  CHECK(first.location.str() == "golden.jsonl:row 1");
  CHECK(first.expected == "x");
  CHECK(first.tags == std::vector<std::string>{"t1", "t2"});
  CHECK(first.metadata == Json{{"k", 1}});
  CHECK(first.context == "ctx");
  CHECK(first.vars["question"] == "q1");
  CHECK(first.vars["expected"] == "x");
  CHECK(first.vars["tags"] == Json::array({"t1", "t2"}));
  const Case& second = (*cases)[1];
  CHECK(second.id == "golden-2");
  CHECK(second.expected == "42");
  CHECK(second.context == Json::array({"c1", "c2"}));
  CHECK(second.tags == std::vector<std::string>{"a", "b", "c"});
  CHECK(second.metadata == Json::object());
}

TEST_CASE("JSONL skips blank lines, tolerates a BOM and CRLF, and counts physical lines as rows")
{
  auto cases = read_text("golden.jsonl", "\xEF\xBB\xBF{\"id\": 1}\r\n\r\n   \n{\"q\": \"x\"}\r\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].id == "1");
  CHECK((*cases)[1].id == "golden-4");
  CHECK((*cases)[1].row == 4);
}

TEST_CASE("invalid JSON on a line is reported at that row with the parser's message")
{
  CHECK(read_error("golden.jsonl", "{\"id\": 1}\n\n{\"id\": 2,}\n") ==
        "golden.jsonl:row 3: invalid JSON: parse error at column 10: syntax error while parsing object key - "
        "unexpected '}'; expected string literal");
}

TEST_CASE("a JSONL line that is not an object is an error")
{
  CHECK(read_error("golden.jsonl", "{\"id\": 1}\n[1, 2]\n") ==
        "golden.jsonl:row 2: expected one JSON object per line, got an array");
  CHECK(read_error("golden.jsonl", "\"text\"\n") == "golden.jsonl:row 1: expected one JSON object per line, got a string");
}

TEST_CASE("reserved fields with the wrong type are errors at the row")
{
  CHECK(read_error("golden.jsonl", "{\"id\": [1]}\n") ==
        "golden.jsonl:row 1: field 'id' must be a string or an integer, got a list");
  CHECK(read_error("golden.jsonl", "{\"metadata\": \"m\"}\n") ==
        "golden.jsonl:row 1: field 'metadata' must be an object, got a string");
  CHECK(read_error("golden.jsonl", "{\"tags\": [1]}\n") == "golden.jsonl:row 1: field 'tags' must be a list of strings, got a list");
  CHECK(read_error("golden.jsonl", "{\"context\": {\"a\": 1}}\n") ==
        "golden.jsonl:row 1: field 'context' must be a string or a list of strings, got an object");
  CHECK(read_error("golden.jsonl", "{\"evaluators\": [\"contains\"]}\n") ==
        "golden.jsonl:row 1: evaluators[1] must be a mapping with a 'type' (e.g. {\"type\": \"contains\", \"value\": "
        "\"...\"}), got a string");
  CHECK(read_error("golden.jsonl", "{\"evaluators\": [{\"value\": 1}]}\n") ==
        "golden.jsonl:row 1: evaluators[1] needs 'type' (an evaluator type name)");
}

TEST_CASE("an empty dataset has no cases")
{
  CHECK(read_error("datasets/x.jsonl", "\n\n") == "datasets/x.jsonl: no cases");
  CHECK(read_error("cases.json", "[]") == "cases.json: no cases");
  CHECK(read_error("cases.yaml", "") == "cases.yaml: no cases");
}

TEST_CASE("a missing file and an unknown extension are data errors")
{
  auto missing = read_dataset("/nonexistent/x.jsonl", "datasets/x.jsonl");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().category == ErrorCategory::data);
  CHECK(missing.error().str() == "datasets/x.jsonl: cannot open: No such file or directory");
  CHECK(read_error("cases.txt", "x") ==
        "cases.txt: unsupported dataset format '.txt'; expected .jsonl, .csv, .json, .yaml or .yml");
}

TEST_CASE("CSV handles quoted commas, doubled quotes and embedded newlines")
{
  auto cases = read_text("golden.csv", "\xEF\xBB\xBFid,question,expected,tags\r\n"
                                       "a,\"Hello, world\",\"He said \"\"hi\"\"\",x;y\r\n"
                                       "\n"
                                       "b,\"line one\nline two\",,\r\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  const Case& first = (*cases)[0];
  CHECK(first.id == "a");
  CHECK(first.row == 2);
  CHECK(first.location.str() == "golden.csv:row 2");
  CHECK(first.vars["question"] == "Hello, world");
  CHECK(first.expected == "He said \"hi\"");
  CHECK(first.tags == std::vector<std::string>{"x", "y"});
  CHECK(first.vars["tags"] == "x;y");
  const Case& second = (*cases)[1];
  CHECK(second.row == 3);
  CHECK(second.vars["question"] == "line one\nline two");
  CHECK(second.expected == "");
  CHECK(second.tags.empty());
}

TEST_CASE("CSV values are all strings")
{
  auto cases = read_text("golden.csv", "id,n,flag\n7,0.5,true\n");
  REQUIRE(cases);
  CHECK((*cases)[0].id == "7");
  CHECK((*cases)[0].vars["n"] == "0.5");
  CHECK((*cases)[0].vars["flag"] == "true");
}

TEST_CASE("CSV metadata and evaluators cells hold JSON")
{
  auto cases = read_text("golden.csv", "id,metadata,evaluators\n"
                                       "a,\"{\"\"k\"\": 1}\",\"[{\"\"type\"\": \"\"contains\"\", \"\"value\"\": \"\"x\"\"}]\"\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  CHECK((*cases)[0].metadata == Json{{"k", 1}});
  CHECK((*cases)[0].vars["metadata"] == Json{{"k", 1}});
  REQUIRE((*cases)[0].evaluators.size() == 1);
  CHECK((*cases)[0].evaluators[0].type == "contains");
  CHECK((*cases)[0].evaluators[0].location.str() == "golden.csv:row 2");
  CHECK(read_error("golden.csv", "id,metadata\na,not json\n") ==
        "golden.csv:row 2: field 'metadata' must hold JSON in a CSV cell, got 'not json'");
}

TEST_CASE("a CSV row with the wrong number of fields names the expected columns")
{
  CHECK(read_error("golden.csv", "id,question,expected\na,q,e\nb,q,e\nc,q\n") ==
        "golden.csv:row 4: expected 3 fields (id, question, expected) but found 2");
}

TEST_CASE("CSV quoting mistakes are reported at their row")
{
  CHECK(read_error("golden.csv", "id,question\na,\"never closed\n") ==
        "golden.csv:row 2: unterminated quoted field: a '\"' opens a field that never closes");
  CHECK(read_error("golden.csv", "id,question\na,\"quoted\"tail\n") ==
        "golden.csv:row 2: unexpected 't' after a closing quote in field 2; write a quote inside a quoted field "
        "as \"\"");
}

TEST_CASE("a CSV needs a header with distinct, non-empty names and at least one row")
{
  CHECK(read_error("golden.csv", "") == "golden.csv: no rows: expected a header row and at least one data row");
  CHECK(read_error("golden.csv", "id,question\r\n") == "golden.csv: no rows after the header");
  CHECK(read_error("golden.csv", "id,,q\na,b,c\n") == "golden.csv:row 1: column 2 of the header has no name");
  CHECK(read_error("golden.csv", "id,q,id\na,b,c\n") == "golden.csv:row 1: duplicate column 'id' (columns 1 and 3)");
}

TEST_CASE("invalid UTF-8 in a CSV cell is an error, not a crash later")
{
  CHECK(read_error("golden.csv", "id,q\na,\xff\xfe\n") == "golden.csv:row 2: field 'q' is not valid UTF-8");
}

TEST_CASE("a JSON dataset is an array of objects with line:column locations")
{
  auto cases = read_text("golden.json", "[\n  {\"id\": \"a\", \"n\": 1, \"s\": \"7\"},\n  {\"q\": true}\n]\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].vars["n"] == 1);
  CHECK((*cases)[0].vars["s"] == "7");
  CHECK((*cases)[0].location.str() == "golden.json:2:3");
  CHECK((*cases)[1].id == "golden-2");
  CHECK((*cases)[1].row == 2);
  CHECK((*cases)[1].vars["q"] == true);
}

TEST_CASE("JSON dataset errors point at the line and column")
{
  CHECK(read_error("golden.json", "{\"id\": 1}") == "golden.json:1:1: expected a list of objects (one per case), got a mapping");
  CHECK(read_error("golden.json", "[\n  {\"id\": 1},\n  \"text\"\n]") ==
        "golden.json:3:3: element 2 must be an object, got 'text'");
  CHECK(read_error("golden.json", "[\n  {\"id\": 1},\n  {\"id\": [2]}\n]") ==
        "golden.json:3:3: field 'id' must be a string or an integer, got a list");
  CHECK(read_error("golden.json", "[\n  {\"id\": 1,\n]") == "golden.json:3:1: invalid JSON: illegal flow end");
}

TEST_CASE("a YAML dataset is a list of mappings")
{
  auto cases = read_text("golden.yaml", "- id: a\n  question: hi\n  tags: [x]\n- question: \"0.5\"\n  n: 0.5\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].tags == std::vector<std::string>{"x"});
  CHECK((*cases)[1].id == "golden-2");
  CHECK((*cases)[1].vars["question"] == "0.5");
  CHECK((*cases)[1].vars["n"] == 0.5);
  CHECK((*cases)[1].location.str() == "golden.yaml:4:3");
  CHECK(read_error("golden.yml", "- a: 1\n- just text\n") == "golden.yml:2:3: element 2 must be a mapping, got 'just text'");
  CHECK(read_error("golden.yml", "- a: 1\n  a: 2\n") == "golden.yml:2:3: duplicate key 'a' (first at golden.yml:1:3)");
}
