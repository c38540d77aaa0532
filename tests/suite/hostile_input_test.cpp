// Hostile suite input (docs/robustness.md): huge rows, deep nesting, invalid UTF-8, awkward CSV
// quoting and unbalanced template braces each get a defined, located answer, never a crash, a
// hang or memory in proportion to the attack. Inputs are generated here, never committed.

#include <doctest/doctest.h>

#include <chrono>

#include "suite/dataset_reader.hpp"
#include "suite_scratch.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

Result<std::vector<Case>> read_text(const std::string& name, const std::string& content)
{
  ScratchDir dir;
  return read_dataset(dir.write(name, content), name);
}

std::string read_error(const std::string& name, const std::string& content)
{
  return error_text(read_text(name, content));
}

std::string nested(int depth)
{
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

constexpr std::size_t k_huge = 100U * 1024 * 1024;

} // namespace

TEST_CASE(
    "a 100 MB single-line JSONL row is a located error at the 16 MiB row limit, found without reading it all")
{
  std::string row = "{\"id\": \"ok\"}\n{\"question\": \"";
  row.append(k_huge, 'a');
  row += "\"}\n";
  const auto start = std::chrono::steady_clock::now();
  CHECK(read_error("big.jsonl", row) ==
        "big.jsonl:row 2: row is longer than 16 MiB, the limit for one dataset row (a "
        "JSON array or document belongs in a .json file)");
  MESSAGE("100 MB JSONL row refused in "
          << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                 .count()
          << " ms");
}

TEST_CASE("a 100 MB single-line CSV record is a located error at the 16 MiB row limit")
{
  std::string text = "id,question\nok,fine\nbig,\"";
  text.append(k_huge, 'a');
  text += "\"\n";
  const auto start = std::chrono::steady_clock::now();
  CHECK(read_error("big.csv", text) ==
        "big.csv:row 3: record is longer than 16 MiB, the limit for one dataset row (a "
        "quoted field that is never closed runs to the end of the file)");
  MESSAGE("100 MB CSV record refused in "
          << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                 .count()
          << " ms");
}

TEST_CASE("a JSON or YAML dataset above 16 MiB is refused before it is parsed whole")
{
  const std::string padding(17U * 1024 * 1024, ' ');
  CHECK(read_error("big.json", "[{\"id\": \"a\"}" + padding + "]") ==
        "big.json: a .json dataset is parsed whole, so it may hold at most 16 MiB (this one is 17.0 MiB); "
        "write one "
        "object per line as .jsonl, which is streamed");
  CHECK(read_error("big.yaml", "- id: a\n" + padding).rfind("big.yaml: a YAML dataset is parsed whole", 0) ==
        0);
}

TEST_CASE("a row just under the limit loads whole, in JSONL and CSV")
{
  const std::string long_text(4U * 1024 * 1024, 'b');
  auto jsonl = read_text("long.jsonl", "{\"question\": \"" + long_text + "\"}\n");
  REQUIRE_MESSAGE(jsonl, error_text(jsonl));
  CHECK((*jsonl)[0].vars["question"].get<std::string>().size() == long_text.size());
  auto csv = read_text("long.csv", "question\n\"" + long_text + "\"\n");
  REQUIRE_MESSAGE(csv, error_text(csv));
  CHECK((*csv)[0].vars["question"].get<std::string>().size() == long_text.size());
}

TEST_CASE("JSON nested 100,000 deep in a JSONL row is a located error, not a stack overflow")
{
  CHECK(read_error("deep.jsonl", "{\"id\": \"a\"}\n{\"deep\": " + nested(100000) + "}\n") ==
        "deep.jsonl:row 2: invalid JSON: nested deeper than 256 levels (byte 265)");
}

TEST_CASE("nesting up to 256 levels loads")
{
  auto cases = read_text("ok.jsonl", "{\"deep\": " + nested(255) + "}\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  CHECK((*cases)[0].vars["deep"].is_array());
}

TEST_CASE("deep nesting in a JSON or YAML dataset is a located error")
{
  CHECK(read_error("deep.json", "[{\"deep\": " + nested(100000) + "}]") ==
        "deep.json:1:265: invalid JSON: nested deeper than 256 levels");
  CHECK(read_error("deep.yaml", "- deep: " + nested(100000) + "\n") ==
        "deep.yaml:1:265: invalid YAML: nested deeper than 256 levels");
  // Under yaml-cpp's own guard (2000) the same bound as JSONL applies.
  CHECK(read_error("mid.json", "[{\"deep\": " + nested(300) + "}]") ==
        "mid.json:1:266: nested deeper than 256 levels");
}

TEST_CASE("deep JSON in a CSV metadata cell is an error at its row")
{
  CHECK(read_error("deep.csv", "question,metadata\nq,\"{\"\"a\"\": " + nested(100000) + "}\"\n")
            .rfind("deep.csv:row 2: field 'metadata' must hold JSON in a CSV cell", 0) == 0);
}

TEST_CASE("a deeply nested suite file is a located error")
{
  CHECK(load_error(base_suite("metadata: " + nested(100000) + "\n")) ==
        "evalgate.yaml:14:267: invalid YAML: nested deeper than 256 levels");
}

TEST_CASE("invalid UTF-8 in a JSONL row is a located error")
{
  CHECK(read_error("bad.jsonl", "{\"question\": \"caf\xC3\"}\n") ==
        "bad.jsonl:row 1: invalid JSON: parse error at column 19: syntax error while parsing value - invalid "
        "string: "
        "ill-formed UTF-8 byte");
  CHECK(read_error("bad.yaml", "- question: \"caf\xFF\"\n") == "bad.yaml:1:13: invalid UTF-8 in a value");
}

TEST_CASE("CSV keeps quoted commas, quoted CRLF line breaks and doubled quotes inside one field")
{
  auto cases = read_text("q.csv", "id,question,expected\r\n"
                                  "a,\"one, \"\"two\"\"\r\nthree\",\"x\"\r\n"
                                  "b,plain,\"\"\r\n");
  REQUIRE_MESSAGE(cases, error_text(cases));
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].vars["question"] == "one, \"two\"\r\nthree");
  CHECK((*cases)[0].expected == "x");
  CHECK((*cases)[1].row == 3);
  CHECK((*cases)[1].vars["question"] == "plain");
}

TEST_CASE("an unbalanced '{{' in a prompt is a located error; a lone '}}' is literal text")
{
  CHECK(load_error(base_suite() + "") == "(loaded)");
  std::string open = base_suite();
  open.replace(open.find("\"Q: {{question}}\""), 17, "\"Q: {{question\"");
  CHECK(load_error(open) == "evalgate.yaml:4:11: prompt 'v1': unbalanced '{{' at offset 4: no closing '}}'");
  std::string close = base_suite();
  close.replace(close.find("\"Q: {{question}}\""), 17, "\"Q: {{question}} }}\"");
  ScratchDir dir;
  auto suite = load_text(dir, close);
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->prompts[0].messages[0].content == "Q: {{question}} }}");
}
