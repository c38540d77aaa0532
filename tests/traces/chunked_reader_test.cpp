#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::ReadOptions;

namespace {

// Every field a reader fills, as one comparable text.
std::string describe(const TraceRecord& r)
{
  auto opt = [](const auto& value) { return value ? std::to_string(*value) : std::string("-"); };
  std::string out =
      r.source_format + "|" + r.source_file + ":" + std::to_string(r.source_line) + "|" + r.trace_id + "|" +
      r.trace_id_norm + "|" + r.span_id + "|" + r.parent_span_id + "|" +
      std::to_string(static_cast<int>(r.kind)) + "|" + r.operation + "|" + r.name + "|" + r.model + "|" +
      r.provider + "|" + r.system_instructions + "|" + r.input_text + "|" + r.output_text + "|" +
      opt(r.tokens_in) + "|" + opt(r.tokens_out) + "|" + opt(r.tokens_total) + "|" + opt(r.cost_usd) + "|" +
      r.cost_source + "|" + std::to_string(r.start_unix_nano) + "|" + std::to_string(r.end_unix_nano) + "|" +
      opt(r.latency_ms) + "|" + std::to_string(static_cast<int>(r.status)) + "|" + r.error_type + "|" +
      r.error_message + "|" + r.session_id + "|" + r.user_id + "|" + r.metadata.dump();
  for (const auto& m : r.input_messages) {
    out += "|in:" + m.role + ":" + m.text;
  }
  for (const auto& m : r.output_messages) {
    out += "|out:" + m.role + ":" + m.text;
  }
  for (const auto& d : r.retrieved_context) {
    out += "|doc:" + d.doc_id + ":" + d.content;
  }
  for (const auto& t : r.tool_calls) {
    out += "|tool:" + t.name;
  }
  for (const auto& tag : r.tags) {
    out += "|tag:" + tag;
  }
  return out;
}

std::vector<std::string> described(const ReadAll& read)
{
  std::vector<std::string> out;
  for (const auto& record : read.records) {
    out.push_back(describe(record));
  }
  return out;
}

ReadOptions threaded(std::size_t chunk_bytes, int threads = 2)
{
  ReadOptions options;
  options.threads = threads;
  options.chunk_bytes = chunk_bytes;
  return options;
}

// The chunked read gives the sinks what the one-thread read gives them, in the same order.
void check_same_as_one_thread(const std::string& path, ReadOptions options)
{
  ReadOptions one = options;
  one.threads = 1;
  const ReadAll expected = read_all(path, one);
  const ReadAll got = read_all(path, options);
  REQUIRE(expected.summary.has_value() == got.summary.has_value());
  if (expected.summary) {
    CHECK(got.summary->format == expected.summary->format);
    CHECK(got.summary->detected == expected.summary->detected);
    CHECK(got.summary->records == expected.summary->records);
    CHECK(got.summary->warnings == expected.summary->warnings);
    CHECK(got.summary->bytes == expected.summary->bytes);
  } else {
    CHECK(got.summary.error().str() == expected.summary.error().str());
  }
  CHECK(got.warnings == expected.warnings);
  CHECK(described(got) == described(expected));
}

std::string span(const std::string& trace, int i, const std::string& extra = "")
{
  return R"({"traceId":")" + trace + R"(","spanId":"00000000000000)" + (i < 10 ? "0" : "") +
         std::to_string(i) +
         R"(","name":"chat","startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[)"
         R"({"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},)"
         R"({"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}})" +
         extra + "]}";
}

std::string line_of(const std::vector<std::string>& spans)
{
  std::string joined;
  for (const auto& s : spans) {
    joined += (joined.empty() ? "" : ",") + s;
  }
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + joined + "]}]}]}";
}

