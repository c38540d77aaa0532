#include <doctest/doctest.h>

#include <fstream>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::ReadOptions;
using evalgate::traces::TraceFormat;

namespace {

const std::string k_good =
    R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"ok"}]}]}]})";

std::string span_line(const std::string& span)
{
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + span + "]}]}]}";
}

ReadOptions strict()
{
  ReadOptions options;
  options.strict = true;
  return options;
}

} // namespace

TEST_CASE("a truncated line is a located warning; the lines around it are read")
{
  TempDir dir;
  const auto path = dir.write("t.jsonl", k_good + "\n" + k_good.substr(0, 60) + "\n" + k_good + "\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 2);
  CHECK(read.summary->warnings == 1);
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0] ==
        path + ":2: not valid JSON (A string is opened, but never closed.); line skipped");
}

TEST_CASE("strict mode turns the first warning into a data error with the same text")
{
  TempDir dir;
  const auto path = dir.write("t.jsonl", k_good + "\n" + k_good.substr(0, 60) + "\n" + k_good + "\n");
  auto lenient = read_all(path);
  auto read = read_all(path, strict());
  REQUIRE_FALSE(read.summary.has_value());
  CHECK(read.summary.error().category == ErrorCategory::data);
  CHECK(read.summary.error().str() == lenient.warnings.at(0));
  CHECK(read.records.size() == 1);
}

TEST_CASE("wrong types are located warnings naming the field; the span or attribute is skipped")
{
  TempDir dir;
  const auto path = dir.write(
      "types.jsonl",
      span_line(R"({"traceId":42,"spanId":"b7ad6b7169203331"})") + "\n" +
          span_line(
              R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x",)"
              R"("startTimeUnixNano":"soon","attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"many"}},)"
              R"({"key":"gen_ai.usage.output_tokens","value":{"stringValue":"7x"}},{"key":5}]})") +
          "\n" + R"({"resourceSpans":{"a":1}})" + "\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 1);
  const std::string span = "resourceSpans[0].scopeSpans[0].spans[0]";
  CHECK(read.warnings ==
        std::vector<std::string>{
            path + ":1: " + span + ".traceId: expected a hex string, found a number; span skipped",
            path + ":2: " + span +
                ".startTimeUnixNano: expected nanoseconds as a decimal string or "
                "integer, found \"soon\"; ignored",
            path + ":2: " + span +
                ".attributes[0].value.intValue: wrong type: \"many\"; attribute "
                "ignored",
            path + ":2: " + span + ".attributes[2].key: missing or not a string; attribute ignored",
            path + ":2: " + span +
                ".attributes.gen_ai.usage.output_tokens: expected an integer, "
                "found \"7x\"; ignored",
            path + ":3: resourceSpans: expected an array; record skipped",
        });
  CHECK(read.summary->warnings == 6);
  CHECK_FALSE(read.records[0].tokens_in.has_value());
}