// 40 lines, the spans of each trace spread over three consecutive lines, with broken lines among
// them: truncated, invalid UTF-8, a traceId of the wrong type, an attribute of the wrong type,
// fields the GenAI mapping warns about (line 30), blank and CRLF lines; a BOM first and no newline
// after the last line.
std::string malformed_export()
{
  std::string text = "\xEF\xBB\xBF";
  for (int line = 1; line <= 40; ++line) {
    const std::string trace = "0af7651916cd43dd8448eb211c8031" + std::to_string(10 + line / 3);
    std::string content = line_of({span(trace, line), span(trace, line + 50)});
    if (line == 4) {
      content = content.substr(0, 70);
    } else if (line == 9) {
      content = line_of({span(trace, line,
                              R"(,{"key":"bad","value":{"stringValue":"caf)"
                              "\xFF"
                              R"("}})")});
    } else if (line == 13) {
      content = line_of({R"({"traceId":7,"spanId":"0000000000000001"})", span(trace, line)});
    } else if (line == 21) {
      content = line_of({span(trace, line, R"(,{"key":"n","value":{"intValue":"many"}})")});
    } else if (line == 30) {
      content = line_of({span(trace, line,
                              R"(,{"key":"gen_ai.input.messages","value":{"stringValue":"[oops"}},)"
                              R"({"key":"gen_ai.retrieval.documents","value":{"stringValue":"{}"}},)"
                              R"({"key":"gen_ai.usage.input_tokens","value":{"stringValue":"x"}})"),
                         R"({"traceId":")" + trace +
                             R"(","spanId":"0000000000000099","name":"execute_tool lookup","attributes":[)"
                             R"({"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},)"
                             R"({"key":"gen_ai.tool.call.arguments","value":{"stringValue":"{bad"}}]})"});
    } else if (line == 25) {
      content = "   ";
    } else if (line == 26) {
      content += "\r";
    }
    text += content + (line == 40 ? "" : "\n");
  }
  return text;
}

} // namespace

TEST_CASE("reading JSON lines on two threads gives the shared fixtures' records and warnings of one thread")
{
  for (const char* name :
       {"otlp-genai.jsonl", "openinference.jsonl", "langfuse-observations.jsonl", "langsmith-runs.jsonl"}) {
    CAPTURE(name);
    check_same_as_one_thread(fixture(name), threaded(64));      // every line its own chunk
    check_same_as_one_thread(fixture(name), threaded(4096));    // a few lines per chunk
    check_same_as_one_thread(fixture(name), threaded(1 << 22)); // one chunk
  }
}

TEST_CASE("a chunked read keeps the warnings' line numbers and the order of records across chunk boundaries")
{
  TempDir dir;
  const auto path = dir.write("export.jsonl", malformed_export());
  for (std::size_t chunk : {std::size_t{1}, std::size_t{700}, std::size_t{5000}, std::size_t{1} << 20}) {
    CAPTURE(chunk);
    check_same_as_one_thread(path, threaded(chunk));
    check_same_as_one_thread(path, threaded(chunk, 3));
  }
  const ReadAll got = read_all(path, threaded(700));
  REQUIRE(got.summary.has_value());
  CHECK(got.summary->warnings == 8);
  CHECK(got.warnings.at(0) ==
        path + ":4: not valid JSON (A string is opened, but never closed.); line skipped");
  CHECK(got.warnings.at(1) ==
        path + ":9: invalid UTF-8: 1 byte(s) replaced by U+FFFD (the rest of the line is kept)");
  CHECK(got.warnings.at(2) ==
        path + ":13: resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string, found a number; "
               "span skipped");
  CHECK(got.records.front().source_line == 1);
  CHECK(got.records.back().source_line == 40);
  // A trace whose spans sit on lines 3-5 straddles chunks of 700 bytes and still reads whole.
  std::size_t spans_of_trace = 0;
  for (const auto& record : got.records) {
    spans_of_trace += record.trace_id == "0af7651916cd43dd8448eb211c803111" ? 1 : 0;
  }
  CHECK(spans_of_trace == 4); // lines 3 and 5 (line 4 is truncated), two spans each
}

TEST_CASE("strict mode on two threads stops at the same first warning with the records before it")
{
  TempDir dir;
  const auto path = dir.write("export.jsonl", malformed_export());
  ReadOptions options = threaded(700);
  options.strict = true;
  check_same_as_one_thread(path, options);
  const ReadAll got = read_all(path, options);
  REQUIRE_FALSE(got.summary.has_value());
  CHECK(got.summary.error().str() ==
        path + ":4: not valid JSON (A string is opened, but never closed.); line skipped");
  CHECK(got.records.size() == 6);
}

TEST_CASE("a line longer than a chunk is read whole on two threads")
{
  TempDir dir;
  std::vector<std::string> spans;
  for (int i = 0; i < 60; ++i) {
    spans.push_back(span("0af7651916cd43dd8448eb211c80319c", i));
  }
  const auto path =
      dir.write("long.jsonl", line_of({span("0af7651916cd43dd8448eb211c80319d", 1)}) + "\n" + line_of(spans) +
                                  "\n" + line_of({span("0af7651916cd43dd8448eb211c80319e", 2)}) + "\n");
  check_same_as_one_thread(path, threaded(256));
  const ReadAll got = read_all(path, threaded(256));
  CHECK(got.records.size() == 62);
}

TEST_CASE(
    "a single JSON document and an undetectable first line are read on one thread with the same results")
{
  TempDir dir;
  const auto pretty = dir.write("doc.json", "{\n  \"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [" +
                                                span("0af7651916cd43dd8448eb211c80319c", 1) + "]}]}]\n}\n");
  check_same_as_one_thread(pretty, threaded(16));
  const ReadAll doc = read_all(pretty, threaded(16));
  CHECK(doc.records.size() == 1);
  const auto broken_first =
      dir.write("broken.jsonl",
                "{\"resourceSpans\": [\n" + line_of({span("0af7651916cd43dd8448eb211c80319c", 1)}) + "\n");
  check_same_as_one_thread(broken_first, threaded(16));
  const auto unknown = dir.write("unknown.jsonl", "{\"hello\": 1}\n{\"hello\": 2}\n");
  check_same_as_one_thread(unknown, threaded(16));
  check_same_as_one_thread(dir.write("empty.jsonl", ""), threaded(16));
}

TEST_CASE("records the keep filter drops are counted but never reach the sink, and warn as when kept")
{
  TempDir dir;
  const auto path = dir.write("export.jsonl", malformed_export());
  for (int threads : {1, 2}) {
    CAPTURE(threads);
    ReadOptions none = threaded(700, threads);
    none.keep = [](std::string_view) { return false; };
    const ReadAll all = read_all(path, threaded(700, threads));
    const ReadAll dropped = read_all(path, none);
    REQUIRE(dropped.summary.has_value());
    CHECK(dropped.records.empty());
    CHECK(dropped.summary->records == all.summary->records);
    CHECK(dropped.summary->warnings == all.summary->warnings);
    CHECK(dropped.warnings == all.warnings); // the mapping's warnings of line 30 too
  }
  for (int threads : {1, 2}) {
    CAPTURE(threads);
    ReadOptions options = threaded(700, threads);
    options.keep = [](std::string_view trace_id_norm) { return trace_id_norm.back() == '2'; };
    const ReadAll all = read_all(path, threaded(700, threads));
    const ReadAll kept = read_all(path, options);
    REQUIRE(kept.summary.has_value());
    CHECK(kept.summary->records == all.summary->records);
    CHECK(kept.warnings == all.warnings);
    std::vector<std::string> expected;
    for (const auto& record : all.records) {
      if (record.trace_id_norm.back() == '2') {
        expected.push_back(describe(record));
      }
    }
    CHECK_FALSE(expected.empty());
    CHECK(described(kept) == expected);
  }
}

TEST_CASE("records read with sampler_fields_only carry the sampler's fields and give the same warnings")
{
  TempDir dir;
  const auto generated = dir.write("export.jsonl", malformed_export());
  for (const std::string& path : {fixture("otlp-genai.jsonl"), generated}) {
    for (int threads : {1, 2}) {
      CAPTURE(path);
      CAPTURE(threads);
      ReadOptions lean_options = threaded(700, threads);
      lean_options.sampler_fields_only = true;
      const ReadAll full = read_all(path, threaded(700, threads));
      const ReadAll lean = read_all(path, lean_options);
      REQUIRE(lean.summary.has_value());
      CHECK(lean.summary->records == full.summary->records);
      CHECK(lean.warnings == full.warnings);
      REQUIRE(lean.records.size() == full.records.size());
      bool any_messages = false;
      for (std::size_t i = 0; i < full.records.size(); ++i) {
        const TraceRecord& f = full.records[i];
        const TraceRecord& l = lean.records[i];
        CHECK(l.trace_id_norm == f.trace_id_norm);
        CHECK(l.span_id == f.span_id);
        CHECK(l.parent_span_id == f.parent_span_id);
        CHECK(l.kind == f.kind);
        CHECK(l.name == f.name);
        CHECK(l.model == f.model);
        CHECK(l.provider == f.provider);
        CHECK(l.status == f.status);
        CHECK(l.start_unix_nano == f.start_unix_nano);
        CHECK(l.source_line == f.source_line);
        CHECK(l.input_messages.empty());
        any_messages = any_messages || !f.input_messages.empty();
      }
      CHECK(any_messages);
    }
  }
}