TEST_CASE("missing ids are located warnings and the span is skipped")
{
  TempDir dir;
  const auto path =
      dir.write("ids.jsonl", span_line(R"({"spanId":"b7ad6b7169203331"})") + "\n" +
                                 span_line(R"({"traceId":"0af7651916cd43dd8448eb211c80319c"})") + "\n" +
                                 span_line(R"({"traceId":"","spanId":"b7ad6b7169203331"})") + "\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 0);
  const std::string span = "resourceSpans[0].scopeSpans[0].spans[0]";
  CHECK(read.warnings == std::vector<std::string>{
                             path + ":1: " + span + ".traceId: missing; span skipped",
                             path + ":2: " + span + ".spanId: missing; span skipped",
                             path + ":3: " + span + ".traceId: empty; span skipped",
                         });
}

TEST_CASE("invalid UTF-8 is replaced by U+FFFD with a warning, and the record is kept")
{
  TempDir dir;
  const auto path =
      dir.write("utf8.jsonl", span_line("{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":"
                                        "\"b7ad6b7169203331\",\"name\":\"caf\xC3\"}") +
                                  "\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  REQUIRE(read.records.size() == 1);
  CHECK(read.records[0].name == "caf\xEF\xBF\xBD");
  CHECK(read.warnings ==
        std::vector<std::string>{
            path + ":1: invalid UTF-8: 1 byte(s) replaced by U+FFFD (the rest of the line is kept)"});
  CHECK_FALSE(read_all(path, strict()).summary.has_value());
}

TEST_CASE("a line of an unknown shape in a detected file is a warning")
{
  TempDir dir;
  const auto path = dir.write("shape.jsonl", k_good + "\n" + R"({"hello":"world"})" + "\n[1,2]\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 1);
  CHECK(read.warnings ==
        std::vector<std::string>{
            path + ":2: resourceSpans: missing; not an OTLP ExportTraceServiceRequest, record skipped",
            path + ":3: [0]: expected a JSON object, found 1; skipped",
            path + ":3: [1]: expected a JSON object, found 2; skipped",
        });
}

TEST_CASE("a file whose format cannot be detected is an error naming the file and a hint")
{
  TempDir dir;
  const auto proto = dir.write("spans.bin", std::string("\x00\x00\x01\x2a\x0a\x0b", 6));
  auto read = read_all(proto);
  REQUIRE_FALSE(read.summary.has_value());
  CHECK(read.summary.error().category == ErrorCategory::data);
  CHECK(read.summary.error().str() ==
        proto +
            ": not a JSON trace export (first byte 0x00): it looks like length-prefixed protobuf (the "
            "collector file exporter's `format: proto`); configure the exporter with `format: json` and no "
            "compression");
  const auto zstd = dir.write("spans.zst", std::string("\x28\xB5\x2F\xFD\x00", 5));
  CHECK(
      read_all(zstd).summary.error().str() ==
      zstd +
          ": not a JSON trace export (first byte 0x28): it is zstd-compressed (the collector file exporter's "
          "`compression: zstd`); decompress it (zstd -d) or configure the exporter with `format: json` and "
          "no "
          "compression");
  const auto unknown = dir.write("other.jsonl", R"({"foo":1,"bar":2})"
                                                "\n");
  CHECK(read_all(unknown).summary.error().str() ==
        unknown +
            ": cannot detect the trace format: the first record has keys foo, bar; expected OTLP/JSON "
            "(resourceSpans), Phoenix/OpenInference spans (context.span_id + span_kind), Langfuse traces or "
            "observations, or LangSmith runs (run_type + dotted_order); name the format explicitly if it is "
            "one of these");
  const auto garbage = dir.write("garbage.jsonl", "{not json\n{neither\n");
  CHECK(read_all(garbage).summary.error().str() ==
        garbage + ": cannot detect the trace format: no line is a valid JSON record (2 warning(s))");
}

TEST_CASE("an empty file reads as zero records without an error")
{
  TempDir dir;
  auto read = read_all(dir.write("empty.jsonl", "\n\n"));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 0);
  CHECK_FALSE(read.summary->detected);
}

TEST_CASE("a named format is used without sniffing and a missing file is an error")
{
  TempDir dir;
  ReadOptions options;
  options.format = TraceFormat::otlp;
  auto read = read_all(dir.write("x.jsonl", k_good + "\n"), options);
  REQUIRE(read.summary.has_value());
  CHECK_FALSE(read.summary->detected);
  CHECK(read.summary->format == TraceFormat::otlp);
  auto missing = read_all(dir.file("nope.jsonl"));
  REQUIRE_FALSE(missing.summary.has_value());
  CHECK(missing.summary.error().str() ==
        dir.file("nope.jsonl") + ": cannot open trace file: No such file or directory");
}

TEST_CASE("a truncated first line is a warning too: the next line shows the file is JSON lines")
{
  TempDir dir;
  const auto path = dir.write("first.jsonl", k_good.substr(0, 60) + "\n" + k_good + "\n" + k_good + "\n");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->records == 2);
  CHECK(read.summary->format == TraceFormat::otlp);
  CHECK(read.warnings ==
        std::vector<std::string>{path +
                                 ":1: not valid JSON (A string is opened, but never closed.); line skipped"});
  CHECK(read.records[0].source_line == 2);
}
